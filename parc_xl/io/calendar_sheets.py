"""The master's `Lịch làm việc` and `Kỳ báo cáo` sheets: office calendar and deadlines.

`Lịch làm việc` lists the office's own days: "Nghỉ" (an extra day off) or "Làm việc" (a
swapped working Saturday). `Kỳ báo cáo` lists the reporting periods with their data
cut-off (NĐ 09/2019/NĐ-CP) and the office's submission deadline, which the clerk may
change. Read with python-calamine (values only); headers are matched by their text in
row 1 (`master_layout`), so the clerk may reorder columns. A missing sheet means the
defaults; a bad cell becomes a `Problem` naming the cell, and the row is skipped.

Dates may be real Excel dates, Excel serial numbers, or text written day first
("15/3/2024", "15-03-2024", "ngày 15 tháng 3 năm 2024"); ISO "2024-03-15" is accepted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from parc_xl.domain.calendar import KIND_DAY_OFF, KIND_WORKING_DAY, WorkCalendar
from parc_xl.domain.periods import Period, PeriodSchedule, all_periods
from parc_xl.domain.problems import Problem, error, warning
from parc_xl.domain.text import ascii_fold, clean, match_key
from parc_xl.io.master_layout import (
    CALENDAR_COLUMNS,
    PERIOD_COLUMNS,
    SHEET_CALENDAR,
    SHEET_PERIODS,
    Column,
)
from parc_xl.io.ooxml import col_letter

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DAY_FIRST = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_DAY_FIRST_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?$")


def _fold(text: str) -> str:
    """Lower case without diacritics ("Ngày" → "ngay"), punctuation kept."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return re.sub(r"\s+", " ", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")).strip()


