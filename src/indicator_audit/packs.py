"""The data packs in rules/*.yaml: loaded once, validated, and compiled for fast scanning.

Packs hold words and conventions, never logic. Each is validated by a pydantic model at load
so a broken pack is a located error, not a crash in a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import LocatedError
from .lazy import lazy
from .resources import read_resource

if TYPE_CHECKING:
    from .config import LexiconConfig


class PackError(LocatedError):
    """A built-in data pack (rules/*.yaml) that does not validate."""


class _Pack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Pack):
    label: str
    variants: list[str] = []
    level2: dict[str, list[str]] = {}


class Taxonomy(_Pack):
    categories: dict[str, Category]
    strip_suffixes: list[str] = []


class Phrase(_Pack):
    word: str
    suggestion: str


class Lexicon(_Pack):
    vague_phrases: list[Phrase]
    vague_modifiers: list[str]
    vague_verbs: list[str]
    measurable_nouns: list[str]
    qualitative_values: list[str]
    incomparable_actuals: list[str]
    output_verbs: list[str] = []


class ProcessPattern(_Pack):
    word: str
    why: str


class Process(_Pack):
    patterns: list[ProcessPattern]


class Family(_Pack):
    name: str
    words: list[str]
    direction: Literal["min", "max", "exact", "none"]
    dimensions: list[str]
    confident: bool = True


class Families(_Pack):
    families: list[Family]
    satisfaction_groups: list[str]
    satisfaction_generic: list[str]
    satisfaction_credible_max: float
    quality_words: list[str]


class Preset(_Pack):
    title: str
    total: float
    budget_execution: float
    categories: dict[str, float] = {}
    ranges: dict[str, tuple[float, float]] = {}
    require: list[str] = []


class Conventions(_Pack):
    default: str
    presets: dict[str, Preset]
    dominant_share: float = Field(gt=0, le=1)
    overachievement_ratio: float = Field(gt=1)
    execution_floor: float = Field(gt=0, le=1)


class Concepts(_Pack):
    concepts: dict[str, list[str]]
    stopwords: list[str]
    indicator_fields: list[str]


_M = TypeVar("_M", bound=BaseModel)


def _words_regex(words: list[str]) -> re.Pattern[str]:
    """One alternation, longest word first, so the longest spelling wins at each place."""
    unique = sorted(set(w for w in words if w), key=lambda w: (-len(w), w))
    if not unique:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(re.escape(w) for w in unique))


def _load_yaml(name: str) -> Any:
    import yaml

    text = read_resource("rules", name)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise PackError(
            f"rules/{name}",
            f"YAML 语法错误：{exc.problem}",
            (mark.line + 1) if mark else 1,
            (mark.column + 1) if mark else 1,
        ) from None


def load_pack(model: type[_M], name: str) -> _M:
    """rules/NAME parsed and validated by `model`; a PackError with the place if it fails."""
    data = _load_yaml(name)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = "/".join(str(p) for p in err["loc"])
        raise PackError(f"rules/{name}", f"{where}: {err['msg']}") from None


@dataclass(frozen=True)
class Match:
    word: str
    start: int
    end: int


class Packs:
    """All built-in packs, loaded lazily: a rule that needs none pays for none.

    `lexicon_changes` (from configuration) adds and removes words: a department that accepts
    a word the default lexicon calls vague says so without touching the packs.
    """

    def __init__(self, lexicon_changes: LexiconConfig | None = None) -> None:
        self.lexicon_changes = lexicon_changes
        self._family_cache: dict[str, Family | None] = {}
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

        return base.model_copy(
            update={
                "vague_phrases": phrases,
                "vague_modifiers": edit(
                    base.vague_modifiers, add.vague_modifiers, remove.vague_modifiers
                ),
                "vague_verbs": edit(base.vague_verbs, add.vague_verbs, remove.vague_verbs),
                "measurable_nouns": edit(
                    base.measurable_nouns, add.measurable_nouns, remove.measurable_nouns
                ),
                "qualitative_values": edit(
                    base.qualitative_values, add.qualitative_values, remove.qualitative_values
                ),
            }
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
        return base.model_copy(update={"patterns": patterns})

    @lazy
    def families(self) -> Families:
        return load_pack(Families, "families.yaml")

    @lazy
    def conventions(self) -> Conventions:
        return load_pack(Conventions, "conventions.yaml")

    @lazy
    def concepts(self) -> Concepts:
        return load_pack(Concepts, "concepts.yaml")

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
    def output_verb_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.output_verbs)

    @lazy
    def measurable_re(self) -> re.Pattern[str]:
        return _words_regex(self.lexicon.measurable_nouns)

    @lazy
    def qualitative_set(self) -> frozenset[str]:
        return frozenset(self.lexicon.qualitative_values)

    @lazy
    def incomparable_set(self) -> frozenset[str]:
        return frozenset(self.lexicon.incomparable_actuals)

    @lazy
    def process_re(self) -> re.Pattern[str]:
        return _words_regex([p.word for p in self.process.patterns])

    @lazy
    def process_map(self) -> dict[str, ProcessPattern]:
        return {p.word: p for p in self.process.patterns}

    @lazy
    def family_table(self) -> list[tuple[re.Pattern[str], Family]]:
        return [(_words_regex(f.words), f) for f in self.families.families]

    def family_of(self, subject: str) -> Family | None:
        """The first family one of whose words the subject contains (memoised: tables repeat
        the same names across projects)."""
        cache = self._family_cache
        if subject in cache:
            return cache[subject]
        found = None
        for regex, fam in self.family_table:
            if regex.search(subject):
                found = fam
                break
        if len(cache) < 100_000:
            cache[subject] = found
        return found

    @lazy
    def satisfaction_group_re(self) -> re.Pattern[str]:
        return _words_regex(self.families.satisfaction_groups)

    @lazy
    def quality_re(self) -> re.Pattern[str]:
        return _words_regex(self.families.quality_words)

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
