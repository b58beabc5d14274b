"""Status of a task × unit: the issue's scenario table with fixed dates, and roll-up."""

from __future__ import annotations

import datetime as dt

import pytest

from parc_xl.domain.models import Deadline, DeadlineKind, Milestone, Recurrence, Status
from parc_xl.domain.status import (
    StatusOutcome,
    compute_status,
    empty_counts,
    official_bucket,
    rollup,
    working_days_after,
)

D = dt.date


class FixedCalendar:
    """Weekends plus a fixed list of 2024 days off (Tết Giáp Thìn 8–14/02/2024, per the
    Government's announcement; New Year; 30/4–1/5; 2–3/9). Independent of
    `domain.calendar` so that these tests pin status logic alone."""

    OFF = {D(2024, 1, 1), *(D(2024, 2, d) for d in range(8, 15)), D(2024, 4, 18),
           D(2024, 4, 30), D(2024, 5, 1), D(2024, 9, 2), D(2024, 9, 3)}

    def is_working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5 and d not in self.OFF


CAL = FixedCalendar()
AS_OF = D(2024, 2, 2)  # Friday before Tết


def on(due: dt.date) -> Deadline:
    return Deadline(kind=DeadlineKind.DATE, due=due)


EVENT = Deadline(kind=DeadlineKind.EVENT)
QUARTERLY = Deadline(kind=DeadlineKind.RECURRING, recurrence=Recurrence.QUARTERLY, first_due=D(2024, 3, 31), due=D(2024, 12, 31))
MILESTONES = Deadline(
    kind=DeadlineKind.DATE,
    due=D(2024, 12, 31),
    milestones=[Milestone(label="Ban hành kế hoạch", due=D(2024, 1, 31)), Milestone(label="Thực hiện", due=D(2024, 12, 31))],
)

# name, progress, completed_on, deadline, row period, judged period, instance due, as_of → status, due, days
SCENARIO = [
    ("due today, in progress", "Đang thực hiện", None, on(AS_OF), None, None, None, AS_OF, Status.DUE_SOON, AS_OF, None),
    ("due yesterday, in progress", "Đang thực hiện", None, on(D(2024, 2, 1)), None, None, None, AS_OF, Status.OVERDUE, D(2024, 2, 1), 1),
    ("completed on the due date", "Đã hoàn thành", D(2024, 1, 31), on(D(2024, 1, 31)), None, None, None, AS_OF, Status.DONE_ON_TIME, D(2024, 1, 31), None),
    ("completed a day late", "Đã hoàn thành", D(2024, 2, 1), on(D(2024, 1, 31)), None, None, None, AS_OF, Status.DONE_LATE, D(2024, 1, 31), 1),
    ("completed after Tết: 1 working day late", "Đã hoàn thành", D(2024, 2, 15), on(D(2024, 2, 7)), None, None, None, D(2024, 2, 20), Status.DONE_LATE, D(2024, 2, 7), 1),
    # 5,6,7 Feb + (Tết 8–14 off) + 15,16,19,20,21,22,23 Feb = 10 working days
    ("due in 10 working days across Tết", "Đang thực hiện", None, on(D(2024, 2, 23)), None, None, None, AS_OF, Status.DUE_SOON, D(2024, 2, 23), None),
    ("due in 11 working days across Tết", "Đang thực hiện", None, on(D(2024, 2, 26)), None, None, None, AS_OF, Status.IN_PROGRESS_ON_TIME, D(2024, 2, 26), None),
    ("event task with no date, in progress", "Đang thực hiện", None, EVENT, None, None, None, AS_OF, Status.NO_FIXED_DEADLINE, None, None),
    ("event task with no date, done", "Đã hoàn thành", D(2024, 1, 20), EVENT, None, None, None, AS_OF, Status.DONE_ON_TIME, None, None),
    ("event task, unit sent nothing", None, None, EVENT, None, None, None, AS_OF, Status.NOT_REPORTED, None, None),
    ("unit sent nothing, not yet due", None, None, on(D(2024, 3, 31)), None, None, None, AS_OF, Status.NOT_REPORTED, D(2024, 3, 31), None),
    # 16–19 Jan (4) + 22–26 (5) + 29 Jan–2 Feb (5) = 14 working days
    ("unit sent nothing, past due: overdue", "", None, on(D(2024, 1, 15)), None, None, None, AS_OF, Status.OVERDUE, D(2024, 1, 15), 14),
    ("adjustment requested counts as not done", "Đề nghị điều chỉnh", None, on(D(2024, 1, 31)), None, None, None, AS_OF, Status.OVERDUE, D(2024, 1, 31), 2),
    ("recurring, Q1 instance done", "Đã hoàn thành", D(2024, 3, 10), QUARTERLY, "2024-Q1", "2024-Q1", D(2024, 3, 31), D(2024, 3, 20), Status.DONE_ON_TIME, D(2024, 3, 31), None),
    ("recurring, done for Q1 but not Q2", "Đã hoàn thành", D(2024, 3, 10), QUARTERLY, "2024-Q1", "2024-H1", D(2024, 6, 30), D(2024, 4, 10), Status.NOT_REPORTED, D(2024, 6, 30), None),
    ("recurring, Q2 instance past due", "Đã hoàn thành", D(2024, 3, 10), QUARTERLY, "2024-Q1", "2024-H1", D(2024, 6, 30), D(2024, 7, 2), Status.OVERDUE, D(2024, 6, 30), 2),
    ("recurring, Q2 reported in progress", "Đang thực hiện", None, QUARTERLY, "2024-H1", "2024-H1", D(2024, 6, 30), D(2024, 4, 10), Status.IN_PROGRESS_ON_TIME, D(2024, 6, 30), None),
    ("milestones, not started: first milestone judged", "Chưa triển khai", None, MILESTONES, None, None, None, AS_OF, Status.OVERDUE, D(2024, 1, 31), 2),
    ("milestones, in progress: last milestone judged", "Đang thực hiện", None, MILESTONES, None, None, None, AS_OF, Status.IN_PROGRESS_ON_TIME, D(2024, 12, 31), None),
    ("milestones, done: final due judged", "Đã hoàn thành", D(2024, 6, 1), MILESTONES, None, None, None, AS_OF, Status.DONE_ON_TIME, D(2024, 12, 31), None),
    ("progress typed without diacritics", "da hoan thanh", D(2024, 1, 2), on(D(2024, 1, 31)), None, None, None, AS_OF, Status.DONE_ON_TIME, D(2024, 1, 31), None),
]


