"""What a request brings to audit: uploaded files (multipart/form-data) or a targets document
in the body (JSON or YAML), saved by a worker thread into the request's own folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from indicator_audit.serve.errors import ServeError, too_large
from indicator_audit.serve.settings import ServeSettings
from indicator_audit.serve.uploads import (
    ROLES,
    Upload,
    Workdir,
    check_count,
    display_name,
    suffix_of,
)

# A document in the body: its media type → the name it gets in reports (and its reader).
BODY_TYPES = {
    "application/json": "request.json",
    "application/yaml": "request.yaml",
    "application/x-yaml": "request.yaml",
    "text/yaml": "request.yaml",
}


@dataclass
class Received:
    """The request's inputs, read but not yet on disk; `fields` are the form's other fields."""

    files: list[tuple[str, UploadFile | bytes, int]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    # last year's tables and the declared targets (fields previous, declared), when sent
    companions: list[tuple[str, str, UploadFile, int]] = field(default_factory=list)

    def saver(self, settings: ServeSettings) -> Callable[[Workdir], list[Upload]]:
        """Writes the inputs into a request folder (run in the worker thread)."""

        def save(work: Workdir) -> list[Upload]:
            out: list[Upload] = []
            for name, data, size in self.files:
                raw = data if isinstance(data, bytes) else data.file
                out.append(work.save(name, raw, size, settings.max_file_bytes))
            for role, name, upload, size in self.companions:
                out.append(work.save(name, upload.file, size, settings.max_file_bytes, role))
            return out

        return save


async def receive(request: Request, settings: ServeSettings) -> Received:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        return await _form(request, settings)
    if kind in BODY_TYPES:
        body = await request.body()
        if len(body) > settings.max_file_bytes:
            raise too_large("请求中的指标文档", settings.max_file_bytes)
        return Received(files=[(BODY_TYPES[kind], body, len(body))])
    shown = f"“{kind}”" if kind else "（请求没有写明 Content-Type）"
    raise ServeError(
        415,
        "unsupported-media-type",
        f"不支持的请求类型{shown}：请用 multipart/form-data 上传文件（字段 files），"
        "或用 application/json、application/yaml 提交一个指标文档",
    )


async def _form(request: Request, settings: ServeSettings) -> Received:
    try:
        form = await request.form(max_files=settings.max_files, max_fields=20)
    except HTTPException as exc:
        if "Too many files" in str(exc.detail):
            raise ServeError(
                400,
                "too-many-files",
                f"一次最多上传 {settings.max_files} 个文件：请分批上传",
            ) from None
        raise ServeError(
            400, "bad-form", f"无法解析上传的表单（multipart/form-data）：{exc.detail}"
        ) from None
    received = Received()
    for key, value in form.multi_items():
        if isinstance(value, str):
            received.fields[key] = value
        elif key in ROLES and (value.filename or value.size):  # an empty input sends b""
            name = display_name(value.filename, len(received.files) + 1)
            suffix_of(name)  # refused before any work: 415
            size = value.size or 0
            if size > settings.max_file_bytes:
                raise too_large(f"文件“{name}”", settings.max_file_bytes, file=name)
            if key == "files":
                received.files.append((name, value, size))
            else:
                received.companions.append((key, name, value, size))
    check_count(len(received.files), settings)
    return received
