"""Writing files so that a crash, a signal or a full disk never leaves a half-written file or
a stray temporary file behind.

Every file the tool writes (reports, baselines, converted tables, revised drafts, fixed
files) goes through here. A new file gets the permissions any other program would give it:
0666 less the user's umask, applied by the kernel when the temporary file is created (not
tempfile's private 0600, and without reading the umask, which would mean changing it). A
file written over keeps its own permissions, and its owner and group where allowed.
SIGINT, SIGTERM and SIGHUP wait while the temporary file exists (milliseconds), so the
rename or the clean-up always finishes first.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

_NEW_FILE_MODE = 0o666  # the kernel takes the umask off
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_HELD = tuple(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT/SIGTERM/SIGHUP to this thread while a temporary file exists; the signal
    is delivered right after. Only the calling thread's mask changes, and only meanwhile."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = mask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


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


class WriteError(OSError):
    """A file that could not be written, said in Chinese with the path (the command line
    reports it as an input error, exit 2). Still an OSError, with the errno of the cause."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, _reason(cause), str(path))
        self.path = path

    def __str__(self) -> str:
        return f"无法写入 {self.path}：{self.strerror}"


def _reason(exc: OSError) -> str:
    import errno

    reasons = {
        errno.ENOENT: "所在的目录不存在",
        errno.EACCES: "没有写入权限（文件或它所在的目录）",
        errno.EPERM: "没有写入权限",
        errno.ENOSPC: "磁盘空间已满",
        errno.EROFS: "文件系统只读",
        errno.EISDIR: "这是一个目录，不是文件",
        errno.ENOTDIR: "路径中的某一级不是目录",
        errno.ENAMETOOLONG: "路径过长",
        errno.EDQUOT: "超出磁盘配额",
    }
    return reasons.get(exc.errno or 0, f"系统错误（errno {exc.errno}）")


def write_bytes_atomic(path: Path, data: bytes, expect: os.stat_result | None = None) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`.
    `expect`: the replaced file's stat as it was read (else taken now), whose mode, owner and
    group the new file keeps. A failure is a WriteError; the old file is left as it was."""
    try:
        _write(path, data, expect)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(path, exc) from exc


def _write(path: Path, data: bytes, expect: os.stat_result | None) -> None:
    with _signals_held():
        fd, tmp = _create_beside(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            st = expect
            if st is None and path.exists():
                st = path.stat()
            if st is not None:
                os.chmod(tmp, st.st_mode & 0o7777)
                if hasattr(os, "chown"):
                    with contextlib.suppress(OSError):  # only root may give a file away
                        os.chown(tmp, st.st_uid, st.st_gid)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))
