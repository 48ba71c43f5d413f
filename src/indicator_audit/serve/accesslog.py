"""Structured log lines: one JSON object per request (logger `indicator_audit.serve.access`)
and per unexpected error (`indicator_audit.serve.error`). The service only writes to the
loggers; the `serve` command decides where they go.

Whatever a client sent (a path, a file name) is written as JSON with every control
character escaped, C1 ones included, so a log line never carries a terminal sequence.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from indicator_audit.serve.asgi import HttpMiddleware
from indicator_audit.serve.limits import declared_length

ACCESS = logging.getLogger("indicator_audit.serve.access")
ERRORS = logging.getLogger("indicator_audit.serve.error")
# json.dumps(ensure_ascii=False) escapes C0 controls but leaves DEL and the C1 range as is
_C1 = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def line(**fields: Any) -> str:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    return json.dumps({"time": stamp, **fields}, ensure_ascii=False).translate(_C1)


def request_id(scope: Scope) -> str | None:
    state = scope.get("state")
    found = state.get("request_id") if isinstance(state, dict) else None
    return found if isinstance(found, str) else None


class AccessLog(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 0
        sent = 0

        async def counting(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            client = scope.get("client")
            ACCESS.info(
                line(
                    event="request",
                    request_id=request_id(scope),
                    method=scope["method"],
                    path=scope["path"],
                    status=status or None,  # None: the client went away before an answer
                    duration_ms=round((time.perf_counter() - start) * 1000, 1),
                    bytes_in=declared_length(scope),
                    bytes_out=sent,
                    client=client[0] if client else None,
                )
            )
