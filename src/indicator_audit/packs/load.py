"""The data packs in rules/*.yaml: loaded once, validated, and compiled for fast scanning.

Packs hold words and conventions, never logic. Each is validated at load by pydantic against
the dataclasses below, so a broken pack is a located error, not a crash in a rule. What
validation produced is cached (validated_cache.py): a start with unchanged packs imports
neither pydantic nor PyYAML.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

from indicator_audit.core.errors import LocatedError
from indicator_audit.core.lazy import lazy
from indicator_audit.core.resources import read_resource
from indicator_audit.packs.cache import StrictData, cached
from indicator_audit.packs.families import Families as Families
from indicator_audit.packs.families import Family as Family
from indicator_audit.packs.families import HeadTable


@dataclass
class LexiconChanges(StrictData):
    vague_phrases: list[str] = field(default_factory=list)
    vague_modifiers: list[str] = field(default_factory=list)
    vague_verbs: list[str] = field(default_factory=list)
    measurable_nouns: list[str] = field(default_factory=list)
    qualitative_values: list[str] = field(default_factory=list)
    process_words: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class LexiconConfig(StrictData):
    add: LexiconChanges = field(default_factory=LexiconChanges)
    remove: LexiconChanges = field(default_factory=LexiconChanges)


class PackError(LocatedError):
    """A built-in data pack (rules/*.yaml) that does not validate."""


@dataclass(frozen=True, slots=True)
class Category(StrictData):
    label: str
    variants: list[str] = field(default_factory=list)
    level2: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Taxonomy(StrictData):
    categories: dict[str, Category]
    strip_suffixes: list[str] = field(default_factory=list)
    level2_signals: dict[str, list[str]] = field(default_factory=dict)
    level2_domains: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Phrase(StrictData):
    word: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class Lexicon(StrictData):
    vague_phrases: list[Phrase]
    vague_modifiers: list[str]
    vague_verbs: list[str]
    measurable_nouns: list[str]
    qualitative_values: list[str]
    incomparable_actuals: list[str]
    output_verbs: list[str] = field(default_factory=list)
    result_nouns: list[str] = field(default_factory=list)
    partial_actuals: list[str] = field(default_factory=list)
    unmeasurable_nouns: list[str] = field(default_factory=list)
    goal_openers: list[str] = field(default_factory=list)
    principle_heads: list[str] = field(default_factory=list)
    making_verbs: list[str] = field(default_factory=list)
    grade_ranks: list[str] = field(default_factory=list)
    grade_scales: list[str] = field(default_factory=list)
    designation_marks: list[str] = field(default_factory=list)
    period_ends: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProcessPattern(StrictData):
    word: str
    why: str


@dataclass(frozen=True, slots=True)
class Process(StrictData):
    patterns: list[ProcessPattern]


@dataclass(frozen=True, slots=True)
class Preset(StrictData):
    title: str
    total: float
    budget_execution: float
    categories: dict[str, float] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    require: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Conventions(StrictData):
    default: str
    presets: dict[str, Preset]
    dominant_share: float
    overachievement_ratio: float
    execution_floor: float
    overachievement_min_points: float = 0.0

    def __post_init__(self) -> None:  # pydantic reports a ValueError here as a pack error
        if not 0 < self.dominant_share <= 1:
            raise ValueError("dominant_share must be in (0, 1]")
        if not self.overachievement_ratio > 1:
            raise ValueError("overachievement_ratio must be greater than 1")
        if not 0 < self.execution_floor <= 1:
            raise ValueError("execution_floor must be in (0, 1]")
        if self.default not in self.presets:
            raise ValueError(f"default preset {self.default!r} is not among the presets")


@dataclass(frozen=True, slots=True)
class Concepts(StrictData):
    concepts: dict[str, list[str]]
    stopwords: list[str]
    indicator_fields: list[str]


@dataclass(frozen=True, slots=True)
class Bases(StrictData):
    history: list[str]
    plan: list[str]
    industry: list[str]
    generic: list[str]
    # words too common to tie a goal clause to an indicator's name (项目, 完成, 全年)
    common: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PeerLimits(StrictData):
    min_peers: int
    threshold: float
    floor: float

    def __post_init__(self) -> None:
        if self.min_peers < 1:
            raise ValueError("min_peers must be at least 1")
        if not self.threshold > 0 or self.floor < 0:
            raise ValueError("threshold must be positive and floor not negative")


@dataclass(frozen=True, slots=True)
class Comparison(StrictData):
    """rules/comparison.yaml: how a table is compared with last year's, the declared one and
    its peers."""

    prefixes: list[str]
    synonyms: list[list[str]]
    fillers: list[str]
    reason_words: list[str]
    basis: Bases
    standard_names: list[str]
    peers: PeerLimits

    def __post_init__(self) -> None:
        for pattern in (*self.prefixes, *self.standard_names):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None


_M = TypeVar("_M")


def _alternation(words: list[str]) -> str:
    """One alternation, longest word first, so the longest spelling wins at each place."""
    unique = sorted(set(w for w in words if w), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique) if unique else r"(?!x)x"


def _words_regex(words: list[str]) -> re.Pattern[str]:
    return re.compile(_alternation(words))


# In a process word, "…" stands for one to three Chinese characters between its two halves:
# "资金…下达" is 资金分解下达, 资金按时下达 (how the money travels, however it is qualified).
_GAP = "…"
_GAP_RE = "[\u4e00-\u9fff]{1,3}?"


def _gapped(word: str) -> str:
    return _GAP_RE.join(re.escape(part) for part in word.split(_GAP))


def _gapped_words_regex(words: list[str]) -> re.Pattern[str]:
    """`_words_regex` where a word may hold a gap ("…"); words without one match literally."""
    unique = sorted(set(w for w in words if w), key=lambda w: (-len(w), w))
    if not unique:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(_gapped(w) for w in unique))


def validate_pack(model: type[_M], name: str, text: str) -> _M:
    """`text` (the YAML of rules/NAME) parsed and validated by pydantic as `model`."""
    import yaml
    from pydantic import TypeAdapter, ValidationError

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise PackError(
            f"rules/{name}",
            f"YAML 语法错误：{exc.problem}",
            (mark.line + 1) if mark else 1,
            (mark.column + 1) if mark else 1,
        ) from None
    try:
        return TypeAdapter(model).validate_python(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = "/".join(str(p) for p in err["loc"])
        raise PackError(f"rules/{name}", f"{where}: {err['msg']}") from None


def load_pack(model: type[_M], name: str) -> _M:
    """rules/NAME validated as `model` (from the cache when it was validated before); a
    PackError with the place if it fails."""
    text = read_resource("rules", name)
    # the schema may live in its own module (packs/families.py): a change there misses the cache
    schema = getattr(sys.modules.get(model.__module__), "__file__", None) or __file__
    return cached(
        f"pack-{name.replace('/', '-')}",
        text,
        (__file__, schema),
        model,
        lambda: validate_pack(model, name, text),
    )


class Packs:
    """All built-in packs, loaded lazily: a rule that needs none pays for none.

    `lexicon_changes` (from configuration) adds and removes words: a department that accepts
    a word the default lexicon calls vague says so without touching the packs.
    """

    def __init__(self, lexicon_changes: LexiconConfig | None = None) -> None:
        self.lexicon_changes = lexicon_changes
        self._family_cache: dict[str, Family | None] = {}
        self._domain_cache: dict[str, re.Pattern[str]] = {}
        # per-process memo for derived data that rules compute from packs (keyed by rule)
        self.memo: dict[str, dict[str, object]] = {}

    @lazy
    def taxonomy(self) -> Taxonomy:
        return load_pack(Taxonomy, "taxonomy.yaml")

    @lazy
    def lexicon(self) -> Lexicon:
        base = load_pack(Lexicon, "lexicon.yaml")
        changes = self.lexicon_changes
        if changes is None:
            return base
        add, remove = changes.add, changes.remove
        phrases = [p for p in base.vague_phrases if p.word not in remove.vague_phrases]
        known = {p.word for p in phrases}
        phrases += [
            Phrase(word=w, suggestion="写出可衡量的数值、单位和方向")
            for w in add.vague_phrases
            if w not in known
        ]

        def edit(words: list[str], plus: list[str], minus: list[str]) -> list[str]:
            return [w for w in words if w not in minus] + [w for w in plus if w not in words]

        return replace(
            base,
            vague_phrases=phrases,
            vague_modifiers=edit(base.vague_modifiers, add.vague_modifiers, remove.vague_modifiers),
            vague_verbs=edit(base.vague_verbs, add.vague_verbs, remove.vague_verbs),
            measurable_nouns=edit(
                base.measurable_nouns, add.measurable_nouns, remove.measurable_nouns
            ),
            qualitative_values=edit(
                base.qualitative_values, add.qualitative_values, remove.qualitative_values
            ),
        )

    @lazy
    def process(self) -> Process:
        base = load_pack(Process, "process.yaml")
        changes = self.lexicon_changes
        if changes is None:
            return base
        minus = set(changes.remove.process_words)
        patterns = [p for p in base.patterns if p.word not in minus]
        known = {p.word for p in patterns}
        patterns += [
            ProcessPattern(word=w, why="配置中列为过程或投入指标")
            for w in changes.add.process_words
            if w not in known
        ]
        return replace(base, patterns=patterns)

    @lazy
    def families(self) -> Families:
        return load_pack(Families, "families.yaml")

    @lazy
    def conventions(self) -> Conventions:
        return load_pack(Conventions, "conventions.yaml")

    @lazy
    def concepts(self) -> Concepts:
        return load_pack(Concepts, "concepts.yaml")

    @lazy
    def comparison(self) -> Comparison:
        return load_pack(Comparison, "comparison.yaml")

    # -- compiled views ---------------------------------------------------------------------

    @lazy
    def vague_phrase_re(self) -> re.Pattern[str]:
        return _words_regex([p.word for p in self.lexicon.vague_phrases])

    @lazy
    def vague_phrase_map(self) -> dict[str, Phrase]:
        return {p.word: p for p in self.lexicon.vague_phrases}

    @lazy
    def vague_word_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.vague_modifiers + self.lexicon.vague_verbs)

    @lazy
    def vague_verb_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.vague_verbs)

    @lazy
    def making_verb_re(self) -> re.Pattern[str]:
        """A verb of making or buying at the start of a name (制作宣传横幅)."""
        words = _alternation(self.lexicon.making_verbs)
        return re.compile(f"^(?:{words})")

    @lazy
    def grade_re(self) -> re.Pattern[str]:
        """A target that ends in a rank on a named scale (达到Ⅲ类及以上, 二级以上, A级): the
        rank is what is aimed at, not a word inside a phrase (一级故障及时处置)."""
        ranks = _alternation(self.lexicon.grade_ranks)
        scales = _alternation(self.lexicon.grade_scales)
        return re.compile(f"(?:{ranks})\\s*(?:{scales})(?:及以上|以上|标准)?[。.]?$")

    @lazy
    def designation_re(self) -> re.Pattern[str]:
        """A number that names a class or an item (小（1）型, 3A级, 2号楼), not an amount."""
        marks = _alternation(self.lexicon.designation_marks)
        return re.compile(f"\\d+[)）]?[A-Z]?(?:{marks})")

    @lazy
    def principle_head_re(self) -> re.Pattern[str]:
        """A principle word at the end of a name (以…为采购原则)."""
        words = _alternation(self.lexicon.principle_heads)
        return re.compile(f"(?:{words})$")

    @lazy
    def period_deadline_re(self) -> re.Pattern[str]:
        """A whole cell that is a period's end, once or every period (年底前, 每季度末, 次月底前,
        每年年底前, 年底前完成)."""
        words = _alternation(self.lexicon.period_ends)
        period = "(?:每|次|当|本|下)?个?(?:年|半年|季度|季|月|旬)?"
        return re.compile(f"^{period}(?:{words})(?:之前|以前|前)?(?:完成)?$")

    @lazy
    def output_verb_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.output_verbs)

    @lazy
    def partial_actual_set(self) -> frozenset[str]:
        return frozenset(self.lexicon.partial_actuals)

    @lazy
    def change_verbs(self) -> tuple[str, ...]:
        return tuple(sorted(self.families.change_verbs, key=len, reverse=True))

    @lazy
    def result_noun_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.result_nouns)

    @lazy
    def measurable_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.measurable_nouns)

    @lazy
    def unmeasurable_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.unmeasurable_nouns)

    def names_measurable(self, text: str) -> bool:
        """A measurable noun stands in the text, and not only inside a word that names no
        quantity (the 量 of 教学质量)."""
        found = list(self.measurable_re.finditer(text))
        if not found:
            return False
        inert = [m.span() for m in self.unmeasurable_re.finditer(text)]
        return any(not any(a <= m.start() and m.end() <= b for a, b in inert) for m in found)

    @lazy
    def qualitative_set(self) -> frozenset[str]:
        return frozenset(self.lexicon.qualitative_values)

    @lazy
    def process_re(self) -> re.Pattern[str]:
        return _gapped_words_regex([p.word for p in self.process.patterns])

    @lazy
    def process_map(self) -> dict[str, ProcessPattern]:
        return {p.word: p for p in self.process.patterns}

    def process_pattern(self, found: str) -> ProcessPattern:
        """The process pattern `process_re` matched as `found` (a gapped word matches text
        that is not the word itself)."""
        known = self.process_map.get(found)
        if known is not None:
            return known
        return next(
            p
            for p in self.process.patterns
            if _GAP in p.word and re.fullmatch(_gapped(p.word), found) is not None
        )

    @lazy
    def head_table(self) -> HeadTable:
        return HeadTable(self.families)

    def family_of(self, subject: str) -> Family | None:
        """The family of the name's head, its last family word (memoised: tables repeat the
        same names across projects)."""
        cache = self._family_cache
        if subject in cache:
            return cache[subject]
        found = self.head_table.family(subject)
        if len(cache) < 100_000:
            cache[subject] = found
        return found

    @lazy
    def satisfaction_group_re(self) -> re.Pattern[str]:
        return _words_regex(self.families.satisfaction_groups)

    @lazy
    def money_signal_re(self) -> re.Pattern[str]:
        """The signal words of the economic-benefit and cost 二级 labels (收入, 成本, 造价 …)."""
        signals = self.taxonomy.level2_signals
        return _words_regex(signals.get("经济效益指标", []) + signals.get("成本指标", []))

    def domain_re(self, label: str) -> re.Pattern[str] | None:
        """The words of a 二级 label's domain (rules/taxonomy.yaml level2_domains), None for a
        label without one; compiled when a table first has a row under the label."""
        found = self._domain_cache.get(label)
        if found is None:
            words = self.taxonomy.level2_domains.get(label)
            if words is None:
                return None
            found = self._domain_cache[label] = _words_regex(words)
        return found

    @lazy
    def quality_re(self) -> re.Pattern[str]:
        return _words_regex(self.families.quality_words)

    @lazy
    def outcome_quality_re(self) -> re.Pattern[str]:
        return _words_regex(self.families.outcome_quality_words)

    @lazy
    def level1_index(self) -> dict[str, tuple[str, bool]]:
        """Label → (category key, is the standard spelling)."""
        out: dict[str, tuple[str, bool]] = {}
        for key, cat in self.taxonomy.categories.items():
            out[cat.label] = (key, True)
            for variant in cat.variants:
                out.setdefault(variant, (key, False))
        return out

    @lazy
    def level2_index(self) -> dict[str, tuple[str, str, bool]]:
        """Label → (category key, standard label, is the standard spelling)."""
        out: dict[str, tuple[str, str, bool]] = {}
        for key, cat in self.taxonomy.categories.items():
            for label in cat.level2:
                out[label] = (key, label, True)
        for key, cat in self.taxonomy.categories.items():
            for label, variants in cat.level2.items():
                for variant in variants:
                    out.setdefault(variant, (key, label, False))
        return out

    @lazy
    def concept_index(self) -> tuple[re.Pattern[str], dict[str, str]]:
        word_to_concept: dict[str, str] = {}
        for concept, words in self.concepts.concepts.items():
            for w in words:
                word_to_concept[w] = concept
        return _words_regex(list(word_to_concept)), word_to_concept

    @lazy
    def stopword_re(self) -> re.Pattern[str]:
        return _words_regex(self.concepts.stopwords)

    def preset(self, name: str | None = None) -> Preset:
        conv = self.conventions
        return conv.presets[name or conv.default]


_DEFAULT: Packs | None = None


def default_packs() -> Packs:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Packs()
    return _DEFAULT
