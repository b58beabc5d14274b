"""Writing one unit's workbook with openpyxl (`write_unit_book`): the one writer of the
layout (styles, protection, validations, print setup). `io/unit_stamp.py` stamps the other
units' books from the first one this writes. Layout and signature: `layout.py`.

openpyxl numbers fonts, fills and cell formats in the order cells first use them, so the
steps below run in a fixed order: the same inputs give the same file byte for byte
(tests/golden/unit_book).
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from pathlib import Path
from typing import Any, NamedTuple

from parc_xl.domain.assignments import ROLE_LEAD
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.domain.models import Plan, Progress, Registry, Task
from parc_xl.domain.periods import Period
from parc_xl.io.ooxml.base import DATE_FORMAT
from parc_xl.io.unit_book import layout
from parc_xl.io.unit_book.layout import (
    FIRST_ROW, HEADER_ROW, SHEET_GUIDE, SHEET_META, SHEET_REPORT, TECHNICAL_COLS, TEMPLATE_VERSION, Col, canon,
    col_letter, meta_pairs, plan_values, row_hashes, unit_meta,
)
from parc_xl.io.unit_guide import GUIDE_LINES, guide_lines

GUIDE_WIDTH = 68  # column A of the unit's `Hướng dẫn` (Excel units): inside A4 portrait in Excel and LibreOffice
GUIDE_CHARS_PER_LINE = 80  # 12 pt Times New Roman in that width (≈94 measured), with a margin
_FONT = "Times New Roman"


def guide_row_height(text: str) -> float:
    """Height (points) of a `Hướng dẫn` row showing `text` wrapped in full."""
    return 17 * max(1, -(-len(text) // GUIDE_CHARS_PER_LINE)) + 4


def guide_unit_line(unit_name: str, unit_code: str, period: Period) -> str:
    """Whose form and which period: row 2 of `Báo cáo` and the last line of `Hướng dẫn`."""
    return f"Đơn vị: {unit_name} (mã {unit_code}) — Kỳ báo cáo: {period.label_vi}"


def row_height(values: dict[str, object], font_pt: float = 11) -> float:
    """Row height (points) that shows every wrapped plan cell in full: Excel and
    LibreOffice do not re-measure wrapped rows written by openpyxl."""
    lines = 1
    for c in layout.PLAN_COLS:
        text = canon(values.get(c.id))
        if not text:
            continue
        per_line = max(int(c.width * 1.1) - 1, 4)  # Times New Roman 11 is narrower than the width unit
        n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return max(2, lines) * font_pt * 1.3 + 4


def set_value(cell: Any, value: object) -> None:
    """Write a value; text that looks like a formula ("= 100%", "- Kế hoạch") is stored as
    a text cell with Excel's quote prefix, never as a formula (PRODUCT.md "never let a
    file do harm")."""
    if value in ("", None):
        cell.value = None
        return
    cell.value = value
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_unit_book(
    path: Path,
    plan: Plan,
    registry: Registry,
    unit_code: str,
    period: Period | str,
    tasks_with_roles: list[tuple[Task, str]],
    fingerprint: str,
    template_version: str = TEMPLATE_VERSION,
    generated_at: dt.datetime | None = None,
    mac_key: str | None = None,
) -> Path:
    """Write one unit's workbook; returns `path`. `mac_key` (the master's secret, hex)
    signs it; without one the workbook carries no `mac` and a merge refuses it."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    per = period if isinstance(period, Period) else Period.parse(period)
    unit = registry.unit(unit_code)
    unit_name = unit.name if unit else unit_code
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    unit_line = guide_unit_line(unit_name, unit_code, per)

    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    ws = wb.create_sheet(SHEET_REPORT)
    meta_ws = wb.create_sheet(SHEET_META)

    _write_guide(guide, plan.year, unit_line)
    styles = _body_styles()
    last = _printed_last_column()
    _write_title_and_header(ws, plan.year, unit_line, last, styles)
    rows, all_values, target_rows = _write_task_rows(ws, tasks_with_roles, per, styles)
    if tasks_with_roles:
        _add_validations(ws, plan.year, FIRST_ROW + len(tasks_with_roles) - 1, target_rows)
    _set_print_and_protection(ws, last)
    wb.active = 1

    meta = unit_meta(unit_code=unit_code, unit_name=unit_name, period=per, plan_year=plan.year,
                     fingerprint=fingerprint, template_version=template_version, generated_at=generated_at,
                     rows=all_values, keys=[k for k, _, _ in rows])
    _write_meta(meta_ws, meta_pairs(meta, rows, mac_key), rows)

    wb.security = WorkbookProtection(lockStructure=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- Hướng dẫn ------------------------------------------------------------------------


def _write_guide(guide: Any, year: int, unit_line: str) -> None:
    """The guide lines, then the unit line; one portrait A4 page wide."""
    from openpyxl.styles import Alignment, Font

    # LibreOffice prints a 95-wide column past the page edge (measured ≈6.9 pt a unit, no
    # shrinking): GUIDE_WIDTH fits A4 portrait inside the margins at 100%, the text wraps in
    # the column and the page need not be shrunk (a 95-wide column printed cut at the edge)
    guide.column_dimensions["A"].width = GUIDE_WIDTH
    for i, (text, bold) in enumerate(guide_lines(year), start=1):
        c = guide.cell(row=i, column=1, value=text)
        c.font = Font(name=_FONT, size=14 if bold else 12, bold=bold)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[i].height = guide_row_height(text)
    r = len(GUIDE_LINES) + 2
    c = guide.cell(row=r, column=1, value=unit_line)
    c.font = Font(name=_FONT, size=12, italic=True)
    # a long unit name wraps inside the page (cut at the right edge when on one line)
    c.alignment = Alignment(wrap_text=True, vertical="top")
    guide.row_dimensions[r].height = guide_row_height(unit_line)
    guide.sheet_view.showGridLines = False
    _fit_a4_width(guide, "portrait", side_margin=0.6)
    guide.print_area = f"A1:A{r}"
    guide.protection.sheet = True


# --- Báo cáo --------------------------------------------------------------------------


class _Styles(NamedTuple):
    """The style objects the `Báo cáo` header and task cells share."""

    border: Any
    shade: Any  # plan columns
    head_fill: Any
    body: Any  # font
    wrap: Any
    center: Any
    unlocked: Any  # fill columns


def _body_styles() -> _Styles:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="808080")
    return _Styles(
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        shade=PatternFill("solid", fgColor="E7E6E6"),
        head_fill=PatternFill("solid", fgColor="D9E1F2"),
        body=Font(name=_FONT, size=11),
        wrap=Alignment(wrap_text=True, vertical="top"),
        center=Alignment(wrap_text=True, vertical="top", horizontal="center"),
        unlocked=Protection(locked=False),
    )


def _printed_last_column() -> str:
    """The letter of the last printed column: the page stops before the technical columns,
    which are last (the title rows span the printed width: centred on the page)."""
    printed = len(layout.COLUMNS)
    while printed > 1 and layout.COLUMNS[printed - 1].id in TECHNICAL_COLS:
        printed -= 1
    return col_letter(printed - 1)


def _write_title_and_header(ws: Any, year: int, unit_line: str, last: str, st: _Styles) -> None:
    """Rows 1–3 (title, unit and period, hint) across the printed width; the header row."""
    from openpyxl.styles import Alignment, Font

    title = f"BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year}"
    ws.cell(row=1, column=1, value=title).font = Font(name=_FONT, size=14, bold=True)
    ws.cell(row=2, column=1, value=unit_line).font = Font(name=_FONT, size=12, bold=True)
    ws.cell(row=3, column=1, value="Cột nền xám: nội dung kế hoạch (không sửa). Cột nền trắng: đơn vị điền. "
            "Xem sheet «Hướng dẫn».").font = Font(name=_FONT, size=11, italic=True)
    for rr in (1, 2, 3):
        ws.merge_cells(f"A{rr}:{last}{rr}")
        ws.cell(row=rr, column=1).alignment = Alignment(horizontal="center" if rr < 3 else "left", vertical="center")
    ws.row_dimensions[1].height = 22

    for i, c in enumerate(layout.COLUMNS):
        cell = ws.cell(row=HEADER_ROW, column=i + 1, value=c.header)
        cell.font = Font(name=_FONT, size=8 if c.id in TECHNICAL_COLS else 11, bold=True,
                         color="808080" if c.id in TECHNICAL_COLS else None)
        cell.alignment = st.center
        cell.border = st.border
        cell.fill = st.head_fill
        ws.column_dimensions[col_letter(i)].width = c.width
    ws.row_dimensions[HEADER_ROW].height = 32


def _write_task_rows(ws: Any, tasks_with_roles: list[tuple[Task, str]], per: Period, st: _Styles,
                     ) -> tuple[list[tuple[str, str, str]], list[dict[str, object]], list[int]]:
    """One row per task from FIRST_ROW: plan values, cell styles, height. Returns the
    `_parc_xl` row lines (key, role, cell hashes), each row's plan values and the rows
    with a target (they get the Kết quả check)."""
    rows: list[tuple[str, str, str]] = []
    all_values: list[dict[str, object]] = []
    target_rows: list[int] = []
    styles: dict[tuple[str, bool], Any] = {}
    for offset, (task, role) in enumerate(tasks_with_roles):
        rno = FIRST_ROW + offset
        values = plan_values(task, role, per)
        all_values.append(values)
        rows.append((task.key, role, row_hashes(values)))
        if values["target"]:
            target_rows.append(rno)
        for i, c in enumerate(layout.COLUMNS):
            cell = ws.cell(row=rno, column=i + 1)
            if not c.fill:
                set_value(cell, values[c.id])
            style_key = (c.id, c.id == "role" and role == ROLE_LEAD)
            cached = styles.get(style_key)
            if cached is not None:  # copying the style array is ~50x cheaper than re-styling
                quote = cell.quotePrefix if not c.fill else False
                cell._style = copy(cached)
                if quote:
                    cell.quotePrefix = True
                continue
            _style_body_cell(cell, c, style_key[1], st)
            styles[style_key] = copy(cell._style)
            if not c.fill and cell.quotePrefix:
                styles[style_key].quotePrefix = 0
        ws.row_dimensions[rno].height = row_height(values)
    return rows, all_values, target_rows


def _style_body_cell(cell: Any, c: Col, bold: bool, st: _Styles) -> None:
    from openpyxl.styles import Font

    cell.font = Font(name=_FONT, size=11, bold=True) if bold else st.body
    cell.border = st.border
    if c.fill:
        cell.protection = st.unlocked
        cell.alignment = st.center if c.id in ("completed_on", "proposed_due", "figure", "progress") else st.wrap
        if c.id in ("completed_on", "proposed_due"):
            cell.number_format = DATE_FORMAT
        elif c.id == "figure":
            cell.number_format = "General"  # "0.##" would show 0,995 as "1" and 99 as "99,"
        elif c.id != "progress":
            cell.number_format = "@"  # text: typed "=…" stays text
    else:
        cell.fill = st.shade
        cell.alignment = st.center if c.id in ("stt", "key", "role", "due") else st.wrap
        if c.id == "due":
            cell.number_format = DATE_FORMAT
        if c.id in TECHNICAL_COLS:
            cell.font = Font(name=_FONT, size=8, color="808080")


def _add_validations(ws: Any, year: int, last_row: int, target_rows: list[int]) -> None:
    """Tiến độ from its list, the two dates within the plan's years (whole fill columns),
    Kết quả a non-negative number on the rows with a target."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ci = {c.id: col_letter(i) for i, c in enumerate(layout.COLUMNS)}

    def whole_column(cid: str) -> str:
        return f"{ci[cid]}{FIRST_ROW}:{ci[cid]}{last_row}"

    progress_list = ",".join(p.value for p in Progress)
    dv_progress = DataValidation(
        type="list", formula1=f'"{progress_list}"', allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorStyle="stop", errorTitle="Tiến độ không hợp lệ",
        error="Hãy chọn một giá trị trong danh sách: Chưa triển khai, Đang thực hiện, "
              "Đã hoàn thành, Đề nghị điều chỉnh.",
        showInputMessage=True, promptTitle="Tiến độ",
        prompt="Chọn trong danh sách. «Đã hoàn thành» cần ngày hoàn thành và văn bản / sản phẩm.",
    )
    dv_progress.add(whole_column("progress"))
    dv_date = _date_check(f"DATE({year - 1},12,15)", f"DATE({year + 1},12,31)", f"15/03/{year}",
                          "Ngày hoàn thành", f"Ngày/tháng/năm, ví dụ 15/03/{year}. Chỉ ghi khi đã hoàn thành.")
    dv_date.add(whole_column("completed_on"))
    ws.add_data_validation(dv_progress)
    ws.add_data_validation(dv_date)
    if "proposed_due" in ci:  # forms of earlier layouts have no request columns
        dv_ask = _date_check(f"DATE({year},1,1)", f"DATE({year + 1},12,31)", f"15/09/{year}", "Hạn đề nghị",
                             "Chỉ ghi khi Tiến độ là «Đề nghị điều chỉnh»: hạn mới đơn vị đề nghị, sau cột «Hạn».")
        dv_ask.add(whole_column("proposed_due"))
        ws.add_data_validation(dv_ask)
    if target_rows:
        dv_fig = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Kết quả không hợp lệ",
            error="Nhập một số không âm, ví dụ 99,5 (cho 99,5%).",
            showInputMessage=True, promptTitle="Kết quả",
            prompt="Ghi số đạt được so với chỉ tiêu, ví dụ 99,5 cho 99,5%.",
        )
        for rno in target_rows:
            dv_fig.add(f"{ci['figure']}{rno}")
        ws.add_data_validation(dv_fig)


