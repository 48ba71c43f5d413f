"""Errors the service answers with: a status, a short code, a Chinese message and, when the
fault is in an uploaded file, where (file, line, column, cell) — the same place and message
the command line gives for that file."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    status: int
    code: str  # a stable English key: too-large, too-many-files, unreadable-input, …
    message: str  # Chinese, for a person
    file: str | None = None  # the uploaded file's name, as the client sent it (display only)
    line: int | None = None
    column: int | None = None
    cell: str | None = None  # "Sheet1!D7" for a table
    request_id: str | None = None


class ErrorResponse(BaseModel):
    """Every 4xx and 503 answer. `errors` lists each unreadable file when there are several;
    `report` is the JSON report (contract v1) of the whole request when files were audited."""

    error: ErrorDetail
    errors: list[ErrorDetail] = []
    report: dict[str, Any] | None = None


class ServeError(Exception):
    """A request the service refuses, with the answer it gets."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.detail = ErrorDetail(
            status=status, code=code, message=message, file=file, line=line, column=column
        )
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return self.detail.status


def too_large(what: str, limit: int, file: str | None = None) -> ServeError:
    return ServeError(
        413, "too-large", f"{what}超过大小上限 {_size(limit)}，请拆分后再上传", file=file
    )


def _size(n: int) -> str:
    mib = n / (1024 * 1024)
    return f"{mib:g} MB" if mib >= 1 else f"{n / 1024:g} KB"
