"""The outermost guard: every request gets an id (X-Request-ID), and an exception nobody
expected becomes a 503 with a Chinese message and that id, logged with its traceback, never a
500 or a traceback for the client."""

from __future__ import annotations

import secrets
import traceback

from starlette.types import Message, Receive, Scope, Send

from indicator_audit.serve.accesslog import ERRORS, line
from indicator_audit.serve.asgi import HttpMiddleware
from indicator_audit.serve.errors import ErrorDetail, ErrorResponse


class Guard(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        rid = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def tagged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        except Exception as exc:
            ERRORS.error(
                line(
                    event="error",
                    request_id=rid,
                    path=scope.get("path"),
                    error=type(exc).__name__,
                    detail=str(exc),
                    traceback=traceback.format_exc(),
                )
            )
            if started:
                return  # the answer is half sent: the connection closes, the client sees it cut
            await tagged_error(send, rid)


async def tagged_error(send: Send, rid: str) -> None:
    body = ErrorResponse(
        error=ErrorDetail(
            status=503,
            code="internal-error",
            message=f"服务内部错误，已记录（编号 {rid}）：请稍后重试；若一再出现，请把输入文件和编号交给维护人员",
            request_id=rid,
        )
    ).model_dump_json(exclude_none=True)
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"x-request-id", rid.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
