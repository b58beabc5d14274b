"""Check and normalise the values a unit typed into its returned workbook.

Pure: the reader (`io/unit_book/read.py`) hands over raw cell values (as python-calamine
gives them: str, float, int, bool, date, datetime, or "" for an empty cell) with their
A1 references; this module says what each value means (`ReportedRow`) and what is wrong
with it (`Problem`s, Vietnamese, naming the cell). Structure checks (rows, columns,
metadata) live in `domain/return_checks.py`, which calls `check_row` for each row.

Decisions (documented here because users will ask):
- Dates are day first, always (DOMAIN.md; NĐ 30/2020 writes "ngày 15 tháng 3 năm 2024").
  "3/15/2024" is refused with a message saying it looks month-first; "13/25/2024" is
  refused. Two-digit years mean 20yy. A number in 32874..73050 (1990..2099) is an Excel
  date serial, counted from 1904 in a workbook that uses the 1904 date system.
- A completion date may not be after the as-of (received) date, nor before the plan's
  year; a date between 15/12 of the previous year and 31/12 (the NĐ 09/2019 cut-off of
  the first quarter's data) is accepted with a warning.
- Figures: "99,5" and "99,5%" are 99.5 (decimal comma); "1.234" is 1234 (thousands dot:
  groups of exactly three digits after a leading 1-9 group, so "0.995" is 0,995);
  with both, "." groups and "," is the decimal mark.
  For a percentage target, a value between 0 and 1 written without "%" (which is what
  Excel stores when the cell is formatted as %, e.g. 0.995 for 99,5%) is multiplied by
  100, with a warning saying so. calamine gives values only, not formats, so the value
  decides, not the cell format.
- Text that Excel would run as a formula ("=", "+", "-", "@", tab, CR first) is kept as
  text and warned about; a real formula in a fill cell is an error (the reader finds it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from parc_xl.domain.extensions import check_request
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.domain.models import Progress
from parc_xl.domain.problems import Problem, Where, error, warning
from parc_xl.domain.text import ascii_fold, clean, date_vi

# Fill fields of the unit workbook, in sheet order (same ids as master_layout.REPORTED_FIELDS).
FILL_FIELDS = ("progress", "completed_on", "evidence", "figure", "difficulties", "proposals",
               "proposed_due", "extension_reason")
TEXT_FIELDS = ("evidence", "difficulties", "proposals", "extension_reason")

# Synonyms clerks and unit staff type for the four Tiến độ values, keyed by their
# ascii_fold() form. Source: returns described in issue 4 and DOMAIN.md "The people";
# the canonical names are `Progress` (PRODUCT.md "Unit workbook").
PROGRESS_SYNONYMS: dict[str, Progress] = {
    # Đã hoàn thành (done)
    "hoan thanh": Progress.DONE,
    "da hoan thanh": Progress.DONE,
    "ht": Progress.DONE,
    "dht": Progress.DONE,
    "da ht": Progress.DONE,
    "xong": Progress.DONE,
    "da xong": Progress.DONE,
    "da thuc hien xong": Progress.DONE,
    "hoan tat": Progress.DONE,
    "da hoan tat": Progress.DONE,
    "da thuc hien": Progress.DONE,
    "done": Progress.DONE,
    # Đang thực hiện (in progress)
    "dang thuc hien": Progress.IN_PROGRESS,
    "dang lam": Progress.IN_PROGRESS,
    "dang trien khai": Progress.IN_PROGRESS,
    "dang th": Progress.IN_PROGRESS,
    "dth": Progress.IN_PROGRESS,
    "dang xu ly": Progress.IN_PROGRESS,
    "dang tien hanh": Progress.IN_PROGRESS,
    # Chưa triển khai (not started)
    "chua trien khai": Progress.NOT_STARTED,
    "chua lam": Progress.NOT_STARTED,
    "chua thuc hien": Progress.NOT_STARTED,
    "chua bat dau": Progress.NOT_STARTED,
    "ctk": Progress.NOT_STARTED,
    # Đề nghị điều chỉnh (adjustment requested)
    "de nghi dieu chinh": Progress.ADJUSTMENT_REQUESTED,
    "xin dieu chinh": Progress.ADJUSTMENT_REQUESTED,
    "de xuat dieu chinh": Progress.ADJUSTMENT_REQUESTED,
    "dieu chinh": Progress.ADJUSTMENT_REQUESTED,
}

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_1904_OFFSET = 1462  # days from 30/12/1899 to 01/01/1904: serial 0 of the 1904 system
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050  # 01/01/1990 .. 31/12/2099


def fmt_number(x: float) -> str:
    """Vietnamese display: decimal comma, no trailing zeros."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return date_vi(value)
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if value.isprintable() and "<" not in value and "&" not in value:
        # no tags, entities, invisible or control characters, no space but " ": what
        # clean() would leave is the text without its outer spaces
        return value.strip(" ") == ""
    return clean(value) == ""