@pytest.mark.parametrize(
    ("progress", "completed", "deadline", "row_period", "period", "instance_due", "as_of", "status", "due", "days"),
    [row[1:] for row in SCENARIO],
    ids=[row[0] for row in SCENARIO],
)
def test_scenario(progress, completed, deadline, row_period, period, instance_due, as_of, status, due, days) -> None:
    got = compute_status(
        progress=progress, completed_on=completed, row_period=row_period, deadline=deadline,
        period=period, instance_due=instance_due, as_of=as_of, calendar=CAL,
    )
    assert got == StatusOutcome(status=status, due=due, days_overdue=days)


def test_done_without_completion_date_uses_the_day_the_report_came_in() -> None:
    got = compute_status(progress="Đã hoàn thành", completed_on=None, received_on=D(2024, 2, 1),
                         deadline=on(D(2024, 1, 31)), as_of=AS_OF, calendar=CAL)
    assert got.status is Status.DONE_LATE and got.days_overdue == 1


def test_due_soon_threshold_is_configurable() -> None:
    args = dict(progress="Đang thực hiện", completed_on=None, deadline=on(D(2024, 2, 23)), as_of=AS_OF, calendar=CAL)
    assert compute_status(**args, due_soon_days=9).status is Status.IN_PROGRESS_ON_TIME
    assert compute_status(**args, due_soon_days=10).status is Status.DUE_SOON


def test_working_days_after_skips_tet() -> None:
    assert working_days_after(CAL, D(2024, 2, 7), D(2024, 2, 15)) == 1
    assert working_days_after(CAL, D(2024, 2, 2), D(2024, 2, 2)) == 0


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.DONE_ON_TIME, Status.DONE_ON_TIME], Status.DONE_ON_TIME),
        ([Status.DONE_ON_TIME, Status.DONE_LATE], Status.DONE_LATE),
        ([Status.DONE_ON_TIME, Status.OVERDUE, Status.DUE_SOON], Status.OVERDUE),
        ([Status.DONE_ON_TIME, Status.IN_PROGRESS_ON_TIME], Status.IN_PROGRESS_ON_TIME),
        ([Status.IN_PROGRESS_ON_TIME, Status.DUE_SOON], Status.DUE_SOON),
        ([Status.NOT_REPORTED, Status.NOT_REPORTED], Status.NOT_REPORTED),
        ([Status.DONE_ON_TIME, Status.NOT_REPORTED], Status.IN_PROGRESS_ON_TIME),
        ([Status.NO_FIXED_DEADLINE, Status.NOT_REPORTED], Status.NO_FIXED_DEADLINE),
        ([], None),
    ],
)
def test_rollup(statuses: list[Status], expected: Status | None) -> None:
    assert rollup(statuses) == expected


def test_official_buckets_keep_the_four_official_states() -> None:
    assert official_bucket(Status.DUE_SOON) is Status.IN_PROGRESS_ON_TIME
    assert official_bucket(Status.NOT_REPORTED) is Status.IN_PROGRESS_ON_TIME
    assert official_bucket(Status.OVERDUE) is Status.OVERDUE
    assert list(empty_counts()) == [s.value for s in Status]
