"""Status of a task × unit as of a date, and its roll-up per task.

Pure logic: no I/O. The names are the `Status` enum's (PRODUCT.md "Status and colours").
The four official states come from the Government Office's task-tracking reports
(QĐ 42/2014/QĐ-TTg); the three refinements never change the official totals
(`official_bucket`).

Rules (each pinned by tests/domain/test_status.py):

1. Done (Tiến độ "Đã hoàn thành"): compared with the final due date. Completed on the
   due date is on time; one day later is late. Days overdue of a late completion are
   the working days after the due date up to the completion date. A done row without a
   completion date is dated by the day its report was received ("Cập nhật lúc"); with
   neither it is taken as on time (the unit said it is done; we do not invent lateness).
2. Not done and past the due date (as_of > due): "Quá hạn chưa hoàn thành", whether or
   not the unit has reported. A clerk chasing units wants an overdue task to show as
   overdue even when the unit sent nothing; "Chưa báo cáo" is for rows that are not
   yet late. Days overdue = working days in (due, as_of].
3. Not done, due within `due_soon_days` working days (working days in (as_of, due],
   so a task due today counts 0 and is due soon): "Sắp đến hạn" — also when unreported.
4. Not done, not reported (Tiến độ empty), not late, not due soon: "Chưa báo cáo".
5. Not done, no date (event, continuous, unspecified deadline): "Không có hạn cụ thể".
6. Otherwise "Đang thực hiện trong hạn". "Đề nghị điều chỉnh" counts as not done.

Recurring tasks are judged per period instance: the row carries the period of the
report its progress came from; when that is not the period being judged, the progress
belongs to another instance and the row counts as not reported for this instance (a
Q1 "done" does not make the Q2 instance done). The instance's due date is given by the
caller (`deadlines.instance_due(deadline, period)`): the cycle's own day and months when
the cell names them ("trước ngày 18 của tháng cuối mỗi quý" → 17/3 for quý I, "tháng 5
và tháng 11 hằng năm" → 31/5 for 6 tháng), else the end of the cycle's period.

Milestones ("Ban hành kế hoạch: Quý I. Thực hiện: trong năm"): the step the progress
has reached decides which milestone is judged —
not started / not reported → the first milestone's date (the first step is what is
late); in progress (or adjustment requested) → the last milestone (= the final due);
done → the completion date against the final due date.

Roll-up of a task with several lead units (`rollup`): any row overdue → overdue; all
rows done → done late if any row was late, else on time; otherwise the most urgent
not-done state in the order Sắp đến hạn, Đang thực hiện trong hạn, Không có hạn cụ thể,
Chưa báo cáo — except that a task some of whose units are done and the rest have not
reported is "Đang thực hiện trong hạn" (work has started).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from parc_xl.domain.models import Deadline, DeadlineKind, Progress, Status
from parc_xl.domain.record import Record


class Calendar(Protocol):
    """What status needs from `domain.calendar.WorkCalendar`."""

    def is_working_day(self, d: dt.date) -> bool: ...


class StatusOutcome(Record):
    status: Status
    due: dt.date | None = None  # the date judged (instance / milestone / final)
    days_overdue: int | None = None  # working days; None when not late


# Official totals fold the refinements into the four official states (PRODUCT.md).
OFFICIAL_STATUSES: tuple[Status, ...] = (
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.IN_PROGRESS_ON_TIME,
    Status.OVERDUE,
)
_OFFICIAL_BUCKET: dict[Status, Status] = {
    Status.DONE_ON_TIME: Status.DONE_ON_TIME,
    Status.DONE_LATE: Status.DONE_LATE,
    Status.IN_PROGRESS_ON_TIME: Status.IN_PROGRESS_ON_TIME,
    Status.OVERDUE: Status.OVERDUE,
    Status.DUE_SOON: Status.IN_PROGRESS_ON_TIME,
    Status.NO_FIXED_DEADLINE: Status.IN_PROGRESS_ON_TIME,
    Status.NOT_REPORTED: Status.IN_PROGRESS_ON_TIME,
}
DONE_STATUSES = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE})

_M = TypeVar("_M", bound=BaseModel)


def official_bucket(status: Status) -> Status:
    """The official (QĐ 42/2014) state a status is counted under."""
    return _OFFICIAL_BUCKET[status]


def construct_unchecked(cls: type[_M], values: dict[str, Any]) -> _M:
    """An instance of pydantic model `cls` from `values`, which must hold every field
    already typed (no defaults filled, no validation). A master has 200,000 rows and
    `model_construct` costs ≈8 µs per call (it walks the fields); this costs ≈1 µs.
    Only for models without private attributes or extras."""
    obj = cls.__new__(cls)
    _set = object.__setattr__
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


# Tiến độ holds one of a handful of values in 200,000 rows: fold each distinct text once.
_PROGRESS_CACHE: dict[str, Progress | None] = {}


def parse_progress(value: object) -> Progress | None:
    """A Tiến độ cell → Progress; empty → None. Tolerates case and missing diacritics."""
    if type(value) is str:
        try:
            return _PROGRESS_CACHE[value]
        except KeyError:
            result = _parse_progress(value)
            if len(_PROGRESS_CACHE) < 10_000:
                _PROGRESS_CACHE[value] = result
            return result
    return _parse_progress(value)


def _parse_progress(value: object) -> Progress | None:
    from parc_xl.domain.text import ascii_fold, clean

    text = clean(value)
    if not text:
        return None
    folded = ascii_fold(text).lower()
    for p in Progress:
        if ascii_fold(p.value).lower() == folded:
            return p
    if "hoan thanh" in folded and "chua" not in folded:
        return Progress.DONE
    if "chua" in folded:
        return Progress.NOT_STARTED
    return Progress.IN_PROGRESS  # something was reported: treat as work under way


class _WorkdayIndex:
    """Cumulative working-day counts so that 200,000 rows cost one pass per year."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.start: dt.date | None = None
        self.cum: list[int] = []  # cum[i] = working days in [start, start + i]

    def _ensure(self, a: dt.date, b: dt.date) -> None:
        lo, hi = min(a, b), max(a, b)
        if self.start is not None and lo >= self.start and hi < self.start + dt.timedelta(len(self.cum)):
            return
        start = dt.date(lo.year - 1, 1, 1) if self.start is None else min(self.start, dt.date(lo.year - 1, 1, 1))
        end = dt.date(hi.year + 1, 12, 31)
        if self.start is not None:
            end = max(end, self.start + dt.timedelta(len(self.cum) - 1))
        cum: list[int] = []
        n = 0
        d = start
        while d <= end:
            n += 1 if self.calendar.is_working_day(d) else 0
            cum.append(n)
            d += dt.timedelta(1)
        self.start, self.cum = start, cum

    def after_upto(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b (0 when b <= a)."""
        if b <= a:
            return 0
        self._ensure(a, b)
        assert self.start is not None
        return self.cum[(b - self.start).days] - self.cum[(a - self.start).days]


_INDEXES: dict[int, _WorkdayIndex] = {}


def working_days_after(calendar: Calendar, a: dt.date, b: dt.date) -> int:
    """Working days in (a, b]: the days overdue when due on `a` and judged on `b`."""
    index = _INDEXES.get(id(calendar))
    if index is None or index.calendar is not calendar:
        index = _INDEXES[id(calendar)] = _WorkdayIndex(calendar)
    return index.after_upto(a, b)


def _outcome(status: Status, due: dt.date | None = None, days_overdue: int | None = None) -> StatusOutcome:
    # Built once per row (200,000 rows): skip re-validating values typed above.
    return construct_unchecked(StatusOutcome, {"status": status, "due": due, "days_overdue": days_overdue})


def _judged_due(deadline: Deadline | None, progress: Progress | None, instance_due: dt.date | None) -> dt.date | None:
    if deadline is None:
        return None
    if deadline.kind in (DeadlineKind.EVENT, DeadlineKind.CONTINUOUS, DeadlineKind.UNSPECIFIED):
        # An event with a stated limit may still carry a date (e.g. parsed relative limit).
        return deadline.due if deadline.kind is DeadlineKind.EVENT and deadline.due else None
    if deadline.kind is DeadlineKind.RECURRING:
        return instance_due if instance_due is not None else deadline.due
    milestones = sorted(deadline.milestones, key=lambda m: m.due)
    final = deadline.due or (milestones[-1].due if milestones else None)
    if len(milestones) >= 2 and progress in (None, Progress.NOT_STARTED):
        return milestones[0].due
    return final


def compute_status(
    *,
    progress: object,
    completed_on: dt.date | None,
    received_on: dt.date | None = None,
    row_period: str | None = None,
    deadline: Deadline | None,
    period: str | None = None,
    instance_due: dt.date | None = None,
    as_of: dt.date,
    calendar: Calendar,
    due_soon_days: int = 10,
) -> StatusOutcome:
    """Status of one Theo dõi row (one task × one lead unit) as of `as_of`.

    `progress` is the Tiến độ cell (text or Progress); `row_period` the period of the
    report it came from; `period` the period being judged (for recurring tasks) and
    `instance_due` that period instance's due date.
    """
    prog = progress if isinstance(progress, Progress) or progress is None else parse_progress(progress)
    if (
        deadline is not None
        and deadline.kind is DeadlineKind.RECURRING
        and period
        and row_period
        and row_period != period
    ):
        prog, completed_on = None, None  # the report was about another instance
    due = _judged_due(deadline, prog, instance_due)

    if prog is Progress.DONE:
        if due is None:
            return _outcome(status=Status.DONE_ON_TIME)
        finished = completed_on or received_on
        if finished is None or finished <= due:
            return _outcome(status=Status.DONE_ON_TIME, due=due)
        late = working_days_after(calendar, due, finished)
        # Finished on a later calendar day that was a holiday: still late, at least 1 day.
        return _outcome(status=Status.DONE_LATE, due=due, days_overdue=max(late, 1))

    if due is None:
        status = Status.NOT_REPORTED if prog is None else Status.NO_FIXED_DEADLINE
        return _outcome(status=status)
    if as_of > due:
        days = working_days_after(calendar, due, as_of)
        return _outcome(status=Status.OVERDUE, due=due, days_overdue=max(days, 1))
    if working_days_after(calendar, as_of, due) <= due_soon_days:
        return _outcome(status=Status.DUE_SOON, due=due)
    if prog is None:
        return _outcome(status=Status.NOT_REPORTED, due=due)
    return _outcome(status=Status.IN_PROGRESS_ON_TIME, due=due)


_NOT_DONE_ORDER: tuple[Status, ...] = (
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.IN_PROGRESS_ON_TIME,
    Status.NO_FIXED_DEADLINE,
    Status.NOT_REPORTED,
)


def rollup(statuses: Iterable[Status]) -> Status | None:
    """One status for a task from its lead units' statuses (rules in the module doc)."""
    items = list(statuses)
    if not items:
        return None
    present = set(items)
    if Status.OVERDUE in present:
        return Status.OVERDUE
    if present <= DONE_STATUSES:
        return Status.DONE_LATE if Status.DONE_LATE in present else Status.DONE_ON_TIME
    for status in _NOT_DONE_ORDER:
        if status in present:
            if status is Status.NOT_REPORTED and present & DONE_STATUSES:
                return Status.IN_PROGRESS_ON_TIME
            return status
    return None  # unreachable: every Status is in one of the sets above


def empty_counts() -> dict[str, int]:
    """{status name: 0} for all seven statuses, in enum order (the JSON contract)."""
    return {s.value: 0 for s in Status}


def on_time_rate(counts: dict[str, int]) -> float | None:
    """Share of finished tasks that finished on time (None when nothing finished)."""
    done = counts.get(Status.DONE_ON_TIME.value, 0) + counts.get(Status.DONE_LATE.value, 0)
    return None if done == 0 else counts.get(Status.DONE_ON_TIME.value, 0) / done


__all__ = [
    "DONE_STATUSES",
    "OFFICIAL_STATUSES",
    "StatusOutcome",
    "compute_status",
    "construct_unchecked",
    "empty_counts",
    "official_bucket",
    "on_time_rate",
    "parse_progress",
    "rollup",
    "working_days_after",
]