def to_date(value: Any) -> dt.date | None:
    """A cell value as a date; None when empty; ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise ValueError(value)
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = _fold(clean(value))
    for pattern, order in ((_ISO, "ymd"), (_DAY_FIRST, "dmy"), (_DAY_FIRST_WORDS, "dmy")):
        m = pattern.match(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            return dt.date(a, b, c) if order == "ymd" else dt.date(c, b, a)
    raise ValueError(value)


def _header_map(header: list[Any], columns: list[Column]) -> dict[str, int]:
    wanted = {match_key(c.header): c.id for c in columns}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        column_id = wanted.get(match_key(cell))
        if column_id is not None and column_id not in found:
            found[column_id] = i
    return found


def _rows(book: CalamineWorkbook, sheet: str) -> list[list[Any]] | None:
    if sheet not in book.sheet_names:
        return None
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _missing_columns(sheet: str, columns: list[Column], found: dict[str, int],
                     required: list[str], file: str) -> list[Problem]:
    headers = [c.header for c in columns if c.id in required and c.id not in found]
    if not headers:
        return []
    names = ", ".join(f"«{h}»" for h in headers)
    return [error("sheet-missing-column",
                  f"Sheet «{sheet}» thiếu cột {names} ở dòng 1; giữ nguyên tên cột như mẫu",
                  file=file, sheet=sheet, cell="A1")]


def read_calendar(book: CalamineWorkbook, file: str = "") -> tuple[WorkCalendar, list[Problem]]:
    """`Lịch làm việc` → WorkCalendar (defaults when the sheet is absent)."""
    rows = _rows(book, SHEET_CALENDAR)
    if not rows:
        return WorkCalendar(), []
    cols = _header_map(rows[0], CALENDAR_COLUMNS)
    problems = _missing_columns(SHEET_CALENDAR, CALENDAR_COLUMNS, cols, ["date", "kind"], file)
    if problems:
        return WorkCalendar(), problems
    off: dict[dt.date, str] = {}
    work: dict[dt.date, str] = {}
    for r, row in enumerate(rows[1:], start=2):
        raw_date, raw_kind = _cell(row, cols["date"]), _cell(row, cols["kind"])
        if raw_date in (None, "") and raw_kind in (None, ""):
            continue
        date_cell = f"{col_letter(cols['date'] + 1)}{r}"
        kind_cell = f"{col_letter(cols['kind'] + 1)}{r}"
        try:
            day = to_date(raw_date)
        except ValueError:
            problems.append(error("calendar-bad-date",
                                  f"«{clean(raw_date)}» không phải ngày; ghi ngày trước, ví dụ 15/03/2024",
                                  file=file, sheet=SHEET_CALENDAR, cell=date_cell, value=clean(raw_date)))
            continue
        if day is None:
            problems.append(error("calendar-bad-date", "Thiếu ngày", file=file,
                                  sheet=SHEET_CALENDAR, cell=date_cell))
            continue
        kind = ascii_fold(raw_kind)
        if kind == ascii_fold(KIND_DAY_OFF):
            target, other = off, work
        elif kind == ascii_fold(KIND_WORKING_DAY):
            target, other = work, off
        else:
            problems.append(error(
                "calendar-bad-kind",
                f"Loại «{clean(raw_kind)}» không hợp lệ: chỉ ghi «{KIND_DAY_OFF}» hoặc «{KIND_WORKING_DAY}»",
                file=file, sheet=SHEET_CALENDAR, cell=kind_cell, value=clean(raw_kind)))
            continue
        if day in other:
            problems.append(error(
                "calendar-conflict",
                f"Ngày {day:%d/%m/%Y} vừa ghi «{KIND_DAY_OFF}» vừa ghi «{KIND_WORKING_DAY}»; "
                "dòng này bị bỏ qua",
                file=file, sheet=SHEET_CALENDAR, cell=date_cell, value=f"{day:%d/%m/%Y}"))
            continue
        target[day] = kind
    return WorkCalendar(off, work), problems


def read_schedule(book: CalamineWorkbook, year: int | None = None,
                  file: str = "") -> tuple[PeriodSchedule, list[Problem]]:
    """`Kỳ báo cáo` → PeriodSchedule (defaults when the sheet or a deadline is absent)."""
    rows = _rows(book, SHEET_PERIODS)
    if not rows:
        return PeriodSchedule(), []
    cols = _header_map(rows[0], PERIOD_COLUMNS)
    problems = _missing_columns(SHEET_PERIODS, PERIOD_COLUMNS, cols, ["period", "submission_deadline"], file)
    if problems:
        return PeriodSchedule(), problems
    deadlines: dict[str, dt.date] = {}
    for r, row in enumerate(rows[1:], start=2):
        raw_code, raw_deadline = _cell(row, cols["period"]), _cell(row, cols["submission_deadline"])
        if raw_code in (None, "") and raw_deadline in (None, ""):
            continue
        code_cell = f"{col_letter(cols['period'] + 1)}{r}"
        deadline_cell = f"{col_letter(cols['submission_deadline'] + 1)}{r}"
        try:
            period = Period.parse(clean(raw_code))
        except ValueError as exc:
            problems.append(error("period-bad-code", str(exc), file=file, sheet=SHEET_PERIODS,
                                  cell=code_cell, value=clean(raw_code)))
            continue
        if year is not None and period.year != year:
            problems.append(warning("period-other-year",
                                    f"Kỳ {period.code} không thuộc năm kế hoạch {year}",
                                    file=file, sheet=SHEET_PERIODS, cell=code_cell, value=period.code))
        try:
            deadline = to_date(raw_deadline)
        except ValueError:
            problems.append(error(
                "period-bad-date",
                f"Hạn nộp «{clean(raw_deadline)}» của kỳ {period.label_vi} không phải ngày; "
                f"ghi ngày trước, ví dụ {period.default_submission_deadline:%d/%m/%Y}. "
                "Tạm dùng hạn mặc định",
                file=file, sheet=SHEET_PERIODS, cell=deadline_cell, value=clean(raw_deadline)))
            continue
        if deadline is None:
            continue  # empty: the default (cut-off's end)
        if period.code in deadlines and deadlines[period.code] != deadline:
            problems.append(warning(
                "period-duplicate", f"Kỳ {period.code} ghi hai lần; dùng dòng sau",
                file=file, sheet=SHEET_PERIODS, cell=code_cell, value=period.code))
        deadlines[period.code] = deadline
    return PeriodSchedule(deadlines=deadlines), problems


def read_calendar_sheets(path: Path | str, year: int | None = None
                         ) -> tuple[WorkCalendar, PeriodSchedule, list[Problem]]:
    """Both sheets of a master workbook; raises InputError when the file cannot be read."""
    from parc_xl.io.workbook_values import open_values

    path = Path(path)
    book = open_values(path)
    calendar, cal_problems = read_calendar(book, path.name)
    schedule, period_problems = read_schedule(book, year, path.name)
    return calendar, schedule, cal_problems + period_problems


def period_rows(year: int, schedule: PeriodSchedule | None = None) -> list[list[Any]]:
    """The `Kỳ báo cáo` rows for a year, values in PERIOD_COLUMNS order."""
    schedule = schedule or PeriodSchedule()
    values = {
        "period": lambda p: p.code,
        "label": lambda p: p.label_vi,
        "cutoff_start": lambda p: p.cutoff_start,
        "cutoff_end": lambda p: p.cutoff_end,
        "submission_deadline": lambda p: schedule.submission_deadline(p),
    }
    return [[values[c.id](p) for c in PERIOD_COLUMNS] for p in all_periods(year)]
