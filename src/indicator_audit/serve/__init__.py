"""The web service (`indicator-audit serve`, the `[serve]` extra): an upload page for people
and an HTTP API for budgeting systems, auditing with the same engine and reporters as the
command line. Nothing below the service imports it; the `serve` command imports it lazily."""

from __future__ import annotations

from indicator_audit.serve.app import app_from_env, create_app
from indicator_audit.serve.settings import ServeSettings

__all__ = ["ServeSettings", "app_from_env", "create_app"]
