"""Aggregating row statuses into the figures the dashboard, the JSON and the report share.

Pure. One `StatusSummary` is computed once per run and every output (status --json,
`Tổng hợp`, `Quá hạn`, the Word report) reads from it, so their counts cannot disagree.

Counting basis:
- `counts` and `by_area` count **tasks** (nhiệm vụ): the statuses of a task's lead units
  are rolled up (`status.rollup`);
- `by_unit` and `rows_counts` count **rows** (nhiệm vụ × đơn vị chủ trì).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import Field

from parc_xl.domain.models import Status
from parc_xl.domain.record import Record
from parc_xl.domain.status import (
    DONE_STATUSES,
    construct_unchecked,
    OFFICIAL_STATUSES,
    empty_counts,
    official_bucket,
    on_time_rate,
    rollup,
)

ACHIEVED = "Đạt"
NOT_ACHIEVED = "Không đạt"


class RowOutcome(Record):
    """One `Theo dõi` row after status: what is written back and aggregated."""

    row: int
    key: str
    stt: str = ""
    area: str = ""
    task: str = ""
    unit: str = ""
    unit_name: str = ""
    status: Status
    due: dt.date | None = None
    days_overdue: int | None = None
    target: str = ""  # the task's target(s), described ("≥ 95%")
    figure: float | None = None  # the reported figure as a percentage (0.995 → 99.5)
    target_result: str = ""  # "Đạt" | "Không đạt" | ""


class OverdueItem(Record):
    status: Status
    days_overdue: int | None
    unit: str
    unit_name: str
    key: str
    task: str
    due: dt.date | None
    email: str = ""


class TargetItem(Record):
    key: str
    stt: str
    task: str
    unit: str
    unit_name: str
    target: str
    figure: float | None
    result: str  # "Đạt" | "Không đạt" | "" (no figure / cannot judge)


class StatusSummary(Record):
    as_of: dt.date
    period: str  # "2024-Q1"
    period_label: str  # "Quý I/2024"
    due_soon_days: int
    total_tasks: int
    total_rows: int
    counts: dict[str, int]  # per task, all 7 statuses
    official: dict[str, int]  # per task, the 4 official states (refinements folded)
    rows_counts: dict[str, int]  # per row
    by_area: dict[str, dict[str, int]]  # per task
    by_unit: dict[str, dict[str, int]]  # per row
    unit_names: dict[str, str] = Field(default_factory=dict)
    on_time_rate: float | None  # on-time share of finished tasks
    completion_rate: float | None  # finished tasks / all tasks
    targets: dict[str, int] = Field(default_factory=dict)  # tasks: with_targets, achieved, …
    target_items: list[TargetItem] = Field(default_factory=list)
    unparseable_targets: list[dict[str, str]] = Field(default_factory=list)
    overdue: list[OverdueItem] = Field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(self.counts[s.value] for s in DONE_STATUSES)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def summarize(
    rows: list[RowOutcome],
    *,
    as_of: dt.date,
    period: str,
    period_label: str,
    due_soon_days: int,
    emails: dict[str, str],
    area_order: list[str] | None = None,
    unit_order: list[str] | None = None,
    unparseable_targets: list[dict[str, str]] | None = None,
) -> StatusSummary:
    """The summary of a status run: per task (rolled up over its units), per area, per
    unit (rows), the overdue and due-soon rows, the rows with a target."""
    by_task: dict[str, list[RowOutcome]] = defaultdict(list)
    for r in rows:
        by_task[r.key].append(r)
    counts, official, by_area, targets = _task_counts(by_task, area_order)
    rows_counts, by_unit, names = _row_counts(rows, unit_order)
    done = sum(counts[s.value] for s in DONE_STATUSES)
    return StatusSummary(
        as_of=as_of, period=period, period_label=period_label, due_soon_days=due_soon_days,
        total_tasks=len(by_task), total_rows=len(rows), counts=counts, official=official,
        rows_counts=rows_counts, by_area=by_area, by_unit=by_unit, unit_names=names,
        on_time_rate=on_time_rate(counts), completion_rate=_rate(done, len(by_task)),
        targets=targets, target_items=_target_items(rows),
        unparseable_targets=unparseable_targets or [], overdue=_overdue_items(rows, emails),
    )


def _task_counts(by_task: dict[str, list[RowOutcome]], area_order: list[str] | None
                 ) -> tuple[dict[str, int], dict[str, int], dict[str, dict[str, int]], dict[str, int]]:
    """Per task, its units' statuses rolled up: counts by status and by official bucket,
    by area (areas without a task left out), and how its target went."""
    counts = empty_counts()
    official = {s.value: 0 for s in OFFICIAL_STATUSES}
    by_area: dict[str, dict[str, int]] = {a: empty_counts() for a in (area_order or [])}
    targets = {"with_targets": 0, "achieved": 0, "not_achieved": 0, "not_judged": 0}
    for items in by_task.values():
        status = rollup(r.status for r in items)
        assert status is not None
        counts[status.value] += 1
        official[official_bucket(status).value] += 1
        area = items[0].area
        if area not in by_area:
            by_area[area] = empty_counts()
        by_area[area][status.value] += 1
        if items[0].target:
            targets["with_targets"] += 1
            results = [r.target_result for r in items]
            if NOT_ACHIEVED in results:
                targets["not_achieved"] += 1
            elif results and all(x == ACHIEVED for x in results):
                targets["achieved"] += 1
            else:
                targets["not_judged"] += 1
    by_area = {a: c for a, c in by_area.items() if sum(c.values())}
    return counts, official, by_area, targets


def _row_counts(rows: list[RowOutcome], unit_order: list[str] | None
                ) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, str]]:
    """Rows by status, overall and per unit (units without a row left out), and unit names."""
    # 200,000 rows: count (unit, status) pairs first, then fold them into the
    # per-status dicts, instead of building a dict and reading Enum.value per row.
    pairs: dict[tuple[str, Status], int] = defaultdict(int)
    names: dict[str, str] = {}
    for r in rows:
        pairs[(r.unit, r.status)] += 1
        if r.unit not in names:
            names[r.unit] = r.unit_name
    rows_counts = empty_counts()
    by_unit: dict[str, dict[str, int]] = {u: empty_counts() for u in (unit_order or [])}
    for (unit, status_), n in pairs.items():
        rows_counts[status_.value] += n
        if unit not in by_unit:
            by_unit[unit] = empty_counts()
        by_unit[unit][status_.value] += n
    by_unit = {u: c for u, c in by_unit.items() if sum(c.values())}
    return rows_counts, by_unit, names


def _overdue_items(rows: list[RowOutcome], emails: dict[str, str]) -> list[OverdueItem]:
    """Overdue rows, most overdue first; then due-soon rows, soonest due first."""
    # Built for up to every row of a 200,000-row master from typed RowOutcome fields:
    # constructed without re-validation.
    overdue = [
        construct_unchecked(OverdueItem, {
            "status": r.status, "days_overdue": r.days_overdue, "unit": r.unit,
            "unit_name": r.unit_name, "key": r.key, "task": r.task, "due": r.due,
            "email": emails.get(r.unit, "")})
        for r in rows
        if r.status is Status.OVERDUE or r.status is Status.DUE_SOON
    ]
    overdue.sort(key=lambda o: (o.status is not Status.OVERDUE, -(o.days_overdue or 0),
                                o.due or dt.date.max, o.unit, o.key))
    return overdue


def _target_items(rows: list[RowOutcome]) -> list[TargetItem]:
    return [
        construct_unchecked(TargetItem, {
            "key": r.key, "stt": r.stt, "task": r.task, "unit": r.unit, "unit_name": r.unit_name,
            "target": r.target, "figure": r.figure, "result": r.target_result})
        for r in rows
        if r.target
    ]


def percent_vi(value: float | None, digits: int = 1) -> str:
    """0.449 → "44,9%" (Vietnamese decimal comma); None → "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%".replace(".", ",")
