"""Weights (权重 / 分值) of the revised table: the input's are kept, and each 一级 category
keeps its total.

- A row kept or changed keeps its weight; a row moved to another category takes it along.
- The rows a multi-level cell is split into share its weight.
- A removed row's weight goes to the rows added to its category, or, when none is added,
  back to the category's other rows in proportion.
- When rows are added to a category that freed nothing, the category is shared again: the
  added rows count as an average row, and every row is scaled so the total stays.
- A category the input lacks gets the preset's share (conventions.yaml). The indicators' room
  is what `check` expects them to total (IA505: the preset's total less budget execution, the
  document's or the preset's). What the room lacks is taken from the categories that exceed
  their own share under the preset (产出 60 where the preset gives 50); when nothing exceeds
  it, the new category's weight is left for the user. Every change is stated.

Weights are whole numbers when the input's are (largest remainders keep the total exact).
Nothing is done when the input has no weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from indicator_audit.packs.load import Preset
from indicator_audit.suggest.rows import Suggestion, WeightNote


def _share(total: float, parts: Sequence[float], whole: bool) -> list[float]:
    """`total` divided in proportion to `parts`; whole numbers by largest remainder."""
    base = sum(parts)
    if not parts:
        return []
    raw = [total * p / base if base > 0 else total / len(parts) for p in parts]
    if not whole:
        out = [round(x, 1) for x in raw]
        out[-1] = round(total - sum(out[:-1]), 1)
        return out
    floors = [int(x) for x in raw]
    left = round(total) - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: -(raw[i] - floors[i]))
    for i in order[: max(left, 0)]:
        floors[i] += 1
    return [float(x) for x in floors]


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


class _Plan:
    """Each category's total before and after: new categories get the preset's share, taken
    from the room left or from the categories above their own share."""

    def __init__(
        self,
        out: list[Suggestion],
        preset: Preset,
        level1_keys: dict[str, str],
        room: float,
        whole: bool,
    ) -> None:
        self.order = list(dict.fromkeys(r.level1 for r in out))
        self.total: dict[str, float] = {}
        for level1 in self.order:
            self.total[level1] = sum(
                r.weight or 0 for r in out if r.level1 == level1 and r.replaces is not None
            )
        self.after = dict(self.total)
        self.given: dict[str, str] = {}  # new category → how its weight was found
        self.reduced: dict[str, float] = {}  # category → points it gave up
        share_of = {l1: preset.categories.get(level1_keys.get(l1, ""), 0.0) for l1 in self.order}
        live = {r.level1 for r in out if r.status != "removed" and r.replaces is not None}
        new_only = [
            l1
            for l1 in self.order
            if l1 not in live and any(r.level1 == l1 and r.replaces is None for r in out)
        ]
        room = max(room, 0.0)
        for level1 in new_only:
            share = share_of[level1]
            if not share:
                continue
            from_room = min(room, share)
            excess = {
                l1: self.after[l1] - share_of[l1]
                for l1 in self.order
                if l1 in live and share_of[l1] and self.after[l1] > share_of[l1]
            }
            needed = share - from_room
            if needed > sum(excess.values()) + 1e-9:
                continue  # neither room nor excess enough: left for the user
            room -= from_room
            self.after[level1] = share
            if needed <= 0:
                self.given[level1] = f"按预设口径给 {_shown(share)} 分"
                continue
            names = list(excess)
            taken = _share(needed, [excess[n] for n in names], whole)
            parts = []
            for name, points in zip(names, taken, strict=True):
                if points:
                    self.after[name] -= points
                    self.reduced[name] = self.reduced.get(name, 0.0) + points
                    parts.append(f"{name} {_shown(points)} 分")
            self.given[level1] = (
                f"按预设口径给 {_shown(share)} 分，从超出预设口径的" + "、".join(parts) + "调出"
            )


def assign_weights(
    rows: Sequence[Suggestion],
    preset: Preset,
    level1_keys: dict[str, str],
    budget_weight: float | None,
) -> tuple[list[Suggestion], list[WeightNote]]:
    """`level1_keys`: 一级 label → category key of the preset (产出指标 → output);
    `budget_weight`: the document's budget-execution weight, None when it states none."""
    weighted = [r for r in rows if r.replaces is not None and r.weight is not None]
    if not weighted:
        return list(rows), []
    whole = all(float(r.weight or 0).is_integer() for r in weighted)
    out = list(rows)
    # split rows share the weight of the indicator they come from
    by_origin: dict[int, list[int]] = {}
    for i, r in enumerate(out):
        if r.replaces is not None and r.status != "removed":
            by_origin.setdefault(r.replaces, []).append(i)
    for members in by_origin.values():
        if len(members) > 1 and out[members[0]].weight is not None:
            parts = _share(out[members[0]].weight or 0, [1.0] * len(members), whole)
            for i, w in zip(members, parts, strict=True):
                out[i] = replace(out[i], weight=w)
    execution = budget_weight if budget_weight is not None else preset.budget_execution
    room = preset.total - execution - sum(r.weight or 0 for r in out if r.replaces is not None)
    plan = _Plan(out, preset, level1_keys, room, whole)
    notes: list[WeightNote] = []
    for level1 in plan.order:
        members = [i for i, r in enumerate(out) if r.level1 == level1]
        live = [i for i in members if out[i].status != "removed"]
        old = [i for i in live if out[i].replaces is not None]
        new = [i for i in live if out[i].replaces is None]
        total, after = plan.total[level1], plan.after[level1]
        freed = sum(out[i].weight or 0 for i in members if out[i].status == "removed")
        if not old and new:
            if level1 in plan.given:
                parts = _share(after, [1.0] * len(new), whole)
                for i, w in zip(new, parts, strict=True):
                    out[i] = replace(out[i], weight=w)
                text = f"{level1}为新增类别，{plan.given[level1]}"
                notes.append(WeightNote(level1, after, text))
            else:
                notes.append(
                    WeightNote(level1, None, f"{level1}为新增类别：权重请从其他指标中调出后填写")
                )
            continue
        if not new and not freed and after == total:
            continue
        if new and freed and after == total:
            parts = _share(freed, [1.0] * len(new), whole)
            for i, w in zip(new, parts, strict=True):
                out[i] = replace(out[i], weight=w)
            text = f"{level1}删去指标的 {_shown(freed)} 分分给新增的 {len(new)} 个指标，合计仍为 {_shown(total)} 分"
            notes.append(WeightNote(level1, total, text))
            continue
        mean = (total - freed) / len(old) if old else 0.0
        basis = [out[i].weight or 0 for i in old] + [mean] * len(new)
        parts = _share(after, basis, whole)
        for i, w in zip(old + new, parts, strict=True):
            if out[i].weight != w and out[i].replaces is not None:
                before = _shown(out[i].weight or 0)
                status = "changed" if out[i].status == "kept" else out[i].status
                reason = out[i].reason if out[i].status != "kept" else ""
                reason = "；".join(x for x in (reason, f"权重 {before} → {_shown(w)}") if x)
                out[i] = replace(out[i], weight=w, status=status, reason=reason)
            else:
                out[i] = replace(out[i], weight=w)
        how = "按原权重比例重新分配" + ("（新增指标按平均权重计）" if new else "")
        if after != total:
            text = (
                f"{level1}合计由 {_shown(total)} 分调为预设口径的 {_shown(after)} 分"
                f"（调给新增类别），{how}"
            )
        else:
            text = f"{level1}{how}，合计仍为 {_shown(total)} 分"
        notes.append(WeightNote(level1, after, text))
    return out, notes
