"""Reading the master's `Lịch làm việc` and `Kỳ báo cáo` sheets from a real workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from parc_xl.errors import InputError
from parc_xl.io.calendar_sheets import period_rows, read_calendar_sheets, to_date
from parc_xl.io.master_layout import CALENDAR_COLUMNS, PERIOD_COLUMNS, SHEET_CALENDAR, SHEET_PERIODS
from parc_xl.domain.periods import PeriodSchedule

D = dt.date


def _book(path: Path, calendar: list[list] | None, periods: list[list] | None,
          calendar_headers: list[str] | None = None) -> Path:
    wb = Workbook()
    wb.active.title = "Khác"
    if calendar is not None:
        ws = wb.create_sheet(SHEET_CALENDAR)
        ws.append(calendar_headers or [c.header for c in CALENDAR_COLUMNS])
        for row in calendar:
            ws.append(row)
    if periods is not None:
        ws = wb.create_sheet(SHEET_PERIODS)
        ws.append([c.header for c in PERIOD_COLUMNS])
        for row in periods:
            ws.append(row)
    wb.save(path)
    return path


def test_reads_office_days_and_deadlines(tmp_path: Path) -> None:
    calendar_rows = [
        [dt.datetime(2024, 3, 18), "Nghỉ", "Ngày hội của địa phương"],  # a real date
        ["23/03/2024", "Làm việc", "Làm bù"],  # day-first text
        [45376, "nghi", ""],  # Excel serial 45376 = 25/3/2024, kind without diacritics
        [None, None, None],  # blank row is fine
    ]
    rows = period_rows(2024, PeriodSchedule())
    rows[0][4] = dt.datetime(2024, 2, 29)  # office: quý I before 1/3
    rows[1][4] = "ngày 31 tháng 5 năm 2024"
    rows[2][4] = None  # empty → default (14/9)
    path = _book(tmp_path / "master.xlsx", calendar_rows, rows)

    calendar, schedule, problems = read_calendar_sheets(path, 2024)

    assert problems == []
    assert not calendar.is_working_day(D(2024, 3, 18))
    assert calendar.is_working_day(D(2024, 3, 23))  # a Saturday, worked
    assert not calendar.is_working_day(D(2024, 3, 25))
    assert calendar.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 19)
    assert schedule.submission_deadline("2024-Q1") == D(2024, 2, 29)
    assert schedule.submission_deadline("2024-H1") == D(2024, 5, 31)
    assert schedule.submission_deadline("2024-Q3") == D(2024, 9, 16)
    assert schedule.submission_deadline("2024-Y") == D(2024, 12, 16)


def test_missing_sheets_mean_defaults(tmp_path: Path) -> None:
    path = _book(tmp_path / "bare.xlsx", None, None)
    calendar, schedule, problems = read_calendar_sheets(path, 2024)
    assert problems == []
    assert calendar.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 18)
    assert schedule.submission_deadline("2024-Q1") == D(2024, 3, 15)


def test_bad_cells_become_problems_with_their_cell(tmp_path: Path) -> None:
    calendar_rows = [
        ["3/15/2024", "Nghỉ", ""],  # month first: not a date
        [D(2024, 3, 19), "Nghỉ phép", ""],  # unknown kind
        [D(2024, 3, 20), "Nghỉ", ""],
        [D(2024, 3, 20), "Làm việc", ""],  # contradicts the row above
    ]
    period_rows_ = [
        ["2024-Q2", "", "", "", D(2024, 6, 1)],
        ["2024-H1", "6 tháng/2024", "", "", "trước 1/6"],
        ["2023-Y", "Năm 2023", "", "", D(2023, 12, 1)],
    ]
    path = _book(tmp_path / "bad.xlsx", calendar_rows, period_rows_)
    calendar, schedule, problems = read_calendar_sheets(path, 2024)
    assert [(p.sheet, p.cell, p.code, p.severity.value) for p in problems] == [
        (SHEET_CALENDAR, "A2", "calendar-bad-date", "error"),
        (SHEET_CALENDAR, "B3", "calendar-bad-kind", "error"),
        (SHEET_CALENDAR, "A5", "calendar-conflict", "error"),
        (SHEET_PERIODS, "A2", "period-bad-code", "error"),
        (SHEET_PERIODS, "E3", "period-bad-date", "error"),
        (SHEET_PERIODS, "A4", "period-other-year", "warning"),
    ]
    assert problems[0].message == "«3/15/2024» không phải ngày; ghi ngày trước, ví dụ 15/03/2024"
    assert "Loại «Nghỉ phép» không hợp lệ" in problems[1].message
    assert str(problems[4]).startswith("Lỗi (Hạn nộp không phải ngày) Kỳ báo cáo!E3: Hạn nộp «trước 1/6» của kỳ 6 tháng/2024")
    # good rows still count; bad ones are skipped
    assert not calendar.is_working_day(D(2024, 3, 20))
    assert calendar.is_working_day(D(2024, 3, 19))
    assert schedule.submission_deadline("2024-H1") == D(2024, 6, 17)
    assert schedule.submission_deadline("2023-Y") == D(2023, 12, 1)


def test_headers_are_matched_by_text_in_any_order(tmp_path: Path) -> None:
    headers = ["Ghi chú", "loại", "NGÀY"]
    path = _book(tmp_path / "order.xlsx", [["", "Nghỉ", D(2024, 3, 18)]], None, calendar_headers=headers)
    calendar, _, problems = read_calendar_sheets(path)
    assert problems == []
    assert not calendar.is_working_day(D(2024, 3, 18))


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = _book(tmp_path / "nocol.xlsx", [[D(2024, 3, 18), "Nghỉ"]], None, calendar_headers=["Ngày", "Kiểu"])
    _, _, problems = read_calendar_sheets(path)
    assert [(p.code, p.cell) for p in problems] == [("sheet-missing-column", "A1")]
    assert "«Loại»" in problems[0].message


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(InputError, match="Không đọc được tệp x.xlsx"):
        read_calendar_sheets(path)


def test_period_rows() -> None:
    rows = period_rows(2024, PeriodSchedule(deadlines={"2024-Q1": D(2024, 2, 29)}))
    assert [c.id for c in PERIOD_COLUMNS] == ["period", "label", "cutoff_start", "cutoff_end", "submission_deadline"]
    assert rows == [
        ["2024-Q1", "Quý I/2024", D(2023, 12, 15), D(2024, 3, 14), D(2024, 2, 29)],
        ["2024-H1", "6 tháng/2024", D(2023, 12, 15), D(2024, 6, 14), D(2024, 6, 17)],
        ["2024-Q3", "9 tháng/2024", D(2023, 12, 15), D(2024, 9, 14), D(2024, 9, 16)],
        ["2024-Y", "Năm 2024", D(2023, 12, 15), D(2024, 12, 14), D(2024, 12, 16)],
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15/3/2024", D(2024, 3, 15)),
        ("15.03.2024", D(2024, 3, 15)),
        ("ngày 15 tháng 3 năm 2024", D(2024, 3, 15)),
        ("2024-03-15", D(2024, 3, 15)),
        (45366, D(2024, 3, 15)),
        (dt.datetime(2024, 3, 15, 8, 30), D(2024, 3, 15)),
        ("", None),
        (None, None),
    ],
)
def test_to_date(value: object, expected: dt.date | None) -> None:
    assert to_date(value) == expected


@pytest.mark.parametrize("value", ["3/15/2024", "31/2/2024", "abc", True, -5])
def test_to_date_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        to_date(value)
