"""The `Tổng hợp` dashboard and the `Quá hạn` list, generated fresh with openpyxl.

`build_sheets` writes a small workbook holding just these two sheets; the status job
transplants them into the master with `XlsxPackage.replace_sheet_from`, so the master
itself is never loaded and saved by openpyxl.

`Tổng hợp` is print-ready on A4 landscape, at most two pages: page 1 the overall
figures (per task), the four official states, on-time rate, targets and the chart by
area; page 2 the tables and chart by area and by unit.
"""

from __future__ import annotations

from copy import copy
from operator import attrgetter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from parc_xl.domain.models import Status
from parc_xl.domain.summary import StatusSummary, percent_vi
from parc_xl.io import master_layout as L
from parc_xl.io.master_writer import text_lines
from parc_xl.io.status_format import add_status_formatting

FONT = "Times New Roman"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
F_TITLE = Font(name=FONT, size=14, bold=True)
F_SUB = Font(name=FONT, size=11, italic=True)
F_SECTION = Font(name=FONT, size=12, bold=True)
F_HEAD = Font(name=FONT, size=10, bold=True)
F_BODY = Font(name=FONT, size=10)
F_BOLD = Font(name=FONT, size=10, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
PCT = "0.0%"
DATE = "dd/mm/yyyy"

STATUSES = list(Status)

# Bar colours: the status hues, each of a different lightness, so that the seven stacks
# stay apart on a black-and-white printer (grey levels ≈ 67, 111, 145, 42, 177, 207, 238;
# the pastel cell colours of STATUS_STYLES all print as nearly the same light grey).
CHART_COLOURS: dict[Status, str] = {
    Status.DONE_ON_TIME: "1B5E20",  # dark green
    Status.DONE_LATE: "7E57C2",  # purple
    Status.IN_PROGRESS_ON_TIME: "42A5F5",  # blue
    Status.OVERDUE: "8B0000",  # dark red
    Status.DUE_SOON: "F9A825",  # amber
    Status.NO_FIXED_DEADLINE: "CFCFCF",  # light grey
    Status.NOT_REPORTED: "F3EEDD",  # sand
}
N_COLS = 2 + len(STATUSES) + 1  # name, total, 7 statuses, % done
NAME_WIDTH = 40  # column A of `Tổng hợp`: statuses, areas, "CODE – unit name"


# Styled cells are many (one row per unit): setting font/alignment/border one by one
# makes openpyxl hash each style object per cell, so the first cell of each combination
# is styled normally and the others copy its style array.
_STYLE_CACHE: dict[tuple[int, int, str | None, int], tuple[object, object]] = {}


def _cell(ws: Worksheet, row: int, col: int, value: object, font: Font = F_BODY,
          align: Alignment = CENTER, fmt: str | None = None, fill: PatternFill | None = None) -> None:
    c = ws.cell(row=row, column=col, value=value)
    key = (id(font), id(align), fmt, id(fill))
    cached = _STYLE_CACHE.get(key)
    if cached is not None and c.parent.parent is cached[0]:  # same workbook: indices valid
        c._style = copy(cached[1])
        return
    c.font, c.alignment, c.border = font, align, BORDER
    if fmt:
        c.number_format = fmt
    if fill:
        c.fill = fill
    _STYLE_CACHE[key] = (c.parent.parent, copy(c._style))


def _header(ws: Worksheet, row: int, labels: list[str]) -> None:
    for i, label in enumerate(labels, start=1):
        _cell(ws, row, i, label, F_HEAD, CENTER, fill=HEAD_FILL)
    ws.row_dimensions[row].height = 54


def _breakdown(ws: Worksheet, row: int, first_label: str, data: dict[str, dict[str, int]],
               names: dict[str, str] | None = None) -> tuple[int, int]:
    """A table name | total | 7 statuses | % done; returns (first data row, last data row)."""
    _header(ws, row, [first_label, "Tổng số", *[s.value for s in STATUSES], "Tỷ lệ hoàn thành"])
    first = row + 1
    r = row
    for name, counts in data.items():
        r += 1
        label = (f"{name} – {names[name]}" if names and names.get(name) else name) or "(chưa xác định)"
        _cell(ws, r, 1, label, F_BODY, LEFT)
        lines = text_lines(label, NAME_WIDTH, font_pt=10)
        if lines > 1:  # a long unit or area name wraps: the row grows, or its lines overlap the next
            ws.row_dimensions[r].height = lines * _BODY_LINE + 3
        total = sum(counts.values())
        _cell(ws, r, 2, total, F_BOLD)
        for j, s in enumerate(STATUSES, start=3):
            _cell(ws, r, j, counts.get(s.value, 0))
        done = counts.get(Status.DONE_ON_TIME.value, 0) + counts.get(Status.DONE_LATE.value, 0)
        _cell(ws, r, N_COLS, done / total if total else None, fmt=PCT)
    return first, r


def _chart(ws: Worksheet, title: str, header_row: int, first: int, last: int, anchor: str,
           height_cm: float, width_cm: float) -> None:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long area names stay readable
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.y_axis.title = "Số lượng"
    chart.x_axis.scaling.orientation = "maxMin"  # first row on top, as in the table
    chart.y_axis.majorGridlines = None
    data = Reference(ws, min_col=3, max_col=2 + len(STATUSES), min_row=header_row, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for series, status in zip(chart.series, STATUSES, strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=CHART_COLOURS[status])
        series.graphicalProperties.line.solidFill = "404040"
    chart.x_axis.tickLblSkip = 1  # every area / unit named, not every other one
    # 8 pt labels: LibreOffice drops category labels that would overlap at the default size
    chart.x_axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=800)),
                                              endParaRPr=CharacterProperties(sz=800))])
    chart.x_axis.tickMarkSkip = 1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = height_cm, width_cm
    ws.add_chart(chart, anchor)


