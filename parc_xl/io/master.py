"""The master workbook: created once with openpyxl, read with python-calamine.

Creation (`create_master`) writes every owned sheet with styles, print setup and the
status conditional formatting. After that the clerk owns the file too: later jobs
never round-trip it through openpyxl (which drops charts, notes, extensions) but patch
it with `io.xlsx_package.XlsxPackage`. Reading (`read_master`) takes values only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from dataclasses import dataclass, field
from python_calamine import CalamineWorkbook

from parc_xl import __version__
from parc_xl.domain import deadlines
from parc_xl.domain.calendar import WorkCalendar
from parc_xl.domain.models import Deadline, DeadlineKind, Plan, Registry, Task
from parc_xl.domain.periods import PeriodSchedule
from parc_xl.domain.problems import Problem
from parc_xl.domain.text import clean, match_key
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.io.calendar_sheets import to_date
from parc_xl.io.master_layout import Column

TEMPLATE_VERSION = "1"
FONT_NAME = "Times New Roman"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
AREA_FILL = PatternFill("solid", fgColor="F2F2F2")

# Text Excel would read as a formula or DDE when typed (PRODUCT.md "never let a file do harm").
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")

_DATE_COLUMNS = {"first_due", "due", "completed_on", "cutoff_start", "cutoff_end",
                 "submission_deadline", "date"}
_DATETIME_COLUMNS = {"received_at", "at"}


@dataclass(slots=True)
class TrackingRow:
    """One `Theo dõi` row: a task × lead unit, with the latest accepted report.

    A slotted dataclass rather than a pydantic model: a master holds up to 200,000 of
    them, read from our own sheet through typed converters, so validation would only
    cost time (≈5 s at that size)."""

    row: int  # sheet row number (1-based)
    key: str
    stt: str = ""
    area: str = ""
    task: str = ""
    unit: str = ""
    unit_name: str = ""
    deadline_text: str = ""
    due: dt.date | None = None
    period: str = ""
    progress: str = ""
    completed_on: dt.date | None = None
    evidence: str = ""
    figure: float | None = None
    difficulties: str = ""
    proposals: str = ""
    received_at: dt.datetime | None = None
    source_file: str = ""
    status: str = ""
    days_overdue: int | None = None
    target_result: str = ""

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass
class MasterData:
    """Everything a job needs from the master, read once (internal: built by `read_master`)."""

    path: Path
    plan: Plan
    registry: Registry
    schedule: PeriodSchedule
    calendar: WorkCalendar
    tracking: list[TrackingRow] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    # sheet -> {column id: 0-based column index} as found in the file's header row
    headers: dict[str, dict[str, int]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.plan.year


# --------------------------------------------------------------------------- writing


def _style_header(ws: Worksheet, columns: list[Column], row: int = 1) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=i, value=col.header)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGN
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[row].height = 32


def _style_body_cell(cell: Any, column_id: str) -> None:
    cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP_TOP
    if column_id in _DATE_COLUMNS:
        cell.number_format = DATE_FORMAT
    elif column_id in _DATETIME_COLUMNS:
        cell.number_format = DATETIME_FORMAT


def _print_setup(ws: Worksheet, columns: list[Column], header_row: int = 1) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def write_table(ws: Worksheet, columns: list[Column], rows: list[list[Any]], *,
                autofilter: bool = True) -> None:
    """Header in row 1, data from row 2; an empty table still gets one styled blank
    row so that rows appended later by the package patcher inherit the styles."""
    _style_header(ws, columns)
    body = rows or [[None] * len(columns)]
    for r, values in enumerate(body, start=2):
        for c, col in enumerate(columns, start=1):
            value = values[c - 1] if c - 1 < len(values) else None
            cell = ws.cell(row=r, column=c, value=value)
            _style_body_cell(cell, col.id)
            if isinstance(value, str) and value.startswith(FORMULA_LIKE):
                cell.data_type = "s"  # openpyxl would write "=…" as a formula
                cell.quotePrefix = True  # and Excel would revive it on F2+Enter
    if autofilter:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(2, len(rows) + 1)}"
    _print_setup(ws, columns)
    fit_row_heights(ws, columns, 2, len(body) + 1)


_LINE_HEIGHT = 15.0  # points per line of 11 pt Times New Roman


def fit_row_heights(ws: Worksheet, columns: list[Column], first: int, last: int) -> None:
    """Explicit heights for wrapped rows: neither Excel nor LibreOffice auto-fits rows of a
    file they did not write, so long tasks would otherwise show as one clipped line."""
    for r in range(first, last + 1):
        lines = 1
        for c, col in enumerate(columns, start=1):
            value = ws.cell(row=r, column=c).value
            if not isinstance(value, str) or not value:
                continue
            per_line = max(1.0, col.width * 1.3)  # Times New Roman is narrower than Excel's unit
            n = sum(max(1, -(-len(part) // int(per_line))) for part in value.split("\n"))
            lines = max(lines, n)
        if lines > 1:
            ws.row_dimensions[r].height = min(409.0, lines * _LINE_HEIGHT)


def _plan_rows(plan: Plan) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for t in plan.tasks:
        area = plan.area(t.area)
        d = t.deadline
        values = {
            "key": t.key, "stt": t.stt, "area": area.title if area else t.area, "task": t.task,
            "product": t.product, "lead": t.lead, "coord": t.coord, "deadline_text": t.deadline_text,
            "due": d.due if d else None, "target": _target_text(t),
            "deadline_kind": d.kind.value if d else "", "first_due": d.first_due if d else None,
            "recurrence": d.recurrence.value if d and d.recurrence else "",
            "lead_units": "; ".join(t.lead_units), "coord_units": "; ".join(t.coord_units),
        }
        rows.append([values[c.id] for c in L.PLAN_COLUMNS])
    return rows


def _target_text(task: Task) -> str:
    from parc_xl.domain.targets import describe, parse_targets

    return describe(parse_targets(f"{task.task} {task.product}").targets)


def tracking_rows(plan: Plan, registry: Registry) -> list[list[Any]]:
    """One row per task × lead unit (groups expanded to their members)."""
    rows: list[list[Any]] = []
    for t in plan.tasks:
        area = plan.area(t.area)
        area_title = area.title if area else t.area
        units = registry.expand(t.lead_units)
        due = t.deadline.due if t.deadline else None
        if not units:
            # Not resolved to a registry unit: keep the row visible so nothing is lost.
            units = [""]
        for code in units:
            unit = registry.unit(code)
            name = unit.name if unit else t.lead
            rows.append([t.key, t.stt, area_title, t.task, code, name, t.deadline_text, due]
                        + [None] * (len(L.TRACKING_COLUMNS) - 8))
    return rows


def _guide_sheet(ws: Worksheet, plan: Plan) -> None:
    from parc_xl.io.status_format import status_legend_rows

    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 80
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws["A1"] = "Sổ theo dõi Kế hoạch cải cách hành chính năm " + str(plan.year)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = plan.title or ""
    ws["A2"].font = Font(name=FONT_NAME, size=12, italic=True)
    lines = [
        ("Kế hoạch", "Danh sách nhiệm vụ của Phụ lục kế hoạch (mỗi dòng một nhiệm vụ)."),
        ("Đơn vị, Nhóm đơn vị", "Danh mục đơn vị: mã, tên, nhóm, tên gọi khác. Văn phòng được sửa, thêm đơn vị."),
        ("Kỳ báo cáo", "Các kỳ báo cáo, thời gian chốt số liệu (Nghị định 09/2019/NĐ-CP) và hạn nộp."),
        ("Lịch làm việc", "Ngày nghỉ bổ sung hoặc ngày làm việc bù của cơ quan (nếu có)."),
        ("Theo dõi", "Mỗi dòng là một nhiệm vụ × đơn vị chủ trì: tiến độ mới nhất và trạng thái."),
        ("Nộp báo cáo", "Mỗi tệp đơn vị gửi về: thời điểm nhận, đúng hạn hay không, chấp nhận hay từ chối."),
        ("Chưa nộp", "Các đơn vị chưa gửi báo cáo của kỳ (cập nhật sau mỗi lần Tổng hợp)."),
        ("Lịch sử", "Mọi thay đổi đã chấp nhận: giá trị cũ → giá trị mới, tệp nguồn."),
        ("Tổng hợp, Quá hạn", "Bảng tổng hợp và danh sách nhiệm vụ quá hạn, sắp đến hạn để đôn đốc."),
        ("Lưu ý", "Các sheet trên do parc-xl ghi lại mỗi lần chạy; sheet và ghi chú riêng của bạn được giữ nguyên."),
    ]
    r = 4
    ws.cell(row=r, column=1, value="Sheet").font = HEADER_FONT
    ws.cell(row=r, column=2, value="Nội dung").font = HEADER_FONT
    for name, text in lines:
        r += 1
        ws.cell(row=r, column=1, value=name).font = Font(name=FONT_NAME, size=11, bold=True)
        c = ws.cell(row=r, column=2, value=text)
        c.font, c.alignment = BODY_FONT, WRAP_TOP
    r += 2
    ws.cell(row=r, column=1, value="Chú giải màu trạng thái").font = HEADER_FONT
    for status, meaning, fill_hex, font_hex in status_legend_rows():
        r += 1
        a = ws.cell(row=r, column=1, value=status)
        a.fill = PatternFill("solid", fgColor=fill_hex)
        a.font = Font(name=FONT_NAME, size=11, color=font_hex)
        a.border = BORDER
        b = ws.cell(row=r, column=2, value=meaning)
        b.font, b.alignment = BODY_FONT, WRAP_TOP


def plan_fingerprint(plan: Plan) -> str:
    from parc_xl.domain.fingerprint import plan_fingerprint as fp

    return fp(plan)


def create_master(path: Path, plan: Plan, registry: Registry, *,
                  schedule: PeriodSchedule | None = None) -> None:
    """Write a new master workbook (the caller writes atomically: see jobs.plan_import)."""
    from parc_xl.io.calendar_sheets import period_rows
    from parc_xl.io.registry import registry_rows
    from parc_xl.io.status_format import add_status_formatting

    wb = Workbook()
    guide = wb.active
    guide.title = L.SHEET_GUIDE
    _guide_sheet(guide, plan)

    unit_rows, group_rows = registry_rows(registry)
    write_table(wb.create_sheet(L.SHEET_UNITS), L.UNIT_COLUMNS, unit_rows)
    write_table(wb.create_sheet(L.SHEET_GROUPS), L.GROUP_COLUMNS, group_rows)

    ws_plan = wb.create_sheet(L.SHEET_PLAN)
    plan_rows = _plan_rows(plan)
    write_table(ws_plan, L.PLAN_COLUMNS, plan_rows)
    ws_plan.print_area = f"A1:{get_column_letter(L.PLAN_PRINTED_COLUMNS)}{len(plan_rows) + 1}"

    write_table(wb.create_sheet(L.SHEET_PERIODS), L.PERIOD_COLUMNS,
                period_rows(plan.year, schedule or PeriodSchedule()), autofilter=False)
    write_table(wb.create_sheet(L.SHEET_CALENDAR), L.CALENDAR_COLUMNS, [], autofilter=False)

    ws_track = wb.create_sheet(L.SHEET_TRACKING)
    track = tracking_rows(plan, registry)
    write_table(ws_track, L.TRACKING_COLUMNS, track)
    ncols = len(L.TRACKING_COLUMNS)
    status_letter = get_column_letter(L.column_index(L.TRACKING_COLUMNS, "status") + 1)
    # Cover generously beyond today's rows so rows a clerk adds still get coloured.
    add_status_formatting(ws_track, status_letter, 2, get_column_letter(ncols),
                          max(len(track) + 1, 2) + 1000)

    write_table(wb.create_sheet(L.SHEET_SUBMISSIONS), L.SUBMISSION_COLUMNS, [])
    write_table(wb.create_sheet(L.SHEET_MISSING), L.MISSING_COLUMNS, [])
    write_table(wb.create_sheet(L.SHEET_HISTORY), L.HISTORY_COLUMNS, [])
    dash = wb.create_sheet(L.SHEET_DASHBOARD)
    dash["A1"] = "Tổng hợp: chạy «Cập nhật trạng thái» (parc-xl status) để lập bảng tổng hợp."
    dash["A1"].font = TITLE_FONT
    write_table(wb.create_sheet(L.SHEET_OVERDUE), L.OVERDUE_COLUMNS, [])

    meta = wb.create_sheet(L.SHEET_META)
    meta.sheet_state = "veryHidden"
    for k, v in _meta_items(plan).items():
        meta.append([k, v])
    for ws in wb.worksheets:
        ws.sheet_view.zoomScale = 100
    wb.save(path)


def _meta_items(plan: Plan) -> dict[str, str]:
    return {
        "plan_year": str(plan.year),
        "issuer": plan.issuer,
        "title": plan.title,
        "source": plan.source,
        "stated_total": "" if plan.stated_total is None else str(plan.stated_total),
        "fingerprint": plan_fingerprint(plan),
        "template_version": TEMPLATE_VERSION,
        "parc_xl_version": __version__,
        "areas": json.dumps([a.model_dump() for a in plan.areas], ensure_ascii=False),
    }


# --------------------------------------------------------------------------- reading


# Characters `clean` would change. Cells the tool wrote are already clean, so the common
# case skips the full normalisation (9,000 tracking rows: 1.4 s -> 0.2 s).
_NEEDS_CLEAN = re.compile(r"[<&\u00a0\u00ad\u2000-\u200d\u2060\u202f\u205f\u3000\ufeff\r\t]| {2}|\n\s|\s\n")


def _text(v: Any) -> str:
    if v == "" or v is None:
        return ""
    if isinstance(v, str):
        if _NEEDS_CLEAN.search(v) is None and unicodedata.is_normalized("NFC", v):
            return v.strip()
        return clean(v, keep_newlines=True)
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return clean(v, keep_newlines=True)


def _date(v: Any) -> dt.date | None:
    """A date cell of an owned sheet: a real date, an Excel serial, ISO or day-first text
    (a clerk may type "15/3/2026" into the plan's due-date column); None when unreadable."""
    try:
        return to_date(v)
    except ValueError:
        return None


def _datetime(v: Any) -> dt.datetime | None:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, (int, float)) and 1 < v < 2958466:
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))
    if isinstance(v, str) and v.strip():
        try:
            return dt.datetime.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return None


