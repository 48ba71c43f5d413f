"""`indicator-audit serve`: the web page and HTTP API under uvicorn.

FastAPI and uvicorn (the `[serve]` extra) are imported only when the command runs, so `check`
never pays for them. Settings come from the options, else from INDICATOR_AUDIT_* variables.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INPUT = 0, 2


def add_parser(sub: Any) -> None:
    s = sub.add_parser(
        "serve", help="启动网页与 HTTP 接口（需要 pip install 'indicator-audit[serve]'）"
    )
    s.add_argument(
        "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；容器中用 0.0.0.0）"
    )
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    s.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1）")
    s.add_argument(
        "--token",
        help="访问令牌：请求须带 Authorization: Bearer <令牌>（或环境变量 INDICATOR_AUDIT_TOKEN）",
    )
    s.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="URL",
        help="允许从这个来源的网页跨域调用接口（可重复；默认不允许任何来源）",
    )
    s.add_argument("--preset", help="请求未指定时使用的权重口径")
    s.add_argument(
        "--config", metavar="FILE", help="对每个请求使用的配置文件（默认不读取任何配置）"
    )
    s.add_argument("--max-file-mb", type=float, help="单个文件的大小上限（MB，默认 10）")
    s.add_argument("--max-files", type=int, help="每次请求的文件数上限（默认 20）")
    s.add_argument("--time-limit", type=float, help="每次请求的时限（秒，默认 60）")
    s.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default="info")


def run_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from indicator_audit.serve.settings import MIB, ServeSettings
    except ImportError as exc:
        sys.stderr.write(
            f"indicator-audit: serve 需要安装 serve 扩展（缺少 {exc.name}）："
            "pip install 'indicator-audit[serve]'\n"
        )
        return EXIT_INPUT
    try:
        settings = ServeSettings.from_env()
    except ValueError as exc:
        sys.stderr.write(f"indicator-audit: {exc}\n")
        return EXIT_INPUT
    changes: dict[str, Any] = {}
    if args.token:
        changes["token"] = args.token
    if args.cors_origin:
        changes["cors_origins"] = tuple(args.cors_origin)
    if args.preset:
        changes["preset"] = args.preset
    if args.config:
        if not Path(args.config).is_file():
            sys.stderr.write(f"indicator-audit: 配置文件不存在：{args.config}\n")
            return EXIT_INPUT
        changes["config"] = Path(args.config)
    for name, value, scale in (
        ("max_file_bytes", args.max_file_mb, MIB),
        ("max_files", args.max_files, 1),
        ("time_limit", args.time_limit, 1),
    ):
        if value is not None:
            if value <= 0:
                sys.stderr.write(f"indicator-audit: 参数错误：{name} 应大于 0\n")
                return EXIT_INPUT
            changes[name] = type(getattr(ServeSettings(), name))(value * scale)
    if not 0 < args.port < 65536 or args.workers < 1:
        sys.stderr.write("indicator-audit: 参数错误：端口应在 1–65535，进程数至少为 1\n")
        return EXIT_INPUT
    settings = replace(settings, **changes)
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "log_config": _log_config(args.log_level),
        "access_log": False,  # the service writes its own, as JSON
        "server_header": False,
        # on SIGTERM or Ctrl-C: stop accepting, let the requests in flight finish
        "timeout_graceful_shutdown": int(settings.time_limit) + 5,
    }
    if args.workers == 1:
        from indicator_audit.serve.app import create_app

        try:
            app = create_app(settings)
        except Exception as exc:  # a configuration or data pack that does not load
            sys.stderr.write(f"indicator-audit: 无法启动服务：{exc}\n")
            return EXIT_INPUT
        uvicorn.run(app, **options)
    else:  # each worker process builds its app from the environment
        os.environ.update(settings.as_env())
        uvicorn.run(
            "indicator_audit.serve.app:app_from_env",
            factory=True,
            workers=args.workers,
            **options,
        )
    return EXIT_OK


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, plus the service's JSON lines written as they are, to stderr."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["line"] = {"format": "%(message)s"}
    config["handlers"]["serve"] = {
        "class": "logging.StreamHandler",
        "formatter": "line",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["indicator_audit.serve"] = {
        "handlers": ["serve"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
