"""The request-size limit, enforced before anything is parsed: a declared Content-Length over
the limit is refused at once (413), and a body sent without one is counted as it arrives and
refused when it passes the limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indicator_audit.serve.asgi import HttpMiddleware
from indicator_audit.serve.errors import ErrorResponse, too_large


class BodyLimit(HttpMiddleware):
    def __init__(self, app: ASGIApp, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = declared_length(scope)
        if declared is not None and declared > self.limit:
            await _refuse(send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large("请求", self.limit)
            return message

        await self.app(scope, counted, send)


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, if any."""
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    detail = too_large("请求", limit).detail
    body = ErrorResponse(error=detail).model_dump_json(exclude_none=True).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
