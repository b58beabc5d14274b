"""Amending the plan mid-year (Quyết định sửa đổi, bổ sung Kế hoạch): match the reissued
appendix's tasks to the master's by content, never by printed number, and say what the
amendment adds, drops, changes and renumbers.

Pure: plans in, an `AmendmentDiff` out. The job (`jobs/plan_amend.py`) reads and writes.

Matching, in two passes:
1. exact: the normalised task text (NFC, lower case, modern tone placement "hoá" →
   "hóa", punctuation and spaces folded, a leading sub-item number "1. " dropped) is the
   same; when several tasks share a text (one item per lead unit) the lead decides;
2. tolerant: for what is left, a similarity of text (most weight), product, lead and
   area (`difflib` ratio on the normalised forms). A pair at or above `CONFIDENT` is a
   match (the wording was edited); a pair between `UNSURE` and `CONFIDENT` is shown to
   the clerk as *uncertain* and applied only when the clerk says so (`accept`) — or
   treated as a dropped task and a new one (`separate`). Nothing is guessed silently.

Two tasks of the amendment equally matching one task of the master (the same text and
lead twice) is ambiguous: `ambiguous` lists them and the job writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pydantic import Field

from parc_xl.domain.models import Deadline, Plan, Task
from parc_xl.domain.record import Record
from parc_xl.domain.submissions import period_rank
from parc_xl.domain.text import match_key

#: Similarity at or above which two tasks are the same task with edited wording.
CONFIDENT = 0.85
#: Similarity at or above which a pair is shown as a possible match (below CONFIDENT).
UNSURE = 0.6
#: Two candidates closer than this to the same task cannot be told apart.
TIE = 0.02
#: Below this share of tasks matched, the "amendment" is of another plan.
MIN_SHARED = 0.3

# Weights of the tolerant score (text dominates: product and lead are short and often edited).
_W_TEXT, _W_PRODUCT, _W_LEAD, _W_AREA = 0.75, 0.1, 0.1, 0.05

#: Field ids of `TaskChange.fields` (PRODUCT/issue 20 JSON), in report order.
FIELDS = ("text", "product", "lead", "coordination", "deadline", "area")
#: How each field is named to the clerk (the `Kế hoạch` column headers).
FIELD_LABELS = {"text": "Nhiệm vụ", "product": "Sản phẩm", "lead": "Đơn vị chủ trì",
                "coordination": "Đơn vị phối hợp", "deadline": "Thời gian hoàn thành", "area": "Lĩnh vực",
                "stt": "STT"}

_ENUM = re.compile(r"^\s*(?:\d{1,2}|[a-zđ])\s*[.)]\s+|^\s*[-–•+]\s+", re.IGNORECASE)


def norm(text: str) -> str:
    """The comparison form of a plan cell (see module doc)."""
    return match_key(_ENUM.sub("", text or "", count=1))


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < UNSURE or m.quick_ratio() < UNSURE:
        return m.quick_ratio() * 0.9  # cheap upper bound, discounted: never reaches UNSURE by itself
    return m.ratio()


def _units_or_text(codes: list[str], text: str) -> str:
    return ";".join(sorted(codes)) if codes else norm(text)


class _View:
    """A task's normalised forms, computed once."""

    __slots__ = ("task", "text", "product", "lead", "coord", "deadline", "area")

    def __init__(self, task: Task, area_title: str) -> None:
        self.task = task
        self.text = norm(task.task)
        self.product = norm(task.product)
        self.lead = _units_or_text(task.lead_units, task.lead)
        self.coord = _units_or_text(task.coord_units, task.coord)
        self.deadline = norm(task.deadline_text)
        self.area = norm(area_title)


def similarity(a: _View, b: _View) -> float:
    """0..1: how alike two tasks are (text first, then product, lead, area)."""
    text = _ratio(a.text, b.text)
    if text < UNSURE:
        return text  # a different task, whatever its product or lead
    return (_W_TEXT * text + _W_PRODUCT * _ratio(a.product, b.product)
            + _W_LEAD * (1.0 if a.lead == b.lead else _ratio(a.lead, b.lead))
            + _W_AREA * (1.0 if a.area == b.area else 0.0))


class TaskRef(Record):
    key: str
    stt: str
    task: str


