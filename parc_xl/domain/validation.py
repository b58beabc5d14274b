"""Check and normalise the values a unit typed into its returned workbook.

Pure: the reader (`io/unit_book.py`) hands over raw cell values (as python-calamine
gives them: str, float, int, bool, date, datetime, or "" for an empty cell) with their
A1 references; this module says what each value means (`ReportedRow`) and what is wrong
with it (`Problem`s, Vietnamese, naming the cell). Structure checks (rows, columns,
metadata) live in the job `jobs/validate.py`.

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
from typing import Any
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, Field

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


@dataclass
class RawRow:
    """One data row as read from the sheet: raw fill values and where they are."""

    key: str
    role: str  # "Chủ trì" | "Phối hợp"
    target: str  # the task's target text ("" when none)
    values: dict[str, object]  # fill field -> raw value
    cells: dict[str, str]  # fill field -> A1 reference
    formulas: frozenset[str] = field(default_factory=frozenset)  # fill fields holding a formula
    due: dt.date | None = None  # the deadline in force for the period (the locked «Hạn»)


class ReportedRow(BaseModel):
    """What a unit reported for one task, normalised."""

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
    cells: dict[str, str] = Field(default_factory=dict)


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
    the workbook's date system, for dates given as bare serials."""
    problems: list[Problem] = []
    row = ReportedRow(key=raw.key, role=raw.role, cells=dict(raw.cells))

    def where(f: str) -> Where:
        return {"sheet": sheet, "cell": raw.cells.get(f, ""), "task_key": raw.key}

    def at(f: str) -> str:
        return f"Ô {raw.cells.get(f, '?')} ({FIELD_LABELS[f]})"

    values: dict[str, object] = {}
    for f in FILL_FIELDS:
        v = raw.values.get(f)
        if f in raw.formulas:
            problems.append(error(
                "formula-in-fill",
                f"{at(f)} chứa công thức; hãy nhập trực tiếp giá trị (dán dạng giá trị), không dùng công thức.",
                value=None if is_blank(v) else _shown(v), **where(f),
            ))
            continue
        if not is_blank(v):
            values[f] = v

    # Tiến độ
    if "progress" in values:
        progress, how = parse_progress(values["progress"])
        shown = clean(values["progress"])
        if progress is None:
            problems.append(error(
                "progress-invalid",
                f"{at('progress')}: \"{shown}\" không có trong danh sách; hãy chọn một trong: "
                + ", ".join(p.value for p in Progress) + ".",
                value=shown, **where("progress"),
            ))
        else:
            row.progress = progress
            if how == "loose":
                problems.append(warning(
                    "progress-synonym",
                    f"{at('progress')}: \"{shown}\" được hiểu là \"{progress.value}\"; "
                    "lần sau hãy chọn từ danh sách.",
                    value=shown, **where("progress"),
                ))

    # Ngày hoàn thành
    if "completed_on" in values:
        raw_date = values["completed_on"]
        res = parse_date(raw_date, date1904)
        if res.value is None:
            advice = "" if res.code == "date-month-first" else f" Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/{plan_year}."
            problems.append(error(
                res.code, f"{at('completed_on')}: {res.detail}.{advice}",
                value=_shown(raw_date), **where("completed_on"),
            ))
        else:
            d = res.value
            row.completed_on = d
            if as_of is not None and d > as_of:
                problems.append(error(
                    "date-in-future",
                    f"{at('completed_on')}: ngày {date_vi(d)} sau ngày kiểm tra {date_vi(as_of)}; "
                    "ngày hoàn thành không thể ở tương lai.",
                    value=date_vi(d), **where("completed_on"),
                ))
            if d < dt.date(plan_year - 1, 12, 15):
                problems.append(error(
                    "date-before-plan-year",
                    f"{at('completed_on')}: ngày {date_vi(d)} trước năm của kế hoạch ({plan_year}); "
                    "hãy kiểm tra lại năm.",
                    value=date_vi(d), **where("completed_on"),
                ))
            elif d.year < plan_year:
                problems.append(warning(
                    "date-before-plan-year",
                    f"{at('completed_on')}: ngày {date_vi(d)} thuộc năm {d.year}, trước năm của kế hoạch "
                    f"({plan_year}) nhưng trong kỳ số liệu quý I; đã chấp nhận.",
                    value=date_vi(d), **where("completed_on"),
                ))

    proposed = _proposed_due(values, plan_year, date1904, at, where, problems)

    # Text fields
    for f in TEXT_FIELDS:
        if f not in values:
            continue
        v = values[f]
        text = _shown(v) if not isinstance(v, str) else v
        if looks_like_formula(text):
            problems.append(warning(
                "formula-like-text",
                f"{at(f)} bắt đầu bằng ký tự \"{_visible(text[0])}\" mà Excel có thể hiểu là công thức; "
                "nội dung được giữ nguyên dạng văn bản.",
                value=clean(text), **where(f),
            ))
        setattr(row, f, clean(text, keep_newlines=True))

    # Kết quả
    percent = "%" in raw.target
    if "figure" in values:
        res_f = parse_figure(values["figure"], percent)
        if res_f.value is None:
            problems.append(error(
                res_f.code, f"{at('figure')}: {res_f.detail}. Hãy nhập một số, ví dụ 99,5.",
                value=_shown(values["figure"]), **where("figure"),
            ))
        else:
            row.figure = res_f.value
            if res_f.scaled:
                problems.append(warning(
                    "figure-as-fraction",
                    f"{at('figure')}: {_shown(values['figure'])} được hiểu là {fmt_number(res_f.value)}% "
                    f"(chỉ tiêu: {raw.target}).",
                    value=_shown(values["figure"]), **where("figure"),
                ))

    # Consistency between fields
    filled_other = [f for f in values if f != "progress"]
    if row.progress is None and "progress" not in values and "progress" not in raw.formulas:
        if filled_other:
            problems.append(error(
                "progress-missing",
                f"{at('progress')} còn trống trong khi dòng đã có nội dung; hãy chọn Tiến độ.",
                **where("progress"),
            ))
        elif raw.role == lead_role:
            problems.append(warning(
                "not-reported",
                f"{at('progress')}: chưa báo cáo nhiệm vụ đơn vị chủ trì.",
                **where("progress"),
            ))
    if row.progress is Progress.DONE:
        if "completed_on" not in values and "completed_on" not in raw.formulas:
            problems.append(error(
                "completion-date-missing",
                f"{at('completed_on')}: nhiệm vụ \"Đã hoàn thành\" phải có ngày hoàn thành (dd/mm/yyyy).",
                **where("completed_on"),
            ))
        if "evidence" not in values and "evidence" not in raw.formulas:
            problems.append(error(
                "evidence-missing",
                f"{at('evidence')}: nhiệm vụ \"Đã hoàn thành\" phải ghi văn bản / sản phẩm chứng minh "
                "(ví dụ: Quyết định số 42/QĐ-UBND ngày 15/01/2024).",
                **where("evidence"),
            ))
        if percent and "figure" not in values and "figure" not in raw.formulas:
            problems.append(warning(
                "figure-missing",
                f"{at('figure')}: nhiệm vụ có chỉ tiêu ({raw.target}) nhưng chưa ghi kết quả đạt được.",
                **where("figure"),
            ))
    elif row.progress is Progress.NOT_STARTED and "completed_on" in values:
        problems.append(error(
            "not-started-with-date",
            f"{at('completed_on')}: Tiến độ là \"Chưa triển khai\" nhưng lại có ngày hoàn thành; "
            "hãy sửa Tiến độ hoặc xóa ngày.",
            value=_shown(values["completed_on"]), **where("completed_on"),
        ))
    elif row.progress in (Progress.IN_PROGRESS, Progress.ADJUSTMENT_REQUESTED) and "completed_on" in values:
        problems.append(warning(
            "date-without-done",
            f"{at('completed_on')}: có ngày hoàn thành nhưng Tiến độ là \"{row.progress.value}\"; "
            "nếu đã xong hãy chọn \"Đã hoàn thành\".",
            value=_shown(values["completed_on"]), **where("completed_on"),
        ))
    _check_request(raw, row, values, proposed, at, where, problems)
    return row, problems