def build_dashboard(ws: Worksheet, s: StatusSummary, *, issuer: str = "", year: int | None = None) -> None:
    """`Tổng hợp`: title, 1. overall (per task, the official buckets, rates and targets),
    2. by area with its chart (page 1), 3. by unit with its chart (page 2)."""
    _title(ws, s, issuer, year or s.as_of.year)
    r = _overall(ws, s)
    r = _official_and_facts(ws, s, r)
    _breakdowns(ws, s, r)
    _page_setup(ws)


def _title(ws: Worksheet, s: StatusSummary, issuer: str, year: int) -> None:
    widths = [NAME_WIDTH, 8, *[11] * len(STATUSES), 11]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    last_col = get_column_letter(N_COLS)
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"] = f"TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year}"
    ws["A1"].font, ws["A1"].alignment = F_TITLE, CENTER
    ws.merge_cells(f"A2:{last_col}2")
    ws["A2"] = (f"{issuer + ' – ' if issuer else ''}Kỳ báo cáo: {s.period_label}; số liệu tính đến ngày "
                f"{s.as_of:%d/%m/%Y}; «Sắp đến hạn»: trong {s.due_soon_days} ngày làm việc.")
    ws["A2"].font, ws["A2"].alignment = F_SUB, CENTER


def _overall(ws: Worksheet, s: StatusSummary) -> int:
    """1. Overall, per task: one row per status, then the total; returns the last row."""
    ws["A4"] = f"1. Tổng hợp chung ({s.total_tasks} nhiệm vụ; {s.total_rows} lượt nhiệm vụ × đơn vị chủ trì)"
    ws["A4"].font = F_SECTION
    _header(ws, 5, ["Trạng thái", "Số nhiệm vụ", "Tỷ lệ", "Số lượt đơn vị"])
    r = 5
    for status in STATUSES:
        r += 1
        n = s.counts[status.value]
        _cell(ws, r, 1, status.value, F_BODY, LEFT)
        _cell(ws, r, 2, n)
        _cell(ws, r, 3, n / s.total_tasks if s.total_tasks else None, fmt=PCT)
        _cell(ws, r, 4, s.rows_counts[status.value])
    add_status_formatting(ws, "A", 6, "A", r)
    r += 1
    _cell(ws, r, 1, "Tổng cộng", F_BOLD, LEFT)
    _cell(ws, r, 2, s.total_tasks, F_BOLD)
    _cell(ws, r, 3, 1 if s.total_tasks else None, F_BOLD, fmt=PCT)
    _cell(ws, r, 4, s.total_rows, F_BOLD)
    return r