class TaskChange(Record):
    key: str
    stt: str  # the new printed number
    fields: list[str]
    old: dict[str, str] = Field(default_factory=dict)  # field -> text before
    new: dict[str, str] = Field(default_factory=dict)  # field -> text after


class Renumbered(Record):
    key: str
    old_stt: str
    new_stt: str


class Uncertain(Record):
    """A possible match the clerk must confirm (`accept`) or reject (`separate`)."""

    key: str  # the master's task
    old_stt: str
    old_task: str
    new_stt: str  # the amendment's task (its printed number, or its key when unnumbered)
    new_task: str
    score: float


class Ambiguous(Record):
    """One task of the master matched equally by several tasks of the amendment."""

    key: str
    old_stt: str
    old_task: str
    candidates: list[TaskRef]


class AmendmentDiff(Record):
    """What an amendment does to the master's plan. `plan` is the amended plan, its
    matched tasks carrying the master's keys and its new tasks fresh, unused keys."""

    plan: Plan
    matched: dict[str, str] = Field(default_factory=dict)  # master key -> amended task key (the same)
    added: list[TaskRef] = Field(default_factory=list)
    removed: list[TaskRef] = Field(default_factory=list)
    changed: list[TaskChange] = Field(default_factory=list)
    renumbered: list[Renumbered] = Field(default_factory=list)
    uncertain: list[Uncertain] = Field(default_factory=list)
    ambiguous: list[Ambiguous] = Field(default_factory=list)
    shared: float = 1.0  # share of tasks matched (of the larger plan)

    @property
    def applicable(self) -> bool:
        return not self.uncertain and not self.ambiguous


def _label(t: Task) -> str:
    return t.stt or t.key


