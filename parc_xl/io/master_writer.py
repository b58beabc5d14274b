"""The master workbook, write side: `create_master` builds a new master with openpyxl —
every owned sheet styled for people (header, wrapping, widths, frozen header, filter,
A4 landscape with repeated header, Times New Roman) and the status colours as
conditional formatting. Used once per plan by the import job; later writes patch the
package (`io/ooxml/`) so the clerk's own work is never dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parc_xl import __version__
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.domain.models import Plan, Registry, Task, Unit
from parc_xl.domain.periods import PeriodSchedule
from parc_xl.domain.text import date_vi
from parc_xl.io import master_layout as L
from parc_xl.io.master import MAC_KEY, TEMPLATE_VERSION, new_mac_key
from parc_xl.io.master_layout import Column
from parc_xl.io.row_heights import LINE_HEIGHT, row_height

FONT_NAME = "Times New Roman"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

_THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
TECHNICAL_FONT = Font(name=FONT_NAME, size=8, color="808080")  # L.TECHNICAL_COLUMNS
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Technical columns (L.TECHNICAL_COLUMNS: a 64-character SHA-256 in a 9-wide column) never
# run over into the next cell, on screen or on paper: Excel's «Fill» alignment clips the
# text at the cell's edge (such text is never shorter than the cell, so never repeated).
CLIPPED = Alignment(horizontal="fill", vertical="top", wrap_text=False)
# Log sheets get rows appended by later jobs, whose heights nobody fits: one line per row
# (the full text stays in the cell) reads better than wrapped lines spilling over rows.
ONE_LINE = Alignment(wrap_text=False, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")

#: Excel's limit for one cell's text; longer plan texts are cut in the cell and kept whole
#: in the `Văn bản dài` sheet, in parts of `_LONG_PART` characters.
MAX_CELL_CHARS = 32_767
_LONG_PART = 32_000
LONG_TEXT_MARK = f" … [xem toàn văn ở sheet «{L.SHEET_LONG_TEXT}»]"
#: Excel counts 1900 as a leap year: serial numbers before 1 March 1900 read back as a
#: different day (and 1/1/1900 as serial 0, a time); such dates are written as text.
FIRST_SAFE_DATE = dt.date(1900, 3, 1)

_DATE_COLUMNS = {"first_due", "due", "completed_on", "cutoff_start", "cutoff_end",
                 "submission_deadline", "date"}
_DATETIME_COLUMNS = {"received_at", "at"}




def _style_header(ws: Worksheet, columns: list[Column], row: int = 1) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=i, value=col.header)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, HEADER_ALIGN
        if col.id in L.TECHNICAL_COLUMNS:
            cell.font = Font(name=FONT_NAME, size=8, bold=True, color="808080")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[row].height = 32


def _style_body_cell(cell: Any, column_id: str, wrap: bool = True) -> None:
    cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP_TOP if wrap else ONE_LINE
    if column_id in L.TECHNICAL_COLUMNS:
        cell.font, cell.alignment = TECHNICAL_FONT, CLIPPED
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
                autofilter: bool = True, wrap: bool = True) -> list[Any]:
    """Header in row 1, data from row 2; an empty table still gets one styled blank
    row so that rows appended later by the package patcher inherit the styles.
    Returns each column's body style (openpyxl `StyleArray`, without quote prefix)."""
    _style_header(ws, columns)
    body = rows or [[None] * len(columns)]
    prototypes: list[Any] = []
    for c, col in enumerate(columns, start=1):
        proto = ws.cell(row=2, column=c)
        _style_body_cell(proto, col.id, wrap)
        prototypes.append(proto._style)
    for r, values in enumerate(body, start=2):
        for c in range(1, len(columns) + 1):
            value = _cell_value(values[c - 1] if c - 1 < len(values) else None)
            cell = ws.cell(row=r, column=c, value=value)
            # copying a styled prototype is ~20x cheaper than setting font, border,
            # alignment per cell (each set looks the style up in the workbook registries)
            cell._style = copy(prototypes[c - 1])
            if isinstance(value, str) and looks_like_formula(value):
                cell.data_type = "s"  # openpyxl would write "=…" as a formula
                cell.quotePrefix = True  # and Excel would revive it on F2+Enter
    if autofilter:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(2, len(rows) + 1)}"
    _print_setup(ws, columns)
    printed = len(columns)
    while printed and columns[printed - 1].id in L.TECHNICAL_COLUMNS:
        printed -= 1
    if 0 < printed < len(columns):  # technical columns are last and off the page; rows merges append stay in
        ws.print_area = f"A1:{get_column_letter(printed)}1048576"
    if wrap:
        fit_row_heights(ws, columns, 2, len(body) + 1)
    return prototypes


def _cell_value(value: Any) -> Any:
    """What a cell can hold: dates before 1900-03-01 as day-first text, text at most
    `MAX_CELL_CHARS` (callers that must keep the whole text use `split_long_texts`)."""
    if isinstance(value, dt.date) and (value.date() if isinstance(value, dt.datetime) else value) < FIRST_SAFE_DATE:
        return date_vi(value)
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[: MAX_CELL_CHARS - len(LONG_TEXT_MARK)] + LONG_TEXT_MARK
    return value


