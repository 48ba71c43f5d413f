"""What a rule reports: a located, explained finding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from operator import attrgetter


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}

# The fixed vocabulary of finding kinds (README and rule docs explain each).
KINDS: tuple[str, ...] = (
    "vague",
    "unquantified",
    "placeholder",
    "comparator",
    "unit",
    "misclassified",
    "process",
    "structure",
    "alignment",
    "ambition",
    "self-eval",
    "schema",
)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the characters [start, end) of a cell's text (used by `check --fix`).

    `line` and `base_col` say where the cell's first character stands in the file and `text`
    is the cell as the rule saw it: the parts of a bare indicator sentence share one pointer,
    so the pointer alone cannot place an edit."""

    pointer: str
    start: int
    end: int
    replacement: str
    line: int = 0
    base_col: int = 0
    text: str = ""


@dataclass(slots=True)
class Finding:
    """One finding. Not frozen only because a frozen dataclass's __init__ costs several times
    more and a large file yields a hundred thousand of these: treat it as immutable (use
    dataclasses.replace)."""

    rule: str
    name: str
    kind: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    indicator: int | None
    suggestion: str | None = None
    edit: Edit | None = None  # a mechanical, meaning-preserving fix, when there is one
    # The report's text for this finding when it was made in advance (RunOptions.fragment);
    # not part of the finding: never compared, and dropped by dataclasses.replace.
    rendered: bytes | None = field(default=None, init=False, compare=False, repr=False)

    # Report order: by position, then rule, then message (a C-level key for large reports).
    sort_key = staticmethod(attrgetter("line", "column", "rule", "message"))


@dataclass(frozen=True, slots=True)
class Counts:
    """How many files and findings, by severity: the summary of every report."""

    files: int
    findings: int
    errors: int
    warnings: int
    infos: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def count_severities(severities: Iterable[Severity], files: int) -> Counts:
    counts = Counter(severities)
    return Counts(
        files=files,
        findings=sum(counts.values()),
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
    )