def _changes(old: Task, new: Task, old_area: str, new_area: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    a, b = _View(old, old_area), _View(new, new_area)
    fields: list[str] = []
    before: dict[str, str] = {}
    after: dict[str, str] = {}

    def note(field: str, was: str, now: str) -> None:
        fields.append(field)
        before[field], after[field] = was, now

    if a.text != b.text:
        note("text", old.task, new.task)
    if a.product != b.product:
        note("product", old.product, new.product)
    if a.lead != b.lead:
        note("lead", old.lead, new.lead)
    if a.coord != b.coord:
        note("coordination", old.coord, new.coord)
    if a.deadline != b.deadline or _due(old.deadline) != _due(new.deadline):
        note("deadline", old.deadline_text, new.deadline_text)
    if a.area != b.area and old_area and new_area:
        note("area", old_area, new_area)
    return fields, before, after


def _due(d: Deadline | None) -> dt.date | None:
    return d.due if d else None


def fresh_key(base: str, used: set[str]) -> str:
    """`base` when no task of the master ever had it, else `base-BS<n>` (bổ sung)."""
    if base and base not in used:
        return base
    n = 1
    while f"{base}-BS{n}" in used:
        n += 1
    return f"{base}-BS{n}"


def diff_plans(old: Plan, new: Plan, *, used_keys: set[str] | None = None,
               accept: dict[str, str] | None = None, separate: set[str] | None = None) -> AmendmentDiff:
    """Match `new` (the amended appendix, units resolved) to `old` (the master's plan).

    `used_keys`: every task key the master ever had (retired ones included), never
    reused for a new task. `accept`: {master key: amendment task's STT or key} pairs the
    clerk confirmed; `separate`: master keys the clerk said are not the uncertain match
    shown (dropped, and the amendment's task is new). The steps, in order: the clerk's
    decisions, exact texts, tolerant matches best first, then keys and changes."""
    old_area = {a.code: a.title for a in old.areas}
    new_area = {a.code: a.title for a in new.areas}
    m = _Matching(olds=[_View(t, old_area.get(t.area, t.area)) for t in old.tasks],
                  news=[_View(t, new_area.get(t.area, t.area)) for t in new.tasks],
                  result=AmendmentDiff(plan=new))
    m.clerk_pairs(dict(accept or {}))
    m.exact_pairs()
    unsure = m.tolerant_pairs(set(separate or ()))
    return m.rekey(old, new, unsure, set(used_keys or ()) | {t.key for t in old.tasks}, old_area, new_area)


@dataclass
class _Matching:
    """The old and new tasks being paired. `pairs` maps an old index to a new one; a
    negative key `-1 - j` holds new task j out (ambiguous: neither added nor matched)."""

    olds: list[_View]
    news: list[_View]
    result: AmendmentDiff
    pairs: dict[int, int] = field(default_factory=dict)
    held: set[int] = field(default_factory=set)  # new tasks an unsure or ambiguous match holds

    def _ambiguous(self, i: int, candidates: list[int]) -> None:
        o = self.olds[i].task
        self.result.ambiguous.append(Ambiguous(
            key=o.key, old_stt=o.stt, old_task=o.task,
            candidates=[TaskRef(key=self.news[j].task.key, stt=self.news[j].task.stt, task=self.news[j].task.task)
                        for j in candidates]))

    def clerk_pairs(self, accept: dict[str, str]) -> None:
        """0. What the clerk decided."""
        by_label: dict[str, int] = {}
        for j, v in enumerate(self.news):
            by_label.setdefault(_label(v.task), j)
            by_label.setdefault(v.task.key, j)
        old_index = {v.task.key: i for i, v in enumerate(self.olds)}
        for key, label in accept.items():
            oi, nj = old_index.get(key), by_label.get(label)
            if oi is not None and nj is not None and nj not in self.pairs.values():
                self.pairs[oi] = nj

    def exact_pairs(self) -> None:
        """1. Exact text, the lead deciding among equal texts."""
        olds, news, pairs = self.olds, self.news, self.pairs
        taken = set(pairs.values())
        groups_old: dict[str, list[int]] = {}
        groups_new: dict[str, list[int]] = {}
        for i in (i for i in range(len(olds)) if i not in pairs):
            groups_old.setdefault(olds[i].text, []).append(i)
        for j in (j for j in range(len(news)) if j not in taken):
            groups_new.setdefault(news[j].text, []).append(j)
        for text, o_list in groups_old.items():
            n_list = list(groups_new.get(text, []))
            if not n_list:
                continue
            if len(o_list) == 1 and len(n_list) == 1:
                pairs[o_list[0]] = n_list[0]
                continue
            left_old = []
            for i in o_list:
                same = [j for j in n_list if news[j].lead == olds[i].lead]
                if len(same) == 1:
                    pairs[i] = same[0]
                    n_list.remove(same[0])
                elif len(same) > 1:
                    self._ambiguous(i, same)
                    for j in same:
                        n_list.remove(j)
                        pairs[-1 - j] = j  # held: neither added nor matched
                else:
                    left_old.append(i)
            if len(left_old) == 1 and len(n_list) == 1:
                pairs[left_old[0]] = n_list[0]

    def tolerant_pairs(self, separate: set[str]) -> dict[int, tuple[float, int]]:
        """2. Tolerant, best pairs first: a confident match without a close rival is a
        pair, with one it is ambiguous; an unsure one (not `separate`d) is returned for
        the clerk to confirm, its new task held."""
        olds, news, pairs = self.olds, self.news, self.pairs
        taken = set(pairs.values())
        rest_old = [i for i in range(len(olds)) if i not in pairs]
        rest_new = [j for j in range(len(news)) if j not in taken]
        scored = sorted(((similarity(olds[i], news[j]), i, j) for i in rest_old for j in rest_new),
                        key=lambda s: (-s[0], s[1], s[2]))
        scored = [s for s in scored if s[0] >= UNSURE]
        best_for_old: dict[int, list[tuple[float, int]]] = {}
        for s, i, j in scored:
            best_for_old.setdefault(i, []).append((s, j))
        unsure: dict[int, tuple[float, int]] = {}
        used_new: set[int] = set()
        for s, i, j in scored:
            if i in pairs or i in unsure or j in used_new:
                continue
            if s >= CONFIDENT:
                rivals = [sj for sj, jj in best_for_old[i] if jj != j and jj not in used_new and s - sj < TIE]
                if rivals:
                    cands = [jj for sj, jj in best_for_old[i] if jj not in used_new and s - sj < TIE]
                    self._ambiguous(i, cands)
                    for jj in cands:
                        used_new.add(jj)
                        pairs[-1 - jj] = jj
                    continue
                pairs[i] = j
                used_new.add(j)
            elif olds[i].task.key not in separate:
                unsure[i] = (s, j)
                used_new.add(j)
        for i, (s, j) in unsure.items():
            o, n = olds[i].task, news[j].task
            self.result.uncertain.append(Uncertain(key=o.key, old_stt=o.stt, old_task=o.task, new_stt=_label(n),
                                                   new_task=n.task, score=round(s, 3)))
        self.held = {j for j in used_new if j not in pairs.values()}
        return unsure

    def rekey(self, old: Plan, new: Plan, unsure: dict[int, tuple[float, int]], used: set[str],
              old_area: dict[str, str], new_area: dict[str, str]) -> AmendmentDiff:
        """3. Keys: matched tasks keep the master's key (their changes listed); new tasks
        get one never used before; old tasks matched by nothing are removed."""
        olds, news, result = self.olds, self.news, self.result
        held_new = self.held | {j for k, j in self.pairs.items() if k < 0}
        real = {i: j for i, j in self.pairs.items() if i >= 0}
        tasks: list[Task] = []
        new_to_old = {j: i for i, j in real.items()}
        for j, v in enumerate(news):
            t = v.task.model_copy()
            if j in new_to_old:
                o = olds[new_to_old[j]].task
                t.key = o.key
                fields, before, after = _changes(o, v.task, old_area.get(o.area, o.area),
                                                 new_area.get(v.task.area, v.task.area))
                if fields:
                    result.changed.append(TaskChange(key=o.key, stt=t.stt, fields=fields, old=before, new=after))
                if o.stt != t.stt:
                    result.renumbered.append(Renumbered(key=o.key, old_stt=o.stt, new_stt=t.stt))
                result.matched[o.key] = o.key
            elif j not in held_new:
                t.key = fresh_key(v.task.key, used)
                result.added.append(TaskRef(key=t.key, stt=t.stt, task=t.task))
            used.add(t.key)
            tasks.append(t)
        result.removed = [TaskRef(key=v.task.key, stt=v.task.stt, task=v.task.task)
                          for i, v in enumerate(olds)
                          if i not in real and i not in unsure
                          and not any(a.key == v.task.key for a in result.ambiguous)]
        result.plan = new.model_copy(update={"tasks": tasks})
        biggest = max(len(olds), len(news), 1)
        result.shared = round(len(real) / biggest, 3)
        return result


# --------------------------------------------------------------------------- after applying


class AmendmentRecord(Record):
    """One applied amendment, kept in the master (`_parc_xl`, key `amendments`): what
    later jobs need to honour it."""

    ref: str  # "Quyết định số 123/QĐ-UBND ngày 15/6/2026" or the file name
    file: str
    applied_at: dt.datetime
    effective: dt.date  # deadlines changed take effect for status from this day
    period: str  # the reporting period the effective day falls in
    old_fingerprint: str  # of the plan before: unit forms made from it are "old forms"
    new_fingerprint: str
    dropped: list[str] = Field(default_factory=list)  # task keys retired
    changed: list[str] = Field(default_factory=list)  # task keys whose plan cells changed
    # (key, unit) rows retired because the unit no longer leads the task
    retired_units: list[tuple[str, str]] = Field(default_factory=list)
    # key -> the deadline text in force before (for "done on time stays done on time")
    old_deadlines: dict[str, str] = Field(default_factory=dict)


def deadline_in_force(key: str, completed_on: dt.date | None,
                      amendments: list[AmendmentRecord]) -> str | None:
    """The deadline text a task completed on `completed_on` is judged by, when an
    amendment changed it *after* that day: the text in force then. None: the current one.

    A task done before an amendment moved its deadline keeps the verdict it had then
    (done on time stays done on time; one done late is not excused afterwards)."""
    if completed_on is None:
        return None
    for a in sorted(amendments, key=lambda a: a.effective):
        if key in a.old_deadlines and completed_on < a.effective:
            return a.old_deadlines[key]
    return None


class OldForm(Record):
    """A unit form made from the plan before one or more amendments."""

    amendments: list[AmendmentRecord]  # those applied since the form was made, oldest first
    dropped: set[str]
    changed: set[str]
    retired_units: set[tuple[str, str]]
    allowed: bool  # its period is not after the first of those amendments

    @property
    def refs(self) -> str:
        return "; ".join(a.ref for a in self.amendments)


def old_form(fingerprint: str, period: str, amendments: list[AmendmentRecord]) -> OldForm | None:
    """Whether a form with `fingerprint` (for `period`) was made from a plan some
    amendment replaced, and what changed since."""

    ordered = sorted(amendments, key=lambda a: a.applied_at)
    start = next((n for n, a in enumerate(ordered) if a.old_fingerprint == fingerprint), None)
    if start is None:
        return None
    since = ordered[start:]
    dropped: set[str] = set()
    changed: set[str] = set()
    retired: set[tuple[str, str]] = set()
    for a in since:
        dropped |= set(a.dropped)
        changed |= set(a.changed)
        retired |= {(k, u) for k, u in a.retired_units}
    allowed = period_rank(period) <= period_rank(since[0].period)
    return OldForm(amendments=since, dropped=dropped, changed=changed - dropped, retired_units=retired,
                   allowed=allowed)


__all__ = [
    "CONFIDENT", "FIELDS", "FIELD_LABELS", "MIN_SHARED", "TIE", "UNSURE", "Ambiguous", "AmendmentDiff",
    "AmendmentRecord", "OldForm", "Renumbered", "TaskChange", "TaskRef", "Uncertain", "deadline_in_force",
    "diff_plans", "fresh_key", "norm", "old_form", "similarity",
]


#: `_parc_xl` keys: the applied amendments (JSON list of `AmendmentRecord`) and the
#: retired `Theo dõi` rows (JSON list of [task key, unit code]).
META_AMENDMENTS = "amendments"
META_RETIRED = "retired_rows"


def amendments_of(meta: dict[str, str]) -> list[AmendmentRecord]:
    """The amendments recorded in a master's `_parc_xl` values (oldest first)."""
    try:
        raw = json.loads(meta.get(META_AMENDMENTS) or "[]")
        return [AmendmentRecord.model_validate(a) for a in raw]
    except ValueError:
        return []


def retired_of(meta: dict[str, str]) -> set[tuple[str, str]]:
    """(task key, unit) of the retired `Theo dõi` rows recorded in `_parc_xl`."""
    try:
        return {(str(k), str(u)) for k, u in json.loads(meta.get(META_RETIRED) or "[]")}
    except (ValueError, TypeError):
        return set()


# --------------------------------------------------------------------------- Theo dõi rows

#: The status shown on a retired `Theo dõi` row (a dropped task, or a unit that no longer
#: leads it): kept visible, greyed, out of every count.
RETIRED = "Đã bãi bỏ"


class TrackingPlan(Record):
    """What applying an amendment does to `Theo dõi`, row by row (sheet row numbers)."""

    keep: list[int] = Field(default_factory=list)  # active rows of matched tasks and units
    retire: list[int] = Field(default_factory=list)
    reactivate: list[int] = Field(default_factory=list)  # retired before, the unit leads again
    add: list[tuple[str, str]] = Field(default_factory=list)  # (task key, unit code) new rows


def tracking_plan(rows: list[tuple[int, str, str]], retired: set[tuple[str, str]],
                  diff: AmendmentDiff, units_of: dict[str, list[str]]) -> TrackingPlan:
    """`rows`: (sheet row, task key, unit) of `Theo dõi`; `units_of`: amended task key ->
    its lead units (groups expanded; [""] when none resolved, as `tracking_rows` does)."""
    out = TrackingPlan()
    planned = set(diff.matched) | {r.key for r in diff.removed}  # rows of other keys are not the plan's
    present: set[tuple[str, str]] = set()
    for row, key, unit in rows:
        present.add((key, unit))
        wanted = key in units_of and unit in units_of[key]
        was_retired = (key, unit) in retired
        if wanted and was_retired:
            out.reactivate.append(row)
        elif wanted:
            out.keep.append(row)
        elif not was_retired and key in planned:
            out.retire.append(row)
    for t in diff.plan.tasks:
        for unit in units_of.get(t.key, []):
            if (t.key, unit) not in present:
                out.add.append((t.key, unit))
                present.add((t.key, unit))
    return out
