"""The ASGI application: the upload page, the API under /v1, its documentation, and the
guards around them (request ids, size limits, security headers, access log, never a 500).

`create_app(settings)` builds one; `app_from_env()` builds one from INDICATOR_AUDIT_*
variables (what each of uvicorn's worker processes calls).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from indicator_audit._version import __version__
from indicator_audit.read.schema import targets_schema
from indicator_audit.results import Report
from indicator_audit.serve.accesslog import AccessLog, request_id
from indicator_audit.serve.errors import ErrorDetail, ErrorResponse, ServeError
from indicator_audit.serve.guard import Guard
from indicator_audit.serve.headers import PAGE_CSP, REPORT_CSP, SecurityHeaders
from indicator_audit.serve.inputs import BODY_TYPES, Received, receive
from indicator_audit.serve.jobs import (
    CHECK_FORMATS,
    DOWNLOAD_NAMES,
    SUGGEST_FORMATS,
    Engine,
    Output,
)
from indicator_audit.serve.limits import BodyLimit
from indicator_audit.serve.page import docs_page, error_page, upload_page
from indicator_audit.serve.rules import RuleDetail, RuleSummary, catalogue, detail
from indicator_audit.serve.settings import MIB, ServeSettings
from indicator_audit.serve.uploads import Upload, UploadRoot, workdir

T = TypeVar("T")
STATIC = Path(__file__).parent / "static"
_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# Paths a browser posts to without JavaScript: their refusals are pages, not JSON.
_PAGE_POSTS = frozenset({"/report"})
_STATUS_TEXT = {
    404: ("not-found", "没有这个地址：页面在 /，接口说明在 /docs"),
    405: ("method-not-allowed", "该地址不支持这种请求方法：接口说明在 /docs"),
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "请求有误（没有文件、文件过多、表单无法解析）"),
        (401, "需要访问令牌（Authorization: Bearer …）"),
        (413, "请求或文件超过大小上限"),
        (415, "不支持的请求类型或文件类型"),
        (422, "参数错误，或文件无法检查（位置与命令行相同）"),
        (503, "服务繁忙、审核超时或内部错误（已记录）"),
    )
}


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    engine = Engine(settings)
    limiter = anyio.CapacityLimiter(settings.slots)
    root = UploadRoot()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:  # graceful shutdown: uvicorn has let the requests in flight finish
            root.remove()

    app = FastAPI(
        title="indicator-audit",
        version=__version__,
        description="审核预算绩效目标（绩效目标申报表、绩效自评表）的指标：与命令行 "
        "`indicator-audit check` 相同的规则与报告。",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.uploads = root
    _add_middleware(app, settings)
    _add_handlers(app)

    async def job(received: Received, run: Callable[[list[Upload]], Output]) -> Output:
        """Save the uploads and run `run` on them in a worker thread, one of `settings.slots`
        at a time. A request that waits or runs past the time limit is answered 503; its
        thread, which cannot be stopped, finishes on its own and removes its folder."""

        def work() -> Output:
            with workdir(root) as folder:
                return run(received.saver(settings)(folder))

        try:
            with anyio.fail_after(settings.time_limit):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True, limiter=limiter)
        except TimeoutError:
            raise ServeError(
                503,
                "timeout",
                f"审核超过时限（{settings.time_limit:g} 秒）或服务繁忙：请稍后重试，或分批上传",
                headers={"Retry-After": "30"},
            ) from None

    def authorize(request: Request, fields: dict[str, str] | None = None) -> None:
        if settings.token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer":  # only a bearer token counts, or the page's field
            value = fields.get("token", "") if fields is not None else ""
        if not value or not secrets.compare_digest(value.strip(), settings.token):
            raise ServeError(
                401,
                "unauthorized",
                "需要访问令牌：请在请求头中写 Authorization: Bearer <令牌>",
                headers={"WWW-Authenticate": "Bearer"},
            )

    async def read(request: Request) -> Received:
        with anyio.fail_after(settings.time_limit):  # a client that sends slowly is cut off
            try:
                return await receive(request, settings)
            except TimeoutError:
                raise ServeError(408, "slow-upload", "上传超过时限：请检查网络后重试") from None

    async def api_call(
        request: Request, preset: str | None, run: Callable[[list[Upload]], Output]
    ) -> Output:
        authorize(request)  # before the body is read
        engine.runner(preset)  # an unknown preset too
        return await job(await read(request), run)

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        limits = (
            f"每个文件不超过 {settings.max_file_bytes / MIB:g} MB，"
            f"每次最多 {settings.max_files} 个文件"
        )
        default = engine.default_preset
        body = upload_page(engine.presets, default, settings.token is not None, limits)
        return HTMLResponse(body, headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name == "report.css":
            from indicator_audit.report.html_report import STYLE

            return Response(STYLE, media_type=_STATIC_TYPES[".css"], headers=_CACHE)
        path = STATIC / name
        kind = _STATIC_TYPES.get(path.suffix)
        if kind is None or "/" in name or not path.is_file():
            raise ServeError(404, "not-found", f"没有静态文件“{name}”")
        return Response(path.read_bytes(), media_type=kind, headers=_CACHE)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()), headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/healthz", summary="健康检查", tags=["运维"])
    async def healthz() -> dict[str, Any]:
        """服务在运行、规则已载入时返回 200。"""
        return {"status": "ok", "version": __version__, "rules": len(catalogue())}

    @app.get(
        "/v1/rules",
        summary="全部规则",
        tags=["规则"],
        response_model=list[RuleSummary],
        responses={401: _ERRORS[401]},
    )
    async def rules(request: Request) -> list[RuleSummary]:
        """每条规则的代码、名称、类型、默认级别、范围和依据（同 `indicator-audit rules`）。"""
        authorize(request)
        return catalogue()

    @app.get(
        "/v1/rules/{code}",
        summary="一条规则的说明",
        tags=["规则"],
        response_model=RuleDetail,
        responses={401: _ERRORS[401], 404: {"model": ErrorResponse, "description": "没有这条规则"}},
    )
    async def rule(request: Request, code: str) -> RuleDetail:
        """规则代码、名称或旧名称；返回说明、正反例和依据（同 `indicator-audit rule CODE`）。"""
        authorize(request)
        return detail(code)

    @app.post(
        "/v1/check",
        summary="审核指标表",
        tags=["审核"],
        response_model=None,
        responses={200: _CHECK_OK, **_ERRORS, 422: _CHECK_UNREADABLE},
        openapi_extra={"requestBody": _INPUT_BODY},
    )
    async def check(
        request: Request,
        format: CheckFormat = "json",
        preset: PresetQuery = None,
        suggest: SuggestQuery = False,
    ) -> Response:
        """上传一个或多个文件（multipart/form-data，字段 `files`：xlsx、xlsm、csv、yaml、yml、
        json），或在请求体中提交一个指标文档（application/json 或 application/yaml）。
        可另附上年的表（字段 `previous`，同 `--previous`）和申报表（字段 `declared`，同
        `--declared`），JSON 报告中每个对照的项目带 `matches`（指标对照表）；多个项目时
        同类项目的目标相互比较（IA721）。问题与命令行 `indicator-audit check -f json` 相同；
        文件（包括上年的表、申报表）无法读取时返回 422，带上与命令行相同的位置和说明。"""
        output = await api_call(request, preset, lambda u: engine.check(u, preset, format, suggest))
        return _answer(output, format, attach=format not in ("json", "html"))

    @app.post(
        "/v1/suggest",
        summary="修订建议",
        tags=["审核"],
        response_model=None,
        responses={200: _SUGGEST_OK, **_ERRORS},
        openapi_extra={"requestBody": _INPUT_BODY},
    )
    async def suggest(
        request: Request,
        format: SuggestFormat = "json",
        preset: PresetQuery = None,
    ) -> Response:
        """修订后的指标表：保留、修改、新增、删除，各有理由和依据（同 `indicator-audit suggest`）。"""
        output = await api_call(request, preset, lambda u: engine.suggest(u, preset, format))
        return _answer(output, format, attach=format != "json")

    @app.post("/report", include_in_schema=False)
    async def report(request: Request) -> Response:
        """The page's form post: `action` check (the html report), xlsx (the annotated
        workbook), json (the JSON report) or suggest (the revised table)."""
        received = await read(request)
        fields = received.fields
        authorize(request, fields)
        preset = fields.get("preset") or None
        action = fields.get("action", "check")
        engine.runner(preset)
        if action == "suggest":
            output = await job(received, lambda ups: engine.suggest(ups, preset, "auto"))
            return _answer(output, "json", attach=True)
        fmt = {"check": "html", "xlsx": "xlsx", "json": "json"}.get(action)
        if fmt is None:
            raise ServeError(400, "bad-action", f"未知的操作“{action}”")
        output = await job(received, lambda ups: engine.check(ups, preset, fmt, False))
        return _answer(output, fmt, attach=fmt != "html")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


_CACHE = {"Cache-Control": "public, max-age=3600"}
CheckFormat = Annotated[
    Literal["json", "html", "xlsx", "sarif", "markdown", "junit"],
    Query(description="报告格式：json 为 JSON 契约 v1（默认）；xlsx 为批注工作簿"),
]
SuggestFormat = Annotated[
    Literal["json", "yaml", "csv", "xlsx"],
    Query(
        description="json：每个项目的修订表（同 suggest -f json）；yaml、csv、xlsx："
        "修订稿（同 suggest --write 修订稿.yaml|.csv|.xlsx，限一个项目；xlsx 输入按原表样式改写）"
    ),
]
# its values (the presets of rules/conventions.yaml) are written into the OpenAPI document
PresetQuery = Annotated[str | None, Query(description="权重口径（同命令行 --preset）")]
SuggestQuery = Annotated[
    bool, Query(description="JSON 报告中附上每个文件的修订建议表（同 --suggest）")
]


def _answer(output: Output, fmt: str, *, attach: bool) -> Response:
    headers: dict[str, str] = {}
    if output.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = REPORT_CSP
    elif attach and output.status == 200 and (output.download or fmt) in DOWNLOAD_NAMES:
        ascii_name, name = DOWNLOAD_NAMES[output.download or fmt]
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        )
    return Response(
        output.body, status_code=output.status, media_type=output.media_type, headers=headers
    )


def _add_middleware(app: FastAPI, settings: ServeSettings) -> None:
    # added innermost first: the access log sees every answer, the guard every exception
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Guard)
    app.add_middleware(AccessLog)


def _add_handlers(app: FastAPI) -> None:
    def answer(request: Request, detail: ErrorDetail, headers: dict[str, str]) -> Response:
        detail = detail.model_copy(update={"request_id": request_id(request.scope)})
        if request.url.path in _PAGE_POSTS:
            return HTMLResponse(
                error_page(detail),
                status_code=detail.status,
                headers={**headers, "Content-Security-Policy": PAGE_CSP},
            )
        body = ErrorResponse(error=detail).model_dump(mode="json", exclude_none=True)
        return JSONResponse(body, status_code=detail.status, headers=headers)

    @app.exception_handler(ServeError)
    async def refused(request: Request, exc: ServeError) -> Response:
        return answer(request, exc.detail, exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code, message = _STATUS_TEXT.get(exc.status_code, ("bad-request", "请求有误"))
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        return answer(request, ErrorDetail(status=status, code=code, message=message), {})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()))
            allowed = (e.get("ctx") or {}).get("expected")
            problems.append(f"{where}" + (f" 应为 {allowed}" if allowed else " 的值不合要求"))
        message = "请求参数错误：" + "；".join(problems)
        return answer(request, ErrorDetail(status=422, code="bad-parameter", message=message), {})


_INPUT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "一个或多个文件：xlsx、xlsm、csv、yaml、yml、json",
                    },
                    "previous": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "可选：上年的表（同 check --previous），按项目名称和"
                        "主管部门与 files 中的项目配对；只有一个项目时与每个项目对照",
                    },
                    "declared": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "可选：申报表（同 check --declared），与 files 中的"
                        "自评表对照",
                    },
                },
            }
        },
        "application/json": {"schema": {"$ref": "#/components/schemas/TargetsDocument"}},
        **{
            kind: {"schema": {"type": "string", "description": "YAML 写的指标文档"}}
            for kind in BODY_TYPES
            if kind != "application/json"
        },
    },
}
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _download(kind: str) -> dict[str, Any]:
    """A format's declared body: JSON and YAML (application/json, …+json, application/yaml)
    are documents a client parses, so they are declared as objects, not as bytes."""
    media = kind.split(";")[0]
    if media.endswith(("/json", "+json", "/yaml")):
        return {"schema": {"type": "object"}}
    return _BINARY


_CHECK_OK: dict[str, Any] = {
    "description": "审核报告（JSON 契约 v1，或所选格式）",
    "model": Report,
    "content": {kind: _download(kind) for name, kind in CHECK_FORMATS.items() if name != "json"},
}
# format=html answers an unreadable file with the report itself, which says why
_CHECK_UNREADABLE: dict[str, Any] = {
    **_ERRORS[422],
    "content": {"text/html": {"schema": {"type": "string"}}},
}
_SUGGEST_OK: dict[str, Any] = {
    "description": "修订建议",
    "content": {kind.split(";")[0]: _download(kind) for kind in SUGGEST_FORMATS.values()},
}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the targets schema (indicator-audit schema) as a component:
    its $defs moved beside it so that every reference resolves inside the document."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    targets = _rebase(targets_schema(), "#/$defs/", "#/components/schemas/Targets")
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, sub in targets.pop("$defs", {}).items():
        schemas[f"Targets{name}"] = sub
    presets = list(app.state.engine.presets)
    for methods in spec["paths"].values():
        for op in methods.values():
            for param in op.get("parameters", []):
                if param["name"] == "preset":
                    param["schema"] = {
                        "anyOf": [{"enum": presets, "type": "string"}, {"type": "null"}]
                    }
    targets.pop("$schema", None)
    targets.pop("$id", None)
    schemas["TargetsDocument"] = targets
    app.openapi_schema = spec
    return spec


def _rebase(node: T, old: str, new: str) -> T:
    if isinstance(node, dict):
        return {  # type: ignore[return-value]
            k: (
                new + v[len(old) :]
                if k == "$ref" and isinstance(v, str) and v.startswith(old)
                else _rebase(v, old, new)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v, old, new) for v in node]  # type: ignore[return-value]
    return node


def app_from_env() -> FastAPI:
    """The application of a uvicorn worker process: settings from INDICATOR_AUDIT_*."""
    return create_app(ServeSettings.from_env())
