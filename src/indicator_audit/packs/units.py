"""The schema of rules/units.yaml (pydantic), used only when the pack is validated: the
indexed lexicon built from it is cached (see transform.lexicon)."""

from __future__ import annotations

from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indicator_audit.core.text import normalise


def _scale(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("scale must be a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return float(Fraction(value.strip()))  # "1/60"
    raise ValueError(f"scale must be a number or 'a/b', not {value!r}")


class UnitGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: str
    canonical: str | None = None
    spellings: dict[str, float] = Field(default_factory=dict)
    own: list[str] = Field(default_factory=list)

    @field_validator("spellings", mode="before")
    @classmethod
    def _scales(cls, value: object) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ValueError("spellings must map a spelling to its scale")
        return {str(k): _scale(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _shape(self) -> UnitGroup:
        if bool(self.spellings) == bool(self.own):
            raise ValueError("a unit group has either `spellings` (with `canonical`) or `own`")
        if self.spellings:
            if self.canonical is None or self.spellings.get(self.canonical) != 1.0:
                raise ValueError(f"canonical {self.canonical!r} must be a spelling with scale 1")
            if any(scale <= 0 for scale in self.spellings.values()):
                raise ValueError("scales must be positive")
        return self


class UnitsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    units: list[UnitGroup]
    magnitudes: dict[str, float] = Field(default_factory=dict)
    magnitude_dimensions: list[str] = Field(default_factory=list)
    points: list[str]
    periods: list[str]
    qualitative: list[str]
    placeholders: list[str]
    standard_codes: list[str] = Field(default_factory=list)
    designations: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> UnitsFile:
        seen: set[str] = set()
        for group in self.units:
            for spelling in (*group.spellings, *group.own):
                key = normalise(spelling)
                if key in seen:
                    raise ValueError(f"unit spelling {spelling!r} listed twice")
                seen.add(key)
        for word in self.points:
            if normalise(word) not in seen:
                raise ValueError(f"points unit {word!r} is not a unit")
        return self
