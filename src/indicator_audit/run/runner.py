"""One `check` run: find each file's configuration, audit, select, suppress, baseline, fix.

Kept apart from the CLI so that integrators can run exactly what the command runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from indicator_audit.core.errors import OUT_OF_MEMORY, ConfigError, gather
from indicator_audit.core.findings import Finding
from indicator_audit.lint.engine import RunOptions
from indicator_audit.lint.registry import INTERNAL_CODES, Rule
from indicator_audit.lint.ruleset import rule_set
from indicator_audit.packs.load import Packs, default_packs
from indicator_audit.run.audit import Audit, audit_path_full
from indicator_audit.run.companions import Companions, load_companions
from indicator_audit.run.config import (
    Config,
    Loading,
    find_config,
    load_config_file,
    name_problems,
)
from indicator_audit.run.selection import (
    Baseline,
    apply_config,
    apply_suppressions,
    finding_identity,
    fingerprint,
    numbered,
)


@dataclass
class RunSettings:
    config_path: Path | None = None  # explicit --config; else discovered per file
    preset: str | None = None  # --preset overrides the config
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    baseline: Path | None = None
    fix: bool = False
    # look for .indicator-audit.yaml above each file; the web service turns it off (its
    # uploads sit in a temporary folder, where a stray file above must not change findings)
    discover_config: bool = True
    # the report's text for each finding, made as findings are (see RunOptions.fragment)
    fragment: Callable[[Finding], bytes] | None = None
    previous: Path | None = None  # last year's tables: a file or a folder (--previous)
    declared: Path | None = None  # the declared targets of self-evaluations (--declared)
    peers: bool = True  # compare the targets of the run's projects with each other


@dataclass
class RunResult:
    audits: list[Audit]
    fixed_files: list[str] = field(default_factory=list)
    fixes_applied: int = 0


class Runner:
    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self._configs: dict[Path | None, Config] = {}
        self._packs: dict[Path | None, Packs] = {}
        self._setups: dict[Path | None, tuple[Config, Packs, tuple[Rule, ...]]] = {}
        self.baseline = Baseline.load(settings.baseline) if settings.baseline else None
        # loaded once for the whole run; a companion that cannot be read is a CompanionError
        self.previous = load_companions(settings.previous) if settings.previous else None
        self.declared = load_companions(settings.declared) if settings.declared else None

    def config_for(self, path: Path) -> tuple[Path | None, Config]:
        where = self.settings.config_path
        if where is None and self.settings.discover_config:
            where = find_config(path)
        if where not in self._configs:
            loading = Loading()
            config = load_config_file(where, loading=loading) if where is not None else Config()
            spots = loading.spots
            # a command-line value is blamed on its option (line 0), not on a file
            if self.settings.select:
                config = replace(config, select=self.settings.select)
                spots.update({("rule", s): ("--select", 0, 0) for s in self.settings.select})
            if self.settings.ignore:
                config = replace(config, ignore=config.ignore + self.settings.ignore)
                spots.update({("rule", s): ("--ignore", 0, 0) for s in self.settings.ignore})
            if self.settings.preset:
                config = replace(config, preset=self.settings.preset)
                spots[("preset", self.settings.preset)] = ("--preset", 0, 0)
            problems = loading.problems + _name_problems(config, spots)
            if problems:
                # the command line's first, then each file's in the order of its lines
                files = list(dict.fromkeys(p.path for p in problems))
                problems.sort(key=lambda p: (p.line > 0, files.index(p.path), p.line, p.column))
                raise gather(problems)
            self._configs[where] = config
        return where, self._configs[where]

    def is_pack(self, path: Path) -> bool:
        """Whether `path` is a declarative rule pack named by its own configuration."""
        _, config = self.config_for(path)
        # realpath: a symlink loop is then a file that fails to read, not an internal error
        return os.path.realpath(path) in {os.path.realpath(p) for p in config.packs}

    def packs_for(self, where: Path | None, config: Config) -> Packs:
        if where not in self._packs:
            self._packs[where] = _packs(config)
        return self._packs[where]

    def prepare(self, path: Path) -> tuple[Config, Packs, tuple[Rule, ...]]:
        """The configuration, packs and rules for `path`, loaded and checked once per
        configuration (a broken one raises ConfigError, located)."""
        where, config = self.config_for(path)
        setup = self._setups.get(where)
        if setup is None:
            packs = self.packs_for(where, config)
            setup = self._setups[where] = (config, packs, _rules(config, packs))
        return setup

    def warm_up(self) -> None:
        """Build what every audit builds on first use (the grammar's parser, rule tables,
        the workbook reader): done once here, before a batch forks its workers, they all
        start with it instead of each building it again."""
        import python_calamine  # noqa: F401  (the workbook reader's library)

        from indicator_audit.run.audit import audit_text_full

        setups = list(self._setups.values()) or [self.prepare(Path("."))]
        for config, packs, rules in setups:
            audit_text_full(
                _WARM_UP,
                "<warm-up>",
                rules=rules,
                packs=packs,
                options=RunOptions(preset=config.preset),
            )

    def audit(
        self,
        path: Path,
        text: str | None = None,
        *,
        previous: Companions | None = None,
        declared: Companions | None = None,
    ) -> list[Audit]:
        """The audits of `path` (of `text` read as that file's content, when given), compared
        with `previous` and `declared` when given, else with the run's (RunSettings)."""
        config, packs, rules = self.prepare(path)
        options = RunOptions(preset=config.preset, fragment=self.settings.fragment)
        last = previous if previous is not None else self.previous
        decl = declared if declared is not None else self.declared
        if text is None:
            audits = audit_path_full(
                path, rules=rules, packs=packs, options=options, previous=last, declared=decl
            )
        else:
            audits = [_audit_text(text, path, rules, packs, options, last, decl)]
        for audit in audits:
            if audit.error is not None or audit.document is None:
                continue
            audit.findings = self.select(audit, audit.findings, config)
        return audits

    def select(
        self, audit: Audit, findings: list[Finding], config: Config, more: bool = False
    ) -> list[Finding]:
        """What the configuration, the suppression comments and the baseline leave of an
        audit's findings; `more` for findings added after the first selection (unused
        suppressions were reported then)."""
        findings = apply_config(findings, config, audit.path)
        count = len(findings)
        if audit.source is not None and audit.source.text:
            findings = apply_suppressions(findings, audit.source.text)
            if more:
                findings = [f for f in findings if f.rule != "IA003"]
        if self.baseline is not None:
            prints = fingerprints(audit, findings)
            findings = self.baseline.filter(audit.path, findings, prints)
        # filtering keeps the audit's order; only reported unused suppressions need a sort
        return sorted(findings, key=Finding.sort_key) if len(findings) > count else findings

    def add_peers(self, audits: Sequence[Audit]) -> None:
        """The batch step: each target against the same targets of the run's other projects
        (run/peers.py), its findings selected like every other finding of the file."""
        from indicator_audit.run.peers import peer_findings

        found = peer_findings(audits, default_packs())
        for audit, extra in found.items():
            if not extra:
                continue
            _, config = self.config_for(Path(audit.path))
            kept = self.select(audit, extra, config, more=True)
            audit.findings = sorted(audit.findings + kept, key=Finding.sort_key)

    def run(self, paths: Sequence[Path]) -> RunResult:
        result = RunResult([])
        if not self.settings.fix:
            for path in paths:
                result.audits.extend(self.audit(path))
        else:
            # --fix: every file is audited before any is written, so that a file that cannot
            # be fixed in place refuses the whole run rather than leaving it half done
            audited = [(path, self.audit(path)) for path in paths]
            tables = [str(path) for path, audits in audited if _is_table(audits)]
            if tables:
                raise FixRefused(
                    "--fix 只修正 YAML/JSON 文本文件，不改动 xlsx、csv 表格："
                    f"{'、'.join(tables)}；没有修改任何文件。请先用 indicator-audit convert 转为"
                    " YAML 再修正，或不带 --fix 检查这些表格"
                )
            for path, audits in audited:
                result.audits.extend(self._fix(path, audits, result))
        if self.settings.peers:
            self.add_peers(result.audits)
        return result

    def _fix(self, path: Path, audits: list[Audit], result: RunResult) -> list[Audit]:
        from indicator_audit.run.audit import LoadError
        from indicator_audit.run.fixes import FixRefused, fix_rounds, write_fixed

        if len(audits) != 1:
            return audits  # only single-document text files are fixed in place
        audit = audits[0]
        source = audit.source
        if audit.error is not None or audit.document is None or source is None or not source.text:
            return audits  # never touch a file that failed to load
        try:
            fixed = fix_rounds(audit, lambda text: self.audit(path, text)[0])
            if not write_fixed(path, fixed, source.encoding, source.text):
                return audits
        except MemoryError:
            audit.error = LoadError(
                message=f"未修正（文件未改动）：{OUT_OF_MEMORY}", line=1, column=1
            )
            return audits
        except (FixRefused, OSError) as exc:
            message = str(exc) if isinstance(exc, FixRefused) else f"无法写入：{exc.strerror}"
            audit.error = LoadError(message=f"未修正（文件未改动）：{message}", line=1, column=1)
            return audits
        result.fixed_files.append(str(path))
        result.fixes_applied += len(fixed.applied)
        # report what is left: the file now holds the text the last round audited
        return [fixed.audit] if fixed.audit is not None else self.audit(path)


class FixRefused(ValueError):
    """`--fix` was asked of a file it cannot rewrite in place (a table)."""


def _is_table(audits: Sequence[Audit]) -> bool:
    """Whether the audits come from a workbook or CSV file: their findings stand in cells,
    not in text an edit could rewrite. (A JSON list of rows is text, and is fixed.)"""
    return any(a.source is not None and a.source.cell_ref is not None for a in audits)


def _audit_text(
    text: str,
    path: Path,
    rules: Sequence[Rule],
    packs: Packs,
    options: RunOptions,
    previous: Companions | None = None,
    declared: Companions | None = None,
) -> Audit:
    """`text` audited as the content of `path`, read as the file would be."""
    from indicator_audit.read.readers import source_from_text
    from indicator_audit.read.source import SourceError
    from indicator_audit.run.audit import LoadError, audit_source

    try:
        source = source_from_text(text, str(path))
    except SourceError as exc:
        return Audit(str(path), [], LoadError(exc.message, exc.line, exc.column))
    return audit_source(source, rules, packs, options, previous, declared)


# A small table that goes through every stage of an audit (see Runner.warm_up).
_WARM_UP = """project:
  name: 培训项目
goals:
  annual:
    - 举办培训班4期，学员满意度不低于90%
indicators:
  - level1: 产出指标
    level2: 数量指标
    name: 培训期数
    target: ≥4
    unit: 期
    weight: 20
  - level1: 效益指标
    level2: 社会效益指标
    name: 业务水平
    target: 明显提高
    weight: 30
  - level1: 满意度指标
    level2: 服务对象满意度指标
    name: 学员满意度
    target: ≥90%
    weight: 10
"""


def fingerprints(audit: Audit, findings: Sequence[Finding]) -> list[str]:
    """The baseline identities of an audit's findings (selection.fingerprint), numbered by
    occurrence in document order."""
    prints = [fingerprint(f, *finding_identity(audit.document, f)) for f in findings]
    return numbered(findings, prints)


def write_baseline(audits: Sequence[Audit], target: Path) -> int:
    from indicator_audit.core.atomic import write_text_atomic

    baseline = Baseline()
    count = 0
    for audit in audits:
        prints = fingerprints(audit, audit.findings)
        baseline.add(audit.path, prints)
        count += len(prints)
    write_text_atomic(target, baseline.dump() + "\n")
    return count


def _name_problems(
    config: Config, spots: dict[tuple[str, str], tuple[str, int, int]]
) -> list[ConfigError]:
    try:
        every = _rule_set(config)  # user packs and plugins too: `select: [IA901]` is valid
    except ConfigError as exc:  # a broken pack: its own located error
        return [exc]
    codes = {r.meta.code: r.meta.name for r in every}
    codes.update(dict(INTERNAL_CODES))
    names = {v: k for k, v in codes.items()}
    for r in every:
        for alias in r.meta.aliases:
            names[alias] = r.meta.code
    presets = default_packs().conventions.presets
    return name_problems(config, codes, names, presets, spots)


def _packs(config: Config) -> Packs:
    if not (config.lexicon.add.any() or config.lexicon.remove.any()):
        return default_packs()
    return Packs(lexicon_changes=config.lexicon)


def _rules(config: Config, packs: Packs) -> tuple[Rule, ...]:
    del packs
    return _rule_set(config)


def _rule_set(config: Config) -> tuple[Rule, ...]:
    return rule_set(config.packs)