def _header_index(header: list[Any], columns: list[Column]) -> dict[str, int]:
    wanted = {match_key(c.header): c.id for c in columns}
    return {wanted[match_key(h)]: i for i, h in enumerate(header) if match_key(h) in wanted}


def sheet_records(book: CalamineWorkbook, sheet: str, columns: list[Column],
                  headers: dict[str, dict[str, int]] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an owned table sheet as (row number, {column id: raw value}); headers are
    matched by text so a clerk who moved a column does not break the read. The header
    positions found are stored in `headers[sheet]` (0-based) for writers."""
    if sheet not in book.sheet_names:
        return []
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not rows:
        return []
    index = _header_index(rows[0], columns)
    if headers is not None:
        headers[sheet] = index
    out: list[tuple[int, dict[str, Any]]] = []
    for n, raw in enumerate(rows[1:], start=2):
        if not any(v not in ("", None) for v in raw):
            continue
        out.append((n, {cid: (raw[i] if i < len(raw) else None) for cid, i in index.items()}))
    return out


def open_book(path: Path) -> CalamineWorkbook:
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp sổ theo dõi: {path}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types
        raise InputError(f"Tệp {path.name} không phải là sổ theo dõi Excel (.xlsx) đọc được: {exc}") from exc


def read_master(path: Path) -> MasterData:
    """Read the master's values (calamine). Raises InputError when it is not a master."""
    from parc_xl.io.calendar_sheets import read_calendar, read_schedule
    from parc_xl.io.registry import read_registry

    book = open_book(path)
    names = set(book.sheet_names)
    missing = [s for s in (L.SHEET_META, L.SHEET_PLAN, L.SHEET_TRACKING) if s not in names]
    if missing:
        raise InputError(
            f"Tệp {path.name} không phải sổ theo dõi do parc-xl tạo (thiếu sheet {', '.join(missing)}). "
            "Hãy chọn đúng sổ theo dõi hoặc tạo mới bằng «Nhập kế hoạch»."
        )
    meta = {_text(r[0]): _text(r[1]) for r in book.get_sheet_by_name(L.SHEET_META).to_python()
            if len(r) >= 2 and r[0] != ""}
    try:
        year = int(meta.get("plan_year", ""))
    except ValueError as exc:
        raise InputError(f"Sổ theo dõi {path.name} bị hỏng: không đọc được năm kế hoạch.") from exc

    problems: list[Problem] = []
    registry, reg_problems = read_registry(path)
    problems += reg_problems
    calendar, cal_problems = read_calendar(book, path.name)
    schedule, period_problems = read_schedule(book, year, path.name)
    problems += cal_problems + period_problems

    from parc_xl.domain.models import Area

    areas = [Area(**a) for a in json.loads(meta.get("areas") or "[]")]
    title_to_code = {a.title: a.code for a in areas}
    tasks: list[Task] = []
    for n, rec in sheet_records(book, L.SHEET_PLAN, L.PLAN_COLUMNS):
        text = _text(rec.get("deadline_text"))
        deadline = deadlines.parse(text, year)
        deadline = _apply_clerk_dates(deadline, _date(rec.get("first_due")), _date(rec.get("due")))
        tasks.append(Task(
            key=_text(rec.get("key")), stt=_text(rec.get("stt")),
            area=title_to_code.get(_text(rec.get("area")), _text(rec.get("area"))),
            task=_text(rec.get("task")), product=_text(rec.get("product")),
            lead=_text(rec.get("lead")), coord=_text(rec.get("coord")),
            deadline_text=text, deadline=deadline,
            lead_units=_codes(rec.get("lead_units")), coord_units=_codes(rec.get("coord_units")),
            source_row=n,
        ))
    plan = Plan(issuer=meta.get("issuer", ""), title=meta.get("title", ""), year=year,
                source=meta.get("source", ""), areas=areas, tasks=tasks,
                stated_total=int(meta["stated_total"]) if meta.get("stated_total") else None)

    headers: dict[str, dict[str, int]] = {}
    tracking = read_tracking(book, headers)
    submissions = [dict(rec, row=n)
                   for n, rec in sheet_records(book, L.SHEET_SUBMISSIONS, L.SUBMISSION_COLUMNS, headers)]
    missing = [dict(rec, row=n) for n, rec in sheet_records(book, L.SHEET_MISSING, L.MISSING_COLUMNS, headers)]
    if L.SHEET_HISTORY in book.sheet_names:  # only its header: history can be long
        first = book.get_sheet_by_name(L.SHEET_HISTORY).to_python(nrows=1)
        headers[L.SHEET_HISTORY] = _header_index(first[0] if first else [], L.HISTORY_COLUMNS)
    return MasterData(path=path, plan=plan, registry=registry, schedule=schedule, calendar=calendar,
                      tracking=tracking, submissions=submissions, missing=missing, headers=headers,
                      meta=meta, problems=problems)


def _codes(v: Any) -> list[str]:
    return [c.strip() for c in _text(v).replace(",", ";").split(";") if c.strip()]


def _apply_clerk_dates(d: Deadline, first: dt.date | None, due: dt.date | None) -> Deadline:
    """A clerk may correct a misread deadline by typing the dates in the plan sheet."""
    if due is None or (d.due == due and d.first_due in (first, None)):
        return d
    kind = d.kind if d.kind in (DeadlineKind.DATE, DeadlineKind.RECURRING) else DeadlineKind.DATE
    return d.model_copy(update={"kind": kind, "due": due, "first_due": first or due})


def _int(v: Any) -> int | None:
    n = _number(v)
    return int(n) if n is not None else None


# How each `Theo dõi` column is read; text is the default.
_TRACKING_CONVERTERS: dict[str, Any] = {
    "due": _date, "completed_on": _date, "figure": _number, "received_at": _datetime, "days_overdue": _int,
}


def read_tracking(book: CalamineWorkbook, headers: dict[str, dict[str, int]]) -> list[TrackingRow]:
    """`Theo dõi` rows. The sheet can hold 200,000 rows (1,000 units × 200 tasks), so the
    columns are mapped once and each cell goes through one small converter; the values
    are already typed, so the models are built without re-validation."""
    if L.SHEET_TRACKING not in book.sheet_names:
        return []
    rows = book.get_sheet_by_name(L.SHEET_TRACKING).to_python(skip_empty_area=False)
    if not rows:
        return []
    index = _header_index(rows[0], L.TRACKING_COLUMNS)
    headers[L.SHEET_TRACKING] = index
    key_at = index.get("key")
    if key_at is None:
        return []
    memo: dict[str, str] = {}

    def text(v: Any) -> str:
        # a task's text repeats once per unit (1,000 times in a large office): clean it once
        if v == "" or v is None:
            return ""
        if isinstance(v, str):
            done = memo.get(v)
            if done is None:
                done = memo[v] = _text(v)
            return done
        return _text(v)

    readers = [(cid, i, _TRACKING_CONVERTERS.get(cid, text)) for cid, i in index.items()]
    out: list[TrackingRow] = []
    for n, raw in enumerate(rows[1:], start=2):
        if key_at >= len(raw) or raw[key_at] in ("", None):
            continue  # a row without a task key is not a tracking row (blank or a clerk's note)
        width = len(raw)
        values = {cid: convert(raw[i]) if i < width else convert(None) for cid, i, convert in readers}
        out.append(TrackingRow(row=n, **values))
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
