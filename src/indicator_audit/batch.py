"""A `check` over many files: each file audited by a worker (a local process, or a task on a
Dask cluster), its outcome sent back small, the outcomes put back in input order.

What a worker sends back depends on what the report needs (`Want`): the JSON report's entry
for each project, made in the worker; the portfolio's record of each project; and the whole
audits (documents included) only for the reports that show every table. Sending whole audits
costs more to pickle and unpickle than the audit of a small workbook itself.

`jobs=1` runs the same work in this process, so the outcomes, and the reports made from them,
are the same whatever the number of workers (tests compare the bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .api import Audit, LoadError
from .pool import DEFAULT_TIMEOUT, Failure, Pool
from .records import ProjectRecord, record_of
from .runner import Runner, RunResult, RunSettings


@dataclass(frozen=True, slots=True)
class Want:
    """What the run's reports need of each file."""

    audits: bool = False  # the whole audits (reports that show each table, --fix, baselines)
    json: bool = False  # each project's entry of the JSON report
    suggestions: bool = False  # JSON entries carry the revised table


@dataclass(slots=True)
class FileOutcome:
    """One file's results, in the order of its projects."""

    path: str
    records: list[ProjectRecord]
    pieces: list[bytes] = field(default_factory=list)  # JSON entries, when wanted
    audits: list[Audit] | None = None  # when wanted
    fixed: int = 0  # mechanical fixes written (--fix)


@dataclass(slots=True)
class BatchResult:
    outcomes: list[FileOutcome]

    @property
    def records(self) -> list[ProjectRecord]:
        return [r for o in self.outcomes for r in o.records]

    @property
    def audits(self) -> list[Audit]:
        out: list[Audit] = []
        for o in self.outcomes:
            if o.audits is None:
                raise ValueError("the run did not keep the audits (Want.audits)")
            out.extend(o.audits)
        return out

    @property
    def pieces(self) -> list[bytes]:
        return [p for o in self.outcomes for p in o.pieces]

    @property
    def fixed_files(self) -> list[str]:
        return [o.path for o in self.outcomes if o.fixed]

    @property
    def fixes_applied(self) -> int:
        return sum(o.fixed for o in self.outcomes)


class FileWork:
    """The per-file work, picklable: the settings travel, the runner (its caches of
    configurations and rule packs) is made once per worker process."""

    def __init__(self, settings: RunSettings, want: Want) -> None:
        self.settings = settings
        self.want = want
        self._runner: Runner | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"settings": self.settings, "want": self.want}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["settings"], state["want"])  # type: ignore[misc, arg-type]

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            self._runner = Runner(self.settings)
        return self._runner

    def __call__(self, path: Path) -> FileOutcome:
        runner = self.runner
        audits = runner.audit(path)
        fixed = 0
        if self.settings.fix:
            result = RunResult([])
            audits = runner.fix(path, audits, result)
            fixed = result.fixes_applied
        return self.outcome(str(path), audits, fixed)

    def outcome(self, path: str, audits: list[Audit], fixed: int = 0) -> FileOutcome:
        pieces: list[bytes] = []
        if self.want.json:
            from .reporters.json_report import file_entry

            pieces = [file_entry(a, self.want.suggestions) for a in audits]
        return FileOutcome(
            path,
            [record_of(a) for a in audits],
            pieces,
            audits if self.want.audits else None,
            fixed,
        )

    def failed(self, path: Path, failure: Failure) -> FileOutcome:
        """A file whose worker raised, died or hung: its error, like a file that failed to load."""
        audit = Audit(str(path), [], LoadError(message=f"无法检查：{failure.message}", line=1, column=1))
        return self.outcome(str(path), [audit])


def prepare(work: FileWork, paths: Sequence[Path]) -> None:
    """Before any worker starts: load and check every configuration the files use (a broken
    one is the run's located error, raised here), and build what every audit needs once
    (rules, grammar), so that forked workers start with it."""
    runner = work.runner
    for path in paths:
        runner.prepare(path)
    runner.warm_up()


def run_local(
    paths: Sequence[Path],
    work: FileWork,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    done: Callable[[FileOutcome], None] | None = None,
    idle: Callable[[], None] | None = None,
) -> BatchResult:
    """Audit every file with `jobs` worker processes (None: the cores available; 1: here)."""
    prepare(work, paths)
    pool: Pool[Path, FileOutcome] = Pool(work, jobs=jobs, timeout=timeout)
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    for index, result in pool.results(paths, idle):
        outcome = work.failed(paths[index], result) if isinstance(result, Failure) else result
        outcomes[index] = outcome
        if done is not None:
            done(outcome)
    return BatchResult([o for o in outcomes if o is not None])
