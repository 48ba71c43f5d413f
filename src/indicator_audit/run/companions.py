"""The other documents a check compares with: last year's tables (`--previous`) and the
declared targets of a self-evaluation (`--declared`).

A companion is a file in any input format or a folder of them. Each project of the run is
paired with the companion project of the same name and department; names are compared as
indicator names are (matching.py: years, numbering and spacing dropped, so 2024年XX项目 pairs
with 2023年XX项目). A single companion project pairs with every project of the run when no
name pairs it (`check 2024.yaml --previous 2023.yaml` needs no names to agree). A companion
that cannot be read stops the run: its file, line and column are reported, never skipped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from indicator_audit.core.errors import LocatedError
from indicator_audit.lint.matching import name_matcher
from indicator_audit.packs.load import Packs
from indicator_audit.read.document import Document, DocumentError, build
from indicator_audit.read.readers import is_supported, read_sources
from indicator_audit.read.source import SourceError


class CompanionError(LocatedError):
    """A `--previous` or `--declared` file that cannot be read or is not a valid document."""


@dataclass(frozen=True, slots=True)
class Companions:
    """The loaded documents of one `--previous` or `--declared` argument."""

    origin: str
    documents: tuple[Document, ...]

    def pick(self, document: Document, packs: Packs) -> Document | None:
        """The companion of `document`: same project and department, else same project, else
        the only companion there is."""
        if not self.documents:
            return None
        key = _project_key(document, packs)
        by_both = [d for d in self.documents if _project_key(d, packs) == key]
        if by_both:
            return by_both[0]
        by_name = [d for d in self.documents if _project_key(d, packs)[0] == key[0] and key[0]]
        if len(by_name) == 1:
            return by_name[0]
        return self.documents[0] if len(self.documents) == 1 else None


def _project_key(document: Document, packs: Packs) -> tuple[str, str]:
    project = document.model.project
    name = name_matcher(packs).canonical(project.name or "") if project.name else ""
    department = "".join(unicodedata.normalize("NFKC", project.department or "").split())
    return name, department


def load_companions(path: str | Path) -> Companions:
    """Every project of a file, or of the supported files under a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(q for q in p.rglob("*") if q.is_file() and is_supported(q))
    elif p.exists():
        files = [p]
    else:
        raise CompanionError(str(p), "文件不存在")
    documents: list[Document] = []
    for file in files:
        try:
            sources = read_sources(file)
        except SourceError as exc:
            raise CompanionError(str(file), exc.message, exc.line, exc.column) from None
        for source in sources:
            try:
                documents.append(build(source))
            except DocumentError as exc:
                first = exc.problems[0]
                raise CompanionError(str(file), first.message, first.line, first.col) from None
    return Companions(str(p), tuple(documents))