def split_long_texts(rows: list[list[Any]], columns: list[Column]) -> list[list[Any]]:
    """Rows of the `Văn bản dài` sheet (key, column, part, text) for every cell of `rows`
    (first column = task key) longer than a cell can hold."""
    out: list[list[Any]] = []
    for values in rows:
        for col, value in zip(columns, values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                parts = [value[i:i + _LONG_PART] for i in range(0, len(value), _LONG_PART)]
                out += [[values[0], col.header, n, part] for n, part in enumerate(parts, start=1)]
    return out


LONG_TEXT_COLUMNS = [Column("key", "Khóa", 9), Column("column", "Cột", 18), Column("part", "Phần", 6),
                     Column("text", "Nội dung (nối các phần theo thứ tự)", 120)]

_LINE_HEIGHT = LINE_HEIGHT  # points per line of 11 pt Times New Roman


def fit_row_heights(ws: Worksheet, columns: list[Column], first: int, last: int) -> None:
    """Explicit heights for wrapped rows (`io/row_heights.py` says why and how tall)."""
    ncols = len(columns)
    for r in range(first, last + 1):
        height = row_height([ws.cell(row=r, column=c).value for c in range(1, ncols + 1)], columns)
        if height is not None:
            ws.row_dimensions[r].height = height


def plan_sheet_rows(plan: Plan) -> list[list[Any]]:
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
    from parc_xl.domain.targets import target_text

    return target_text(task.task, task.product)


def tracking_rows(plan: Plan, registry: Registry) -> list[list[Any]]:
    """One row per task × lead unit (groups expanded to their members)."""
    rows: list[list[Any]] = []
    by_code: dict[str, Unit] = {}
    for u in registry.units:  # `Registry.unit` is a scan: 200,000 of them took ≈ 15 s
        by_code.setdefault(u.code, u)
    for t in plan.tasks:
        area = plan.area(t.area)
        area_title = area.title if area else t.area
        units = registry.expand(t.lead_units)
        due = t.deadline.due if t.deadline else None
        if not units:
            # Not resolved to a registry unit: keep the row visible so nothing is lost.
            units = [""]
        for code in units:
            unit = by_code.get(code)
            values = {"key": t.key, "stt": t.stt, "area": area_title, "task": t.task, "unit": code,
                      "unit_name": unit.name if unit else t.lead, "deadline_text": t.deadline_text, "due": due}
            rows.append([values.get(c.id) for c in L.TRACKING_COLUMNS])
    return rows


GUIDE_TEXT_WIDTH = 80  # column B of `Hướng dẫn`


def text_lines(text: str, width: float, font_pt: float = 11) -> int:
    """Lines a wrapped text takes in a column `width` (Excel units) wide, in Times New
    Roman of `font_pt`: about 1.1 characters of Vietnamese text per unit at 11 pt (LibreOffice fits ≈1.25)."""
    per_line = max(1, int(width * 1.1 * 11 / font_pt))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _guide_sheet(ws: Worksheet, plan: Plan) -> None:
    from parc_xl.io.status_format import status_legend_rows

    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = GUIDE_TEXT_WIDTH
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
        ("Kỳ báo cáo", "Các kỳ báo cáo, thời gian chốt số liệu (Nghị định 09/2019/NĐ-CP) và hạn nộp. Hạn nộp mặc định "
                        "là ngày làm việc đầu tiên sau ngày chốt số liệu (bỏ qua thứ Bảy, Chủ nhật, ngày lễ); văn phòng "
                        "sửa được ở cột «Hạn nộp báo cáo», các lệnh sau dùng ngày đã sửa."),
        ("Lịch làm việc", "Ngày nghỉ bổ sung hoặc ngày làm việc bù của cơ quan (nếu có)."),
        ("Theo dõi", "Mỗi dòng là một nhiệm vụ × đơn vị chủ trì: tiến độ mới nhất và trạng thái."),
        ("Nộp báo cáo", "Mỗi tệp đơn vị gửi về: thời điểm nhận, đúng hạn hay không, chấp nhận hay từ chối."),
        ("Đề nghị điều chỉnh", "Đề nghị lùi hạn đơn vị gửi kèm báo cáo (mỗi lần Tổng hợp thêm dòng mới). Văn phòng "
                               "chọn «Quyết định» (Đồng ý / Không đồng ý) và ghi «Hạn được duyệt» (để trống là duyệt "
                               "hạn đơn vị đề nghị); lần Cập nhật trạng thái sau tính nhiệm vụ theo hạn được duyệt."),
        ("Chưa nộp", "Các đơn vị chưa gửi báo cáo của kỳ (cập nhật sau mỗi lần Tổng hợp)."),
        ("Lịch sử", "Mọi thay đổi đã chấp nhận: giá trị cũ → giá trị mới, tệp nguồn."),
        ("Tổng hợp, Quá hạn", "Bảng tổng hợp và danh sách nhiệm vụ quá hạn, sắp đến hạn để đôn đốc."),
        ("Lưu ý", "Các sheet trên do parc-xl ghi lại mỗi lần chạy, trừ «Đề nghị điều chỉnh»: ở đó chỉ thêm dòng, "
                  "quyết định của văn phòng không bị ghi đè. Sheet và ghi chú riêng của bạn được giữ nguyên."),
    ]
    r = 4
    ws.cell(row=r, column=1, value="Sheet").font = HEADER_FONT
    ws.cell(row=r, column=2, value="Nội dung").font = HEADER_FONT
    for name, text in lines:
        r += 1
        label = ws.cell(row=r, column=1, value=name)
        label.font, label.alignment = Font(name=FONT_NAME, size=11, bold=True), WRAP_TOP
        c = ws.cell(row=r, column=2, value=text)
        c.font, c.alignment = BODY_FONT, WRAP_TOP
        ws.row_dimensions[r].height = text_lines(text, GUIDE_TEXT_WIDTH) * _LINE_HEIGHT + 2
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
        a.alignment = WRAP_TOP
        # neither Excel nor LibreOffice grows a row of a file it did not write: a legend
        # line that wraps would run over the next status
        ws.row_dimensions[r].height = text_lines(meaning, GUIDE_TEXT_WIDTH) * _LINE_HEIGHT + 2


