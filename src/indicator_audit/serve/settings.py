"""The service's settings: limits, the optional token, CORS origins, the default preset.

Read once at start-up, from the `serve` command's options or from environment variables
(`INDICATOR_AUDIT_*`), so that every worker process started by uvicorn sees the same values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
ENV_PREFIX = "INDICATOR_AUDIT_"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    # a bearer token required on the API and the page's form post; None: open to its network
    token: str | None = None
    max_file_bytes: int = 10 * MIB  # one uploaded table (a large real workbook is ~2 MiB)
    max_request_bytes: int = 40 * MIB  # the whole request body
    max_files: int = 20  # files in one request
    time_limit: float = 60.0  # seconds for one request, waiting for a free slot included
    slots: int = 2  # audits running at once in one worker process
    cors_origins: tuple[str, ...] = ()  # none: browsers refuse cross-origin calls
    preset: str | None = None  # when a request names none
    config: Path | None = None  # a configuration file applied to every request

    def as_env(self) -> dict[str, str]:
        """The settings as environment variables (for uvicorn's worker processes)."""
        env = {
            "MAX_FILE_MB": _mib(self.max_file_bytes),
            "MAX_REQUEST_MB": _mib(self.max_request_bytes),
            "MAX_FILES": str(self.max_files),
            "TIME_LIMIT": str(self.time_limit),
            "SLOTS": str(self.slots),
            "CORS_ORIGINS": ",".join(self.cors_origins),
        }
        if self.token:
            env["TOKEN"] = self.token
        if self.preset:
            env["PRESET"] = self.preset
        if self.config is not None:
            env["CONFIG"] = str(self.config)
        return {ENV_PREFIX + k: v for k, v in env.items()}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServeSettings:
        """Settings from `INDICATOR_AUDIT_*` variables; a bad number raises ValueError with
        the variable's name."""
        source = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = source.get(ENV_PREFIX + name, "").strip()
            return value or None

        def number(name: str, default: float, kind: type[int] | type[float]) -> float:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"环境变量 {ENV_PREFIX}{name} 应为数字，而不是“{raw}”") from None
            if value <= 0:
                raise ValueError(f"环境变量 {ENV_PREFIX}{name} 应大于 0")
            return value

        base = cls()
        origins = get("CORS_ORIGINS")
        config = get("CONFIG")
        return cls(
            token=get("TOKEN"),
            max_file_bytes=int(number("MAX_FILE_MB", base.max_file_bytes / MIB, float) * MIB),
            max_request_bytes=int(
                number("MAX_REQUEST_MB", base.max_request_bytes / MIB, float) * MIB
            ),
            max_files=int(number("MAX_FILES", base.max_files, int)),
            time_limit=float(number("TIME_LIMIT", base.time_limit, float)),
            slots=int(number("SLOTS", base.slots, int)),
            cors_origins=tuple(o.strip() for o in (origins or "").split(",") if o.strip()),
            preset=get("PRESET"),
            config=Path(config) if config else None,
        )


def _mib(size: int) -> str:
    return repr(size / MIB)
