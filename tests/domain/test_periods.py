"""Reporting periods: labels and data cut-offs per Nghị định 09/2019/NĐ-CP, Điều 12."""

from __future__ import annotations

import datetime as dt

import pytest

from parc_xl.domain.periods import Period, PeriodSchedule, all_periods

D = dt.date


@pytest.mark.parametrize(
    ("code", "label", "end", "cutoff_start", "cutoff_end"),
    [
        ("2024-Q1", "Quý I/2024", D(2024, 3, 31), D(2023, 12, 15), D(2024, 3, 14)),
        ("2024-H1", "6 tháng/2024", D(2024, 6, 30), D(2023, 12, 15), D(2024, 6, 14)),
        ("2024-Q3", "9 tháng/2024", D(2024, 9, 30), D(2023, 12, 15), D(2024, 9, 14)),
        ("2024-Y", "Năm 2024", D(2024, 12, 31), D(2023, 12, 15), D(2024, 12, 14)),
    ],
)
def test_labels_and_cutoffs(code: str, label: str, end: dt.date, cutoff_start: dt.date, cutoff_end: dt.date) -> None:
    p = Period.parse(code)
    assert p.code == code and p.year == 2024
    assert p.label_vi == label
    assert p.start == D(2024, 1, 1)  # reports are cumulative from 1/1
    assert p.end == end
    assert p.cutoff_start == cutoff_start
    assert p.cutoff_end == cutoff_end
    assert p.default_submission_deadline > cutoff_end  # a working day after: never the cut-off itself


@pytest.mark.parametrize("text", ["2024-q1", " 2024 - Q1 ", "2024 Q1", "2024Q1", "2024_q1"])
def test_parse_is_tolerant(text: str) -> None:
    assert Period.parse(text).code == "2024-Q1"


@pytest.mark.parametrize("text", ["", "2024", "2024-Q2", "2024-Q5", "Q1-2024", "24-Q1", "1999-Y"])
def test_bad_codes_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(ValueError, match="Kỳ báo cáo «.*» không hợp lệ"):
        Period.parse(text)


def test_all_periods() -> None:
    assert [p.code for p in all_periods(2025)] == ["2025-Q1", "2025-H1", "2025-Q3", "2025-Y"]
    assert all_periods(2025)[0].cutoff_start == D(2024, 12, 15)


@pytest.mark.parametrize(
    ("code", "deadline"),
    [
        ("2026-Q1", D(2026, 3, 16)),  # 14/3/2026 is a Saturday: Monday 16/3
        ("2024-Q1", D(2024, 3, 15)),  # Thursday 14/3 → Friday 15/3
        ("2024-H1", D(2024, 6, 17)),  # Friday 14/6 → Monday 17/6
        ("2025-Q3", D(2025, 9, 15)),  # Sunday 14/9 → Monday 15/9
    ],
)
def test_default_submission_deadline_is_the_first_working_day_after_the_cutoff(code: str, deadline: dt.date) -> None:
    assert Period.parse(code).default_submission_deadline == deadline
    assert PeriodSchedule().submission_deadline(code) == deadline


def test_default_submission_deadline_skips_public_holidays() -> None:
    from parc_xl.domain.calendar import WorkCalendar

    cal = WorkCalendar()
    for p in [Period.parse(f"{y}-{k}") for y in range(2024, 2031) for k in ("Q1", "H1", "Q3", "Y")]:
        d = p.default_submission_deadline
        assert cal.is_working_day(d) and cal.working_days_between(p.cutoff_end, d) == 1, p.code


def test_schedule_defaults_and_office_override() -> None:
    schedule = PeriodSchedule()
    assert schedule.submission_deadline("2024-Q1") == D(2024, 3, 15)
    # seed 000: units report before 1/3 (so by 29/2/2024)
    office = schedule.with_deadline("2024-Q1", D(2024, 2, 29))
    assert office.submission_deadline(Period.parse("2024-Q1")) == D(2024, 2, 29)
    assert office.submission_deadline("2024-H1") == D(2024, 6, 17)
    assert schedule.submission_deadline("2024-Q1") == D(2024, 3, 15)  # original unchanged