def _proposed_due(values: dict[str, object], plan_year: int, date1904: bool, at: Any, where: Any,
                  problems: list[Problem]) -> dt.date | None:
    """«Hạn đề nghị» read as a date (day first, like every date cell), or a problem."""
    if "proposed_due" not in values:
        return None
    res = parse_date(values["proposed_due"], date1904)
    if res.value is None:
        advice = "" if res.code == "date-month-first" else f" Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/09/{plan_year}."
        problems.append(error(res.code, f"{at('proposed_due')}: {res.detail}.{advice}",
                              value=_shown(values["proposed_due"]), **where("proposed_due")))
    return res.value


def _check_request(raw: RawRow, row: ReportedRow, values: dict[str, object], proposed: dt.date | None,
                   at: Any, where: Any, problems: list[Problem]) -> None:
    """Tiến độ «Đề nghị điều chỉnh» with «Hạn đề nghị» and «Lý do điều chỉnh» (workbooks
    made before these columns existed have no such cells: nothing to check)."""
    asked = "proposed_due" in values or "extension_reason" in values
    if row.progress is not Progress.ADJUSTMENT_REQUESTED:
        if asked and row.progress is not None:
            f = "proposed_due" if "proposed_due" in values else "extension_reason"
            problems.append(warning(
                "extension-not-requested",
                f"{at(f)}: có nội dung đề nghị điều chỉnh hạn nhưng Tiến độ là \"{row.progress.value}\"; "
                "đề nghị không được ghi nhận. Nếu xin điều chỉnh hạn, hãy chọn \"Đề nghị điều chỉnh\".",
                **where(f)))
        return
    if "proposed_due" not in raw.cells or "proposed_due" in raw.formulas:
        return  # an older form, or a formula already reported
    if "proposed_due" in values and proposed is None:
        return  # unreadable date: reported by _proposed_due
    check = check_request(proposed, row.extension_reason, raw.due)
    if check.date_missing:
        problems.append(error(
            "extension-date-missing",
            f"{at('proposed_due')}: nhiệm vụ \"Đề nghị điều chỉnh\" phải ghi hạn mới đề nghị (dd/mm/yyyy).",
            **where("proposed_due")))
    if check.not_after_deadline and proposed is not None and raw.due is not None:
        problems.append(error(
            "extension-date-not-later",
            f"{at('proposed_due')}: hạn đề nghị {date_vi(proposed)} không sau hạn hiện tại "
            f"{date_vi(raw.due)}; hãy ghi hạn mới muộn hơn hạn ở cột «Hạn».",
            value=date_vi(proposed), **where("proposed_due")))
    if check.reason_missing and "extension_reason" in raw.cells:
        problems.append(error(
            "extension-reason-missing",
            f"{at('extension_reason')}: hãy ghi lý do đề nghị điều chỉnh hạn.", **where("extension_reason")))
    if check.ok:
        row.proposed_due = proposed


def _visible(ch: str) -> str:
    return {"\t": "tab", "\r": "xuống dòng (CR)"}.get(ch, ch)
