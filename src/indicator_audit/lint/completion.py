"""How far a self-evaluation's actual value went towards its target, clause by clause.

A target may hold several clauses (一级故障25分钟；二级故障130分钟): each is paired with the
actual's clause in the same place and judged in its own direction. A single actual against
several targets is met when it meets every one of them ("25分钟" against three fault levels);
otherwise it is not judged at all: adding unrelated clauses up ("完成 9%") would be a claim the
numbers do not support. An actual written without a unit takes the target's
(`≥35公里` against `35`); an actual in another dimension (`100%` against `1000件`) cannot be
compared, and `unit_conflict` says so. Dates are compared by `late_date`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indicator_audit.core.parsed import CellKind, Clause, DateValue, Unit
from indicator_audit.lint.facts import IndicatorFacts, direction_of, has_placeholder

_JUDGED = (CellKind.QUANTITY, CellKind.MULTI, CellKind.RANGE)


@dataclass(frozen=True, slots=True)
class Judged:
    """One target clause against its actual clause."""

    target: Clause
    actual: Clause
    wanted: float  # the target's value, in the target unit's base (35公里 → 35000)
    got: float  # the actual's value, in the same base
    direction: str  # min, max, exact, or range (a target written "6-9个月")
    share: float  # of the target achieved, at most 1.0


class Completion:
    """The judged clauses of one indicator (a plain class: nothing compares or prints one,
    and a dataclass costs its making at every start)."""

    __slots__ = ("clauses",)

    def __init__(self, clauses: tuple[Judged, ...]) -> None:
        self.clauses = clauses

    @property
    def met(self) -> bool:
        return all(j.share >= 1.0 for j in self.clauses)

    @property
    def share(self) -> float:
        """The pro-rata share the score follows: the mean over the clauses."""
        return sum(j.share for j in self.clauses) / len(self.clauses)

    @property
    def missed(self) -> tuple[Judged, ...]:
        return tuple(j for j in self.clauses if j.share < 1.0)


def _valued(clauses: tuple[Clause, ...]) -> list[Clause]:
    return [c for c in clauses if c.value is not None]


def _pairs(f: IndicatorFacts) -> list[tuple[Clause, Clause]] | None:
    target, actual = f.target_parsed, f.actual_parsed
    if actual is None or actual.error is not None or target.error is not None:
        return None
    if target.kind not in _JUDGED or has_placeholder(target) or has_placeholder(actual):
        return None
    wanted, got = _valued(target.clauses), _valued(actual.clauses)
    if len(wanted) > 1 and len(got) == 1:
        # one actual against several targets ("25分钟" against three fault levels): which it
        # answers is unknown, so judge() only accepts it when it meets every one of them
        if got[0].unit is None and len({c.unit.canonical if c.unit else None for c in wanted}) > 1:
            return None  # "130" against "≥3场；≥120人次": 130 of what
        return [(t, got[0]) for t in wanted]
    if not wanted or len(wanted) != len(got):
        return None
    for t, a in zip(wanted, got, strict=True):
        if t.qualifiers and a.qualifiers and _plain(t.qualifiers) != _plain(a.qualifiers):
            return None  # 一级故障 against 二级故障: written in another order
    return list(zip(wanted, got, strict=True))


# The year a change is measured against: 较上年提高 and 提高 name the same change
_REFERENCE = re.compile(
    r"^(?:(?:较|比|与)?(?:上年度?|去年|上一年度?|上年同期|去年同期|基期|基准年)(?:相比|同期)?|同比|环比)"
)


def _plain(qualifiers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_REFERENCE.sub("", q) for q in qualifiers)


def _target_unit(f: IndicatorFacts, clause: Clause, single: bool) -> Unit | None:
    if clause.unit is not None:
        return clause.unit
    return f.unit_column if single else None


def _comparable(a: Unit | None, b: Unit | None) -> bool:
    if a is None or b is None:
        return True
    if a.dimension == "unknown" or b.dimension == "unknown":
        return a.canonical == b.canonical  # words the pack does not know: only the same word
    dims = {a.dimension, b.dimension}
    return len(dims) == 1 or dims == {"count", "people"}


def unit_conflict(f: IndicatorFacts) -> tuple[Unit, Unit] | None:
    """(target unit, actual unit) of the first pair whose units measure different things."""
    pairs = _pairs(f)
    if pairs is None:
        return None
    for t, a in pairs:
        unit = _target_unit(f, t, len(pairs) == 1)
        known = (
            unit is not None
            and a.unit is not None
            and "unknown"
            not in (
                unit.dimension,
                a.unit.dimension,
            )
        )
        if known and not _comparable(unit, a.unit):
            assert unit is not None and a.unit is not None
            return unit, a.unit
    return None


def _direction(f: IndicatorFacts, clause: Clause) -> str:
    if clause.comparator is not None:
        written = direction_of(clause.comparator)
    elif f.comparator_column is not None:
        written = direction_of(f.comparator_column)
    elif clause.value == 0:
        return "max"  # "0起" written alone: none at all, so any incident misses it
    else:
        return f.wanted_direction or "min"
    if written == "exact" and f.wanted_direction == "max":
        # "=180元" on a cost is a wrong comparator (comparator-against-meaning says so once);
        # a cost at or under its figure is met, not missed by 2%
        return "max"
    return written


def _share(direction: str, a: float, b: float) -> float:
    if direction == "max":
        return 1.0 if b <= a else (a / b if b > 0 else 1.0)
    if direction == "exact":
        return 1.0 if abs(a - b) < 1e-9 else (min(a, b) / max(a, b) if max(a, b) else 1.0)
    return 1.0 if b >= a else (b / a if a > 0 else 1.0)


def judge(f: IndicatorFacts) -> Completion | None:
    """Each target clause against its actual, or None when they cannot be compared."""
    pairs = _pairs(f)
    if pairs is None:
        return None
    out = []
    for t, a in pairs:
        unit = _target_unit(f, t, len(pairs) == 1)
        got = a.unit or unit  # "35" against "≥35公里" is 35 公里
        if not _comparable(unit, got):
            return None
        if "magnitude" in (unit.dimension if unit else "", got.dimension if got else ""):
            return None  # "5万" of what: reported by magnitude-without-unit
        assert t.value is not None and a.value is not None
        target = t.value * (unit.scale if unit else 1.0)
        actual = a.value * (got.scale if got else 1.0)
        if t.upper is not None and t.comparator is None:
            # "6-9个月": met anywhere inside the range, short of it below, over it above
            upper = t.upper * (unit.scale if unit else 1.0)
            share = (
                _share("min", target, actual) if actual < target else _share("max", upper, actual)
            )
            out.append(Judged(t, a, target, actual, "range", share))
            continue
        direction = _direction(f, t)
        out.append(Judged(t, a, target, actual, direction, _share(direction, target, actual)))
    shared = len(out) > 1 and all(j.actual is out[0].actual for j in out)
    if shared and any(j.share < 1.0 for j in out):
        return None  # never a share made up from clauses the actual may not answer
    return Completion(tuple(out))


def completion(f: IndicatorFacts) -> float | None:
    """The worst clause's share of its target (1.0 = met), or None."""
    judged = judge(f)
    return min(j.share for j in judged.clauses) if judged is not None else None


def _end(d: DateValue, year: int | None, last: bool) -> tuple[int, int, int]:
    """A date as (year, month, day); a missing month or day is its last (a deadline) or
    first (an actual: "2025年6月" may be any day of June, so it is not late for June)."""
    month = d.month if d.month is not None else (12 if last else 1)
    day = d.day if d.day is not None else (31 if last else 1)
    return (d.year or year or 0, month, day)


def late_date(f: IndicatorFacts) -> tuple[DateValue, DateValue] | None:
    """(deadline, actual date) when the actual date is after the target's deadline."""
    target, actual = f.target_parsed, f.actual_parsed
    if actual is None or actual.error is not None or target.error is not None:
        return None
    wanted = [c for c in target.clauses if c.date is not None]
    got = [c for c in actual.clauses if c.date is not None]
    if len(wanted) != 1 or len(got) != 1:
        return None
    t, a = wanted[0], got[0]
    deadline = t.date_end or t.date
    done = a.date_end or a.date
    assert deadline is not None and done is not None
    if deadline.year is None and done.year is None and deadline.month is None:
        return None
    year = deadline.year or done.year
    if _end(done, year, last=False) > _end(deadline, year, last=True):
        return deadline, done
    return None