# --- Tiến độ -------------------------------------------------------------------------


def parse_progress(value: object) -> tuple[Progress | None, str]:
    """(progress, how) with how "exact", "loose" (case/diacritics/synonym) or "unknown"."""
    if isinstance(value, str):
        return _parse_progress_text(value)  # a handful of distinct texts in a whole merge
    return _parse_progress(value)


@lru_cache(maxsize=4096)
def _parse_progress_text(value: str) -> tuple[Progress | None, str]:
    return _parse_progress(value)


@lru_cache(maxsize=4096)
def _clean_text(value: str) -> str:
    return clean(value)  # Tiến độ as shown in a message: the same few texts in every row


def _parse_progress(value: object) -> tuple[Progress | None, str]:
    text = clean(value)
    for p in Progress:
        if text == p.value:
            return p, "exact"
    folded = ascii_fold(text)
    for p in Progress:
        if folded == ascii_fold(p.value):
            return p, "loose"
    if folded in PROGRESS_SYNONYMS:
        return PROGRESS_SYNONYMS[folded], "loose"
    return None, "unknown"


# --- dates ---------------------------------------------------------------------------

_D_M_Y = re.compile(r"^(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_Y_M_D = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*)?nam\s+(\d{4})$")


@dataclass
class DateResult:
    value: dt.date | None
    code: str = ""  # "" ok, else a problem code
    detail: str = ""  # Vietnamese explanation for the message


def parse_date(value: object, date1904: bool = False) -> DateResult:
    """A completion date from a date cell, an Excel serial (of the workbook's date
    system: `date1904`) or day-first text."""
    if isinstance(value, dt.datetime):
        return DateResult(value.date())
    if isinstance(value, dt.date):
        return DateResult(value)
    if isinstance(value, bool):
        return DateResult(None, "date-invalid", "không phải là ngày")
    if isinstance(value, (int, float)):
        serial = value + _SERIAL_1904_OFFSET if date1904 else value
        if _SERIAL_MIN <= serial <= _SERIAL_MAX:
            return DateResult(_EXCEL_EPOCH + dt.timedelta(days=int(serial)))
        return DateResult(None, "date-invalid", f"số {_shown(value)} không phải là một ngày hợp lệ")
    text = clean(value)
    folded = text.lower()
    m = _D_M_Y.match(folded)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) == 2:
            y += 2000
        if b > 12:
            if a <= 12:
                return DateResult(
                    None,
                    "date-month-first",
                    f"\"{text}\" có vẻ được viết theo kiểu tháng trước ngày; "
                    f"hãy viết ngày trước tháng, ví dụ {b:02d}/{a:02d}/{y}",
                )
            return DateResult(None, "date-invalid", f"\"{text}\" không phải là ngày hợp lệ (tháng {b} không tồn tại)")
        return _make(y, b, a, text)
    m = _Y_M_D.match(folded)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _WORDS.match(ascii_fold(text))
    if m:
        return _make(int(m.group(3)), int(m.group(2)), int(m.group(1)), text)
    return DateResult(None, "date-invalid", f"không đọc được \"{text}\" là một ngày")


