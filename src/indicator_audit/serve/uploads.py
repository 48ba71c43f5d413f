"""Uploaded files onto disk for the reader: each under a generated name in a private folder
made for the one request and removed with everything in it once the answer is made.

The client's file name is kept only for display (the report's path); the name on disk is
`upload-N` plus the suffix, which is taken only from the readers' own list.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indicator_audit.read.readers import TABULAR_READERS, YAML_SUFFIXES
from indicator_audit.serve.errors import ServeError, too_large
from indicator_audit.serve.settings import ServeSettings

SUFFIXES = frozenset(YAML_SUFFIXES | set(TABULAR_READERS))
_NAME_LIMIT = 120


# The form fields that carry files: the files to audit, and the tables they are compared
# with (as `check --previous` and `check --declared`).
ROLES = ("files", "previous", "declared")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # as the client named it, cleaned: shown in reports, never used on disk
    path: Path  # where it was written: a generated name in the request's folder
    role: str = "files"  # its form field (ROLES)


def display_name(raw: str | None, index: int) -> str:
    """The client's file name without folders, control or format characters (a name is shown
    in reports and logs), shortened; a made-up one when nothing is left."""
    base = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(kept) > _NAME_LIMIT:
        stem, dot, suffix = kept.rpartition(".")
        kept = (stem[: _NAME_LIMIT - len(suffix) - 2] + "…" + dot + suffix) if dot else kept[:120]
    return kept or f"上传文件{index}"


def suffix_of(name: str) -> str:
    """The file's type from its name, checked against what the readers read (415 if not)."""
    suffix = Path(name).suffix.lower()
    if suffix in SUFFIXES:
        return suffix
    known = "、".join(sorted(SUFFIXES))
    shown = f"“{suffix}”" if suffix else "（文件名没有扩展名）"
    raise ServeError(
        415, "unsupported-file-type", f"不支持的文件类型{shown}：可读取 {known}", file=name
    )


class Workdir:
    """The folder of one request's uploads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def save(
        self, name: str, data: BinaryIO | bytes, size: int, limit: int, role: str = "files"
    ) -> Upload:
        if size > limit:
            raise too_large(f"文件“{name}”", limit, file=name)
        self.count += 1
        path = self.folder / f"upload-{self.count}{suffix_of(name)}"
        # O_EXCL: the generated name is new in a folder only this request writes to
        with path.open("xb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                shutil.copyfileobj(data, out, 1024 * 1024)
        return Upload(name, path, role)


class UploadRoot:
    """The folder holding the requests' folders: made (private, under a fresh name) when
    first needed, removed with everything in it when the service stops. A service started
    again gets a new one rather than re-creating a name another user could have taken."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        with self._lock:
            if self._path is None:
                self._path = Path(tempfile.mkdtemp(prefix="indicator-audit-serve-"))
            return self._path

    def remove(self) -> None:
        with self._lock:
            if self._path is not None:
                shutil.rmtree(self._path, ignore_errors=True)
                self._path = None


@contextmanager
def workdir(root: UploadRoot) -> Iterator[Workdir]:
    """A new private folder for one request, removed (with its files) on the way out."""
    folder = Path(tempfile.mkdtemp(prefix="req-", dir=root.path))
    try:
        yield Workdir(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_count(count: int, settings: ServeSettings) -> None:
    if count == 0:
        raise ServeError(400, "no-file", "请选择要审核的文件（字段 files）")
    if count > settings.max_files:
        raise ServeError(
            400,
            "too-many-files",
            f"一次最多上传 {settings.max_files} 个文件，本次有 {count} 个：请分批上传",
        )