def create_master(path: Path, plan: Plan, registry: Registry, *,
                  schedule: PeriodSchedule | None = None, stream_tracking: bool = True) -> None:
    """Write a new master workbook (the caller writes atomically: see jobs.plan_import).

    `Theo dõi` grows with units × tasks (200,000 rows at 1,000 units): openpyxl writes
    its header and first row, the other rows are streamed into the sheet part as text
    while openpyxl saves (`io/master_stream.py`), with the same values, styles and
    heights it would have written. `stream_tracking=False` writes every row with
    openpyxl (the reference the tests compare with)."""
    from parc_xl.io.master_stream import streamable
    from parc_xl.io.calendar_sheets import period_rows
    from parc_xl.io.extension_sheet import lay_out_sheet as lay_out_requests
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
    plan_rows = plan_sheet_rows(plan)
    write_table(ws_plan, L.PLAN_COLUMNS, plan_rows)
    ws_plan.print_area = f"A1:{get_column_letter(L.PLAN_PRINTED_COLUMNS)}{len(plan_rows) + 1}"
    long_rows = split_long_texts(plan_rows, L.PLAN_COLUMNS)
    if long_rows:
        write_table(wb.create_sheet(L.SHEET_LONG_TEXT), LONG_TEXT_COLUMNS, long_rows, wrap=False)

    write_table(wb.create_sheet(L.SHEET_PERIODS), L.PERIOD_COLUMNS,
                period_rows(plan.year, schedule or PeriodSchedule()), autofilter=False)
    write_table(wb.create_sheet(L.SHEET_CALENDAR), L.CALENDAR_COLUMNS, [], autofilter=False)

    ws_track = wb.create_sheet(L.SHEET_TRACKING)
    track = tracking_rows(plan, registry)
    streamed = stream_tracking and len(track) > 1 and streamable(track[1:])
    track_styles = write_table(ws_track, L.TRACKING_COLUMNS, track[:1] if streamed else track)
    if streamed:
        ws_track.auto_filter.ref = f"A1:{get_column_letter(len(L.TRACKING_COLUMNS))}{len(track) + 1}"
    ncols = len(L.TRACKING_COLUMNS)
    status_letter = get_column_letter(L.column_index(L.TRACKING_COLUMNS, "status") + 1)
    # Cover generously beyond today's rows so rows a clerk adds still get coloured.
    add_status_formatting(ws_track, status_letter, 2, get_column_letter(ncols),
                          max(len(track) + 1, 2) + 1000)
    # print view: the reader's columns, one page wide, header repeated (`_print_setup`)
    ws_track.print_area = f"A1:{get_column_letter(L.TRACKING_PRINTED)}{len(track) + 1}"
    ws_track.freeze_panes = "C2"  # STT and Nhiệm vụ stay in sight

    write_table(wb.create_sheet(L.SHEET_SUBMISSIONS), L.SUBMISSION_COLUMNS, [], wrap=False)
    # empty, so that merges only append rows to it (at the package level, no openpyxl)
    lay_out_requests(wb.create_sheet(L.SHEET_REQUESTS))
    write_table(wb.create_sheet(L.SHEET_MISSING), L.MISSING_COLUMNS, [], wrap=False)
    write_table(wb.create_sheet(L.SHEET_HISTORY), L.HISTORY_COLUMNS, [], wrap=False)
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
    if streamed:
        from parc_xl.io.master_stream import save_with_rows

        save_with_rows(wb, path, ws_track, L.TRACKING_COLUMNS, track_styles, track[1:], first_row=3)
    else:
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
        # the secret that signs unit workbooks (io/unit_book.meta_mac); it never leaves the master
        MAC_KEY: new_mac_key(),
    }