def _make(y: int, m: int, d: int, text: str) -> DateResult:
    try:
        return DateResult(dt.date(y, m, d))
    except ValueError:
        return DateResult(None, "date-invalid", f"\"{text}\" không phải là ngày có thật")


# --- figures -------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")
_THOUSANDS_DOT = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[1-9]\d{0,2}(?:,\d{3}){2,}$")


@dataclass
class FigureResult:
    value: float | None
    code: str = ""
    detail: str = ""
    scaled: bool = False  # a fraction read as a percentage (×100)


def parse_figure(value: object, percent_target: bool) -> FigureResult:
    """A reported figure; see the module docstring for decimal marks and fractions."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        return FigureResult(None, "figure-invalid", f"\"{_shown(value)}\" không phải là một số")
    has_percent = False
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = clean(value).replace(" ", "")
        if text.endswith("%"):
            has_percent, text = True, text[:-1]
        if not _NUMBER.match(text):
            return FigureResult(None, "figure-invalid", f"\"{clean(value)}\" không phải là một số")
        number_text = text
        if "." in text and "," in text:
            number_text = text.replace(".", "").replace(",", ".")
        elif "," in text:
            number_text = text.replace(",", "") if _THOUSANDS_COMMA.match(text) else text.replace(",", ".")
        elif _THOUSANDS_DOT.match(text):
            number_text = text.replace(".", "")
        try:
            number = float(number_text)
        except ValueError:
            return FigureResult(None, "figure-invalid", f"\"{clean(value)}\" không phải là một số")
    if number < 0:
        return FigureResult(None, "figure-invalid", f"số âm ({fmt_number(number)}) không hợp lệ")
    if percent_target and not has_percent and 0 < number <= 1:
        return FigureResult(number * 100, scaled=True)
    return FigureResult(number)


# --- rows ----------------------------------------------------------------------------


@dataclass(slots=True)
class RawRow:
    """One data row as read from the sheet: raw fill values and where they are."""

    key: str
    role: str  # "Chủ trì" | "Phối hợp"
    target: str  # the task's target text ("" when none)
    values: dict[str, object]  # fill field -> raw value
    cells: dict[str, str]  # fill field -> A1 reference
    formulas: frozenset[str] = field(default_factory=frozenset)  # fill fields holding a formula
    due: dt.date | None = None  # the deadline in force for the period (the locked «Hạn»)


@dataclass(slots=True)
class ReportedRow:
    """What a unit reported for one task, normalised (a plain record: one per row of every
    return, so it is built without validation; its fields are set by `check_row` only)."""

    key: str
    role: str = ""
    progress: Progress | None = None
    completed_on: dt.date | None = None
    evidence: str = ""
    figure: float | None = None
    difficulties: str = ""
    proposals: str = ""
    # an extension request (domain/extensions.py): set only when the request is valid
    proposed_due: dt.date | None = None
    extension_reason: str = ""
    cells: dict[str, str] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type[ReportedRow], tuple[object, ...]]:
        # Pickled (a worker's result, jobs/_isolation.py) as its fields in order: rebuilt
        # by the constructor, ≈40 % cheaper both ways than the default slot-by-slot state.
        return ReportedRow, _row_fields(self)


_row_fields = attrgetter("key", "role", "progress", "completed_on", "evidence", "figure", "difficulties", "proposals",
                         "proposed_due", "extension_reason", "cells")


FIELD_LABELS = {
    "progress": "Tiến độ",
    "completed_on": "Ngày hoàn thành",
    "evidence": "Văn bản / sản phẩm",
    "figure": "Kết quả",
    "difficulties": "Khó khăn, vướng mắc",
    "proposals": "Đề xuất",
    "proposed_due": "Hạn đề nghị",
    "extension_reason": "Lý do điều chỉnh",
}


@dataclass(slots=True)
class _Row:
    """One row being checked: its cells as read, the filled values, what they mean so
    far and what is wrong; each step of `check_row` reads and adds to it."""

    raw: RawRow
    sheet: str
    row: ReportedRow
    values: dict[str, object] = field(default_factory=dict)  # fill field -> non-blank, non-formula value
    problems: list[Problem] = field(default_factory=list)

    def where(self, f: str) -> Where:
        return {"sheet": self.sheet, "cell": self.raw.cells.get(f, ""), "task_key": self.raw.key}

    def at(self, f: str) -> str:
        return f"Ô {self.raw.cells.get(f, '?')} ({FIELD_LABELS[f]})"

    def given(self, f: str) -> bool:
        """The unit put something in the cell: a value or a formula (already reported)."""
        return f in self.values or f in self.raw.formulas


def check_row(
    raw: RawRow,
    *,
    plan_year: int,
    as_of: dt.date | None,
    sheet: str = "",
    lead_role: str = "Chủ trì",
    date1904: bool = False,
) -> tuple[ReportedRow, list[Problem]]:
    """Normalise one row and list its problems (every one, not the first); `date1904`:
    the workbook's date system, for dates given as bare serials. Problems come in the
    order of the steps below (cells, then each field, then the fields together)."""
    r = _Row(raw=raw, sheet=sheet, row=ReportedRow(key=raw.key, role=raw.role, cells=dict(raw.cells)))
    _read_cells(r)
    _read_progress(r)
    _read_completion_date(r, plan_year, as_of, date1904)
    proposed = _proposed_due(r, plan_year, date1904)
    _read_texts(r)
    _read_figure(r)
    _check_progress_given(r, lead_role)
    _check_against_progress(r)
    _check_request(r, proposed)
    return r.row, r.problems


def _read_cells(r: _Row) -> None:
    """The filled cells: a formula is an error (its value is not what the unit typed)."""
    raw = r.raw
    given, formulas, kept = raw.values.get, raw.formulas, r.values
    for f in FILL_FIELDS:
        v = given(f)
        if formulas and f in formulas:
            r.problems.append(error(
                "formula-in-fill",
                f"{r.at(f)} chứa công thức; hãy nhập trực tiếp giá trị (dán dạng giá trị), không dùng công thức.",
                value=None if is_blank(v) else _shown(v), **r.where(f),
            ))
            continue
        if v is not None and v != "" and not is_blank(v):  # most fill cells are empty: ""
            kept[f] = v


def _read_progress(r: _Row) -> None:
    """Tiến độ: one of the four values, or a spelling people use for one (warned)."""
    if "progress" not in r.values:
        return
    given = r.values["progress"]
    progress, how = parse_progress(given)
    shown = _clean_text(given) if isinstance(given, str) else clean(given)
    if progress is None:
        r.problems.append(error(
            "progress-invalid",
            f"{r.at('progress')}: \"{shown}\" không có trong danh sách; hãy chọn một trong: "
            + ", ".join(p.value for p in Progress) + ".",
            value=shown, **r.where("progress"),
        ))
        return
    r.row.progress = progress
    if how == "loose":
        r.problems.append(warning(
            "progress-synonym",
            f"{r.at('progress')}: \"{shown}\" được hiểu là \"{progress.value}\"; lần sau hãy chọn từ danh sách.",
            value=shown, **r.where("progress"),
        ))


def _read_completion_date(r: _Row, plan_year: int, as_of: dt.date | None, date1904: bool) -> None:
    """Ngày hoàn thành: a day-first date, not after the check, not before the plan's year
    (the first quarter's data may start on 15/12 of the year before: a warning)."""
    if "completed_on" not in r.values:
        return
    raw_date = r.values["completed_on"]
    res = parse_date(raw_date, date1904)
    f = "completed_on"  # the cell's name and place, made only for a problem
    if res.value is None:
        advice = "" if res.code == "date-month-first" else f" Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/{plan_year}."
        r.problems.append(error(res.code, f"{r.at(f)}: {res.detail}.{advice}", value=_shown(raw_date), **r.where(f)))
        return
    d = res.value
    r.row.completed_on = d
    if as_of is not None and d > as_of:
        r.problems.append(error(
            "date-in-future",
            f"{r.at(f)}: ngày {date_vi(d)} sau ngày kiểm tra {date_vi(as_of)}; ngày hoàn thành không thể ở tương lai.",
            value=date_vi(d), **r.where(f),
        ))
    if d.year < plan_year and d < dt.date(plan_year - 1, 12, 15):
        r.problems.append(error(
            "date-before-plan-year",
            f"{r.at(f)}: ngày {date_vi(d)} trước năm của kế hoạch ({plan_year}); hãy kiểm tra lại năm.",
            value=date_vi(d), **r.where(f),
        ))
    elif d.year < plan_year:
        r.problems.append(warning(
            "date-before-plan-year",
            f"{r.at(f)}: ngày {date_vi(d)} thuộc năm {d.year}, trước năm của kế hoạch ({plan_year}) nhưng trong kỳ "
            "số liệu quý I; đã chấp nhận.",
            value=date_vi(d), **r.where(f),
        ))


def _proposed_due(r: _Row, plan_year: int, date1904: bool) -> dt.date | None:
    """«Hạn đề nghị» read as a date (day first, like every date cell), or a problem."""
    if "proposed_due" not in r.values:
        return None
    res = parse_date(r.values["proposed_due"], date1904)
    if res.value is None:
        advice = "" if res.code == "date-month-first" else f" Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/09/{plan_year}."
        r.problems.append(error(res.code, f"{r.at('proposed_due')}: {res.detail}.{advice}",
                                value=_shown(r.values["proposed_due"]), **r.where("proposed_due")))
    return res.value


def _read_texts(r: _Row) -> None:
    """The text cells, kept as typed (cleaned); text Excel would run as a formula is warned about."""
    for f in TEXT_FIELDS:
        if f not in r.values:
            continue
        v = r.values[f]
        text = _shown(v) if not isinstance(v, str) else v
        if looks_like_formula(text):
            r.problems.append(warning(
                "formula-like-text",
                f"{r.at(f)} bắt đầu bằng ký tự \"{_visible(text[0])}\" mà Excel có thể hiểu là công thức; "
                "nội dung được giữ nguyên dạng văn bản.",
                value=clean(text), **r.where(f),
            ))
        setattr(r.row, f, clean(text, keep_newlines=True))


def _read_figure(r: _Row) -> None:
    """Kết quả: a number (decimal comma); a fraction against a percentage target is ×100, warned."""
    if "figure" not in r.values:
        return
    given = r.values["figure"]
    res = parse_figure(given, "%" in r.raw.target)
    if res.value is None:
        r.problems.append(error(
            res.code, f"{r.at('figure')}: {res.detail}. Hãy nhập một số, ví dụ 99,5.",
            value=_shown(given), **r.where("figure"),
        ))
        return
    r.row.figure = res.value
    if res.scaled:
        r.problems.append(warning(
            "figure-as-fraction",
            f"{r.at('figure')}: {_shown(given)} được hiểu là {fmt_number(res.value)}% (chỉ tiêu: {r.raw.target}).",
            value=_shown(given), **r.where("figure"),
        ))


def _check_progress_given(r: _Row, lead_role: str) -> None:
    """A row with content needs its Tiến độ; an empty row of a lead unit is not reported yet."""
    if r.row.progress is not None or r.given("progress"):
        return
    if any(f != "progress" for f in r.values):
        r.problems.append(error(
            "progress-missing",
            f"{r.at('progress')} còn trống trong khi dòng đã có nội dung; hãy chọn Tiến độ.",
            **r.where("progress"),
        ))
    elif r.raw.role == lead_role:
        r.problems.append(warning(
            "not-reported", f"{r.at('progress')}: chưa báo cáo nhiệm vụ đơn vị chủ trì.", **r.where("progress"),
        ))


def _check_against_progress(r: _Row) -> None:
    """What Tiến độ asks of the other cells: a done task has its date and evidence (and its
    figure when it has a percentage target); a task not started or still running has no date."""
    progress, values = r.row.progress, r.values
    if progress is Progress.DONE:
        if not r.given("completed_on"):
            r.problems.append(error(
                "completion-date-missing",
                f"{r.at('completed_on')}: nhiệm vụ \"Đã hoàn thành\" phải có ngày hoàn thành (dd/mm/yyyy).",
                **r.where("completed_on"),
            ))
        if not r.given("evidence"):
            r.problems.append(error(
                "evidence-missing",
                f"{r.at('evidence')}: nhiệm vụ \"Đã hoàn thành\" phải ghi văn bản / sản phẩm chứng minh "
                "(ví dụ: Quyết định số 42/QĐ-UBND ngày 15/01/2024).",
                **r.where("evidence"),
            ))
        if "%" in r.raw.target and not r.given("figure"):
            r.problems.append(warning(
                "figure-missing",
                f"{r.at('figure')}: nhiệm vụ có chỉ tiêu ({r.raw.target}) nhưng chưa ghi kết quả đạt được.",
                **r.where("figure"),
            ))
    elif progress is Progress.NOT_STARTED and "completed_on" in values:
        r.problems.append(error(
            "not-started-with-date",
            f"{r.at('completed_on')}: Tiến độ là \"Chưa triển khai\" nhưng lại có ngày hoàn thành; "
            "hãy sửa Tiến độ hoặc xóa ngày.",
            value=_shown(values["completed_on"]), **r.where("completed_on"),
        ))
    elif progress in (Progress.IN_PROGRESS, Progress.ADJUSTMENT_REQUESTED) and "completed_on" in values:
        r.problems.append(warning(
            "date-without-done",
            f"{r.at('completed_on')}: có ngày hoàn thành nhưng Tiến độ là \"{progress.value}\"; "
            "nếu đã xong hãy chọn \"Đã hoàn thành\".",
            value=_shown(values["completed_on"]), **r.where("completed_on"),
        ))


def _check_request(r: _Row, proposed: dt.date | None) -> None:
    """Tiến độ «Đề nghị điều chỉnh» with «Hạn đề nghị» and «Lý do điều chỉnh» (workbooks
    made before these columns existed have no such cells: nothing to check)."""
    raw, row, values = r.raw, r.row, r.values
    asked = "proposed_due" in values or "extension_reason" in values
    if row.progress is not Progress.ADJUSTMENT_REQUESTED:
        if asked and row.progress is not None:
            f = "proposed_due" if "proposed_due" in values else "extension_reason"
            r.problems.append(warning(
                "extension-not-requested",
                f"{r.at(f)}: có nội dung đề nghị điều chỉnh hạn nhưng Tiến độ là \"{row.progress.value}\"; "
                "đề nghị không được ghi nhận. Nếu xin điều chỉnh hạn, hãy chọn \"Đề nghị điều chỉnh\".",
                **r.where(f)))
        return
    if "proposed_due" not in raw.cells or "proposed_due" in raw.formulas:
        return  # an older form, or a formula already reported
    if "proposed_due" in values and proposed is None:
        return  # unreadable date: reported by _proposed_due
    check = check_request(proposed, row.extension_reason, raw.due)
    if check.date_missing:
        r.problems.append(error(
            "extension-date-missing",
            f"{r.at('proposed_due')}: nhiệm vụ \"Đề nghị điều chỉnh\" phải ghi hạn mới đề nghị (dd/mm/yyyy).",
            **r.where("proposed_due")))
    if check.not_after_deadline and proposed is not None and raw.due is not None:
        r.problems.append(error(
            "extension-date-not-later",
            f"{r.at('proposed_due')}: hạn đề nghị {date_vi(proposed)} không sau hạn hiện tại "
            f"{date_vi(raw.due)}; hãy ghi hạn mới muộn hơn hạn ở cột «Hạn».",
            value=date_vi(proposed), **r.where("proposed_due")))
    if check.reason_missing and "extension_reason" in raw.cells:
        r.problems.append(error(
            "extension-reason-missing",
            f"{r.at('extension_reason')}: hãy ghi lý do đề nghị điều chỉnh hạn.", **r.where("extension_reason")))
    if check.ok:
        row.proposed_due = proposed


def _visible(ch: str) -> str:
    return {"\t": "tab", "\r": "xuống dòng (CR)"}.get(ch, ch)
