"""Security headers on every answer. A route that serves a page sets its own
Content-Security-Policy (see PAGE_CSP, REPORT_CSP); everything else gets one that allows
nothing at all, which is right for JSON and downloads."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from indicator_audit.serve.asgi import HttpMiddleware

# The upload page: its own script and style files, fetch to itself, nothing inline.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The html report: no script at all; its one stylesheet is written in the page itself.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_NONE_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
_DEFAULTS = (
    (b"content-security-policy", _NONE_CSP.encode()),
    # reports hold the department's data: no cache keeps a copy
    (b"cache-control", b"no-store"),
)


class SecurityHeaders(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in dict(_ALWAYS)
                ]
                present = {k.lower() for k, _ in headers}
                headers.extend(_ALWAYS)
                headers.extend((k, v) for k, v in _DEFAULTS if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