def _date_check(earliest: str, latest: str, example: str, title: str, prompt: str) -> Any:
    """A date between two `DATE(…)` formulas, blank allowed; the error shows `example`."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="date", operator="between", formula1=earliest, formula2=latest, allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Ngày không hợp lệ",
        error=f"Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ {example}.",
        showInputMessage=True, promptTitle=title, prompt=prompt,
    )


def _set_print_and_protection(ws: Any, last: str) -> None:
    """One A4 landscape page wide, the header on every page; protected without a password
    (columns may be widened, rows made taller)."""
    ws.freeze_panes = f"B{FIRST_ROW}"  # STT stays in sight
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # every row of the printed columns: the same for every unit (io/unit_stamp copies this
    # workbook's defined names), and Excel and LibreOffice print only the rows in use
    ws.print_area = f"A1:{last}1048576"
    _fit_a4_width(ws, "landscape", side_margin=0.4)
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # allow widening columns
    ws.protection.formatRows = False  # allow taller rows


def _fit_a4_width(ws: Any, orientation: str, *, side_margin: float) -> None:
    """Printed on A4 in `orientation`, shrunk to one page wide, as many pages tall as it takes."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = side_margin


# --- _parc_xl (very hidden) -----------------------------------------------------------


def _write_meta(meta_ws: Any, pairs: list[tuple[str, str]], rows: list[tuple[str, str, str]]) -> None:
    """Columns A:B the metadata pairs (values as text), D:F the row lines."""
    n_meta = len(layout.META_KEYS)
    for i, (k, v) in enumerate(pairs, start=1):
        meta_ws.cell(row=i, column=1, value=k)
        value_cell = meta_ws.cell(row=i, column=2, value=v)
        if i <= n_meta:  # the digest and MAC rows keep the General format, as written before
            value_cell.number_format = "@"
    meta_ws.cell(row=1, column=4, value="row_key")
    meta_ws.cell(row=1, column=5, value="role")
    meta_ws.cell(row=1, column=6, value="cell_hashes")
    for i, (k, role, h) in enumerate(rows, start=2):
        meta_ws.cell(row=i, column=4, value=k).number_format = "@"
        meta_ws.cell(row=i, column=5, value=role)
        meta_ws.cell(row=i, column=6, value=h)
    meta_ws.sheet_state = "veryHidden"
    meta_ws.protection.sheet = True