def _official_and_facts(ws: Worksheet, s: StatusSummary, r: int) -> int:
    """The four official statuses, then the rates and targets, below row `r`; returns the
    next free row."""
    r += 2
    ws.cell(row=r, column=1, value="Theo 4 trạng thái chính thức (QĐ 42/2014/QĐ-TTg)").font = F_SECTION
    r += 1
    _header(ws, r, ["Trạng thái", "Số nhiệm vụ", "Tỷ lệ"])
    ws.row_dimensions[r].height = 30
    official_first = r + 1
    for name, n in s.official.items():
        r += 1
        _cell(ws, r, 1, name, F_BODY, LEFT)
        _cell(ws, r, 2, n)
        _cell(ws, r, 3, n / s.total_tasks if s.total_tasks else None, fmt=PCT)
    add_status_formatting(ws, "A", official_first, "A", r)

    r += 2
    t = s.targets
    facts = [
        ("Tỷ lệ hoàn thành", percent_vi(s.completion_rate)),
        ("Tỷ lệ hoàn thành đúng hạn (trên số đã hoàn thành)", percent_vi(s.on_time_rate)),
        ("Nhiệm vụ có chỉ tiêu", str(t.get("with_targets", 0))),
        ("– Đạt", str(t.get("achieved", 0))),
        ("– Không đạt", str(t.get("not_achieved", 0))),
        ("– Chưa có số liệu / chưa đánh giá được", str(t.get("not_judged", 0))),
    ]
    if s.unparseable_targets:
        facts.append(("Chỉ tiêu không đọc được (cần xem lại)", str(len(s.unparseable_targets))))
    for label, value in facts:
        _cell(ws, r, 1, label, F_BODY, LEFT)
        _cell(ws, r, 2, value, F_BOLD)
        r += 1
    return r


def _breakdowns(ws: Worksheet, s: StatusSummary, r: int) -> None:
    """2. By area (page 1 continues), 3. by unit (page 2), each with its bar chart."""
    r += 1
    ws.cell(row=r, column=1, value="2. Theo lĩnh vực (số nhiệm vụ)").font = F_SECTION
    area_header = r + 1
    a_first, a_last = _breakdown(ws, area_header, "Lĩnh vực", s.by_area)
    if a_last >= a_first:
        # ≈1 cm a bar, so that every area's (often two-line) name has room
        _chart(ws, "Nhiệm vụ theo lĩnh vực", area_header, a_first, a_last, "F4",
               height_cm=max(10.0, min(16.0, 1.0 * (a_last - a_first + 1) + 5)), width_cm=13)
    r = a_last + 1
    ws.row_breaks.append(Break(id=r))  # page 2 starts with section 3
    r += 2
    ws.cell(row=r, column=1, value="3. Theo đơn vị chủ trì (số lượt nhiệm vụ × đơn vị)").font = F_SECTION
    unit_header = r + 1
    u_first, u_last = _breakdown(ws, unit_header, "Đơn vị", s.by_unit, s.unit_names)
    if u_last >= u_first:
        height = max(7.0, min(18.0, 0.55 * (u_last - u_first + 1) + 4))
        _chart(ws, "Nhiệm vụ theo đơn vị", unit_header, u_first, u_last, f"A{u_last + 2}",
               height_cm=height, width_cm=27)


