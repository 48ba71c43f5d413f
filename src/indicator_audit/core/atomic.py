"""Writing files so that a crash or a full disk never leaves a half-written file behind.

Every file the tool writes (reports, baselines, converted tables, revised drafts, fixed
files) goes through here. A new file gets the permissions any other program would give it:
0666 less the user's umask, applied by the kernel when the temporary file is created (not
tempfile's private 0600, and without reading the umask, which would mean changing it). A
file written over keeps its own permissions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_NEW_FILE_MODE = 0o666  # the kernel takes the umask off
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file in the target's folder (so the rename stays on one disk)."""
    directory = path.parent if str(path.parent) else Path(".")
    for _ in range(100):
        tmp = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, _FLAGS, _NEW_FILE_MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"无法在 {directory} 中创建临时文件")


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`."""
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))
