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

from indicator_audit.core.findings import Counts, Finding, Severity, count_severities
from indicator_audit.run.audit import Audit, LoadError
from indicator_audit.run.peers import (
    PeerCandidate,
    ProjectPeers,
    batch_peer_findings,
    placed,
    project_peers,
)
from indicator_audit.run.pool import DEFAULT_TIMEOUT, Failure, Pool
from indicator_audit.run.records import EntryParts, FindingRecord, ProjectRecord, record_of
from indicator_audit.run.runner import Runner, RunSettings
from indicator_audit.run.selection import Baseline


@dataclass(frozen=True, slots=True)
class Want:
    """What the run's reports need of each file."""

    audits: bool = False  # the whole audits (reports that show each table, baselines)
    # each project's entry of a report made where it is audited (the JSON report's
    # json_report.file_entry_parts): a picklable function, as it travels to the workers
    entry: Callable[[Audit], EntryParts] | None = None
    # a finding's piece of that entry, with its table cell (json_report.fragment): for the
    # findings the batch step adds in this process
    piece: Callable[[Finding, str | None], bytes] | None = None
    # each project's comparable targets, for the batch step (run/peers.py) in this process
    peers: bool = False
    # the run's only file: the batch step compares two projects or more, so a file of one
    # project needs no comparable targets made (one record per target of a large table)
    alone: bool = False


@dataclass(slots=True)
class FileOutcome:
    """One file's results, in the order of its projects."""

    path: str
    records: list[ProjectRecord]
    pieces: list[EntryParts] = field(default_factory=list)  # JSON entries, when wanted
    audits: list[Audit] | None = None  # when wanted
    peers: list[ProjectPeers | None] = field(default_factory=list)  # when wanted

    def add(self, project: int, found: Sequence[tuple[PeerCandidate, Finding]], want: Want) -> None:
        """Findings of the batch step, each put where Runner.run's sort would put it."""
        record = self.records[project]
        self.records[project] = record._replace(
            findings=placed(
                record.findings,
                [(c.at, Finding.sort_key(f), _finding_record(f, c.cell)) for c, f in found],
            )
        )
        if self.pieces and want.piece is not None:
            piece = want.piece
            parts = self.pieces[project]
            self.pieces[project] = parts._replace(
                findings=placed(
                    parts.findings,
                    [(c.at, Finding.sort_key(f), piece(f, c.cell)) for c, f in found],
                )
            )
        if self.audits is not None:
            audit = self.audits[project]
            audit.findings = sorted(audit.findings + [f for _, f in found], key=Finding.sort_key)


def _finding_record(f: Finding, cell: str | None) -> FindingRecord:
    where = cell if cell is not None else f"{f.line}:{f.column}"
    return FindingRecord(f.rule, f.name, f.kind, f.severity.value, f.message, where)


class BatchResult:
    """The run's outcomes, file by file (a plain class: nothing compares or prints one, and
    a dataclass costs its making at every start)."""

    __slots__ = ("fixed_files", "fixes_applied", "outcomes")

    def __init__(
        self,
        outcomes: list[FileOutcome],
        fixed_files: list[str] | None = None,  # --fix
        fixes_applied: int = 0,
    ) -> None:
        self.outcomes = outcomes
        self.fixed_files = [] if fixed_files is None else fixed_files
        self.fixes_applied = fixes_applied

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
        return [p.joined() for o in self.outcomes for p in o.pieces]

    def add_peers(self, want: Want, baseline: Baseline | None) -> None:
        """The batch step over the results gathered (run/peers.py): its findings added to
        each project's record, JSON entry and audit, as far as they were kept."""
        slots = [(o, i) for o in self.outcomes for i in range(len(o.records))]
        projects = [o.peers[i] if o.peers else None for o, i in slots]
        paths = [o.records[i].path for o, i in slots]
        for p, found in batch_peer_findings(projects, baseline, paths).items():
            outcome, i = slots[p]
            outcome.add(i, found, want)

    def counts(self) -> Counts:
        """The report's summary: files (projects) and findings by severity."""
        records = self.records
        return count_severities(
            (Severity(f.severity) for r in records for f in r.findings), len(records)
        )


_RUNNERS: dict[bytes, Runner] = {}


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
        self.__init__(state["settings"], state["want"])  # type: ignore[misc]
        # A Dask task brings its own copy of the work: a worker process keeps one runner per
        # settings, or each task would load the configuration and the rules again.
        import pickle  # only in a worker: a check in this process never pickles

        key = pickle.dumps(self.settings)
        self._runner = _RUNNERS.get(key)
        if self._runner is None:
            self._runner = _RUNNERS[key] = Runner(self.settings)

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            self._runner = Runner(self.settings)
        return self._runner

    def __call__(self, path: Path) -> FileOutcome:
        return self.outcome(str(path), self.runner.audit(path))

    def outcome(self, path: str, audits: list[Audit]) -> FileOutcome:
        entry = self.want.entry
        pieces = [entry(a) for a in audits] if entry is not None else []
        peers: list[ProjectPeers | None] = []
        if self.want.peers and (len(audits) > 1 or not self.want.alone):
            for a in audits:
                loaded = a.document is not None and a.error is None
                _, config = self.runner.config_for(Path(path)) if loaded else (None, None)
                peers.append(project_peers(a, config) if config is not None else None)
        return FileOutcome(
            path,
            [record_of(a) for a in audits],
            pieces,
            audits if self.want.audits else None,
            peers,
        )

    def failed(self, path: Path, failure: Failure) -> FileOutcome:
        """A file whose worker raised, died or hung: its error, like a file that failed to load."""
        audit = Audit(
            str(path), [], LoadError(message=f"无法检查：{failure.message}", line=1, column=1)
        )
        return self.outcome(str(path), [audit])


def prepare(work: FileWork, paths: Sequence[Path], forking: bool) -> None:
    """Before any worker starts: load and check every configuration the files use (a broken
    one is the run's located error, raised here); when workers will be forked, build what
    every audit needs once (rules, grammar), so that they all start with it."""
    runner = work.runner
    for path in paths:
        runner.prepare(path)
    if forking:
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
    pool: Pool[Path, FileOutcome] = Pool(work, jobs=jobs, timeout=timeout)
    prepare(work, paths, forking=pool.forks(len(paths)))
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    for index, result in pool.results(paths, idle):
        outcome = work.failed(paths[index], result) if isinstance(result, Failure) else result
        outcomes[index] = outcome
        if done is not None:
            done(outcome)
    return finish(BatchResult([o for o in outcomes if o is not None]), work)


def finish(result: BatchResult, work: FileWork) -> BatchResult:
    """After every file's results are back: the batch step, when wanted."""
    if work.want.peers:
        result.add_peers(work.want, work.runner.baseline)
    return result


def run_fixing(paths: Sequence[Path], work: FileWork) -> BatchResult:
    """`check --fix`: in this process, as Runner.run does it (every file audited before any
    is written, so that a table refuses the whole run: Runner.FixRefused)."""
    run = work.runner.run(paths)
    outcomes = [work.outcome(a.path, [a]) for a in run.audits]
    return BatchResult(outcomes, run.fixed_files, run.fixes_applied)