def _page_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide, the manual break deciding the two pages."""
    ws.print_title_rows = None
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed (two): the manual break decides
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.sheet_view.showGridLines = False


def overdue_rows(s: StatusSummary) -> list[list[object]]:
    """The `Quá hạn` data rows, in `OVERDUE_COLUMNS` order."""
    # up to every row of a 200,000-row master: one attrgetter per row, not a dict
    ids = [c.id for c in L.OVERDUE_COLUMNS]
    fields = attrgetter(*ids)
    status_at = ids.index("status")
    out: list[list[object]] = []
    for o in s.overdue:
        row = list(fields(o))
        row[status_at] = o.status.value
        out.append(row)
    return out


#: Up to this many rows `Quá hạn` is written here, each row as tall as its wrapped text;
#: a longer list is written by the package patcher (`XlsxPackage.write_table`: lxml
#: appends, not openpyxl cells) one line per row, since rows it appends get no height.
OVERDUE_FITTED_ROWS = 3000
_WRAPPED = ("unit_name", "task", "email", "status")
_BODY_LINE = 13.0  # points per line of 10 pt Times New Roman


def _overdue_height(values: list[object]) -> float:
    lines = 1
    for col, value in zip(L.OVERDUE_COLUMNS, values, strict=True):
        if col.id in _WRAPPED and isinstance(value, str) and value:
            per_line = max(1, int(col.width * 1.1))  # 10 pt: ≈1.1 characters per width unit
            lines = max(lines, -(-len(value) // per_line))
    return lines * _BODY_LINE + 3


def overdue_heights(rows: list[list[object]], first_row: int = 2) -> dict[int, float]:
    """{row: height} of `Quá hạn` rows written from `first_row` (`overdue_rows`), each as
    tall as its wrapped text; none for a list longer than `OVERDUE_FITTED_ROWS` (one line
    per row). Used by the first status run and by the later runs that rewrite the rows in place."""
    if len(rows) > OVERDUE_FITTED_ROWS:
        return {}
    return {first_row + i: _overdue_height(values) for i, values in enumerate(rows)}


def build_overdue(ws: Worksheet, s: StatusSummary) -> bool:
    """Header, the status colours over as many rows as the list has, and either the
    rows themselves with fitted heights (True) or, for a list longer than
    `OVERDUE_FITTED_ROWS`, one styled template row (row 2, empty, text on one line) for
    `XlsxPackage.write_table(2, overdue_rows(s), style_row=2)` (False)."""
    cols = L.OVERDUE_COLUMNS
    fitted = len(s.overdue) <= OVERDUE_FITTED_ROWS
    rows = overdue_rows(s) if fitted else []  # a long list is written by the caller
    one_line = Alignment(horizontal="left", vertical="top", wrap_text=False)
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
        _cell(ws, 1, i, col.header, F_HEAD, CENTER, fill=HEAD_FILL)
        align = (LEFT_TOP if fitted else one_line) if col.id in _WRAPPED else CENTER_TOP
        _cell(ws, 2, i, None, F_BODY, align, fmt=DATE if col.id == "due" else None)
        if fitted:
            for r, values in enumerate(rows, start=2):
                _cell(ws, r, i, values[i - 1], F_BODY, align, fmt=DATE if col.id == "due" else None)
    for r, height in overdue_heights(rows).items():
        ws.row_dimensions[r].height = height
    ws.row_dimensions[1].height = 45  # "Số ngày quá hạn" in a 10-wide column: three lines
    last = get_column_letter(len(cols))
    n = len(s.overdue)
    status_letter = get_column_letter(L.column_index(cols, "status") + 1)
    # the whole column: a later run rewrites the rows in place, however many there are
    add_status_formatting(ws, status_letter, 2, last, 1048576)
    ws.freeze_panes = "A2"
    if n:
        ws.auto_filter.ref = f"A1:{last}{n + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Trang &P/&N"
    return fitted


def build_sheets(path: Path, summary: StatusSummary, *, issuer: str = "", year: int | None = None) -> bool:
    """Write a workbook with fresh `Tổng hợp` and `Quá hạn` sheets to `path`; True when
    `Quá hạn` already holds its rows (see `build_overdue`)."""
    wb = Workbook()
    dash = wb.active
    dash.title = L.SHEET_DASHBOARD
    build_dashboard(dash, summary, issuer=issuer, year=year)
    fitted = build_overdue(wb.create_sheet(L.SHEET_OVERDUE), summary)
    wb.save(path)
    return fitted
