"""The unit workbook `<period>_<unit code>.xlsx`: written with openpyxl, read back with
python-calamine. PRODUCT.md "Unit workbook".

Layout (sheet `Báo cáo`): rows 1–3 title, unit and period, a one-line hint; row 4 the
header; one row per task from row 5. Plan columns (STT … Chỉ tiêu) are locked and
shaded; fill columns (Tiến độ … Đề xuất) are unlocked and carry data validation. The
sheet is protected WITHOUT a password (it prevents accidents, it is not security: a
unit may always retype the file) and the workbook structure is protected.

The very hidden sheet `_parc_xl` holds, in columns A:B, `key → value` metadata (format,
template version, unit, period, plan year, plan fingerprint, generated at, header row,
first row, column ids, a digest of the plan part, a digest of the row keys) and a
`meta_digest` over all of it; in columns D:F, one line per task row in order: row key,
role, and one 8-hex digest per plan column (so a changed locked cell can be named even
without the master). The digests are plain SHA-256 (no secret): they detect edits made
by accident or by hand in Excel, not a determined forger. Against forgery the row `mac`
holds an HMAC-SHA-256 (`meta_mac`) over the same metadata and cell hashes (so over
every locked cell, through `plan_digest` and the per-cell hashes), keyed with the
master's secret (`mac_key` in the master's very hidden `_parc_xl` sheet, which no unit
ever receives): a unit that regenerates another unit's template from the public plan,
or recomputes the plain digests, cannot produce it. Workbooks without `mac` (made
before this check existed) are refused by validate --master and merge: the unit is
asked to use the new form.

Reading (`read_unit_book`) is values-only and bounded:
- not a zip, an OLE file (.xls, or an encrypted .xlsx: OLE with an `EncryptedPackage`
  stream) → `InputError` with one Problem;
- refused before any reader allocates when the package breaks a limit below (file size,
  zip directory, declared and actual rows and columns of every sheet read, shared-string
  counts, DTDs): io/package_guard.py;
- calamine gives values, not formulas, hidden rows or merges in a form we can rely on,
  so the `Báo cáo` sheet XML (already size-checked) is parsed once, streaming, for
  `<f>` elements of cells (formula cells), hidden rows and columns and merged ranges,
  however the writer spelt them (`io/unit_scan.py`);
- the date system (`date1904`) goes with the values: a bare serial in a 1904 workbook
  is a different day.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from functools import lru_cache
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join as posix_join, normpath
from collections.abc import Sequence
from typing import Any, NamedTuple
from xml.etree import ElementTree as ET


from parc_xl.domain.assignments import ROLE_LEAD, target_text
from parc_xl.domain.fingerprint import canonical_json, sha256_text
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.domain.models import DeadlineKind, Plan, Progress, Registry, Task
from parc_xl.domain.periods import Period
from parc_xl.domain.text import clean
from parc_xl.io import package_guard as guard
from parc_xl.io.ooxml import col_letter as _col_letter
from parc_xl.io.ooxml import col_number
from parc_xl.io.unit_guide import GUIDE_LINES as _GUIDE_LINES, guide_lines  # noqa: F401 - re-exported

TEMPLATE_VERSION = "1"
FORMAT_ID = "parc-xl/unit-workbook"
SHEET_GUIDE = "Hướng dẫn"
SHEET_REPORT = "Báo cáo"
SHEET_META = "_parc_xl"
SHEET_CHECK = "Kết quả kiểm tra"  # added by io/annotate.py
HEADER_ROW = 4
FIRST_ROW = 5

# Limits for a returned file (README «Giới hạn»): checked by io/package_guard.py before
# any reader allocates; re-exported here where the unit workbook's callers look for them.
MAX_FILE_BYTES = guard.MAX_FILE_BYTES
MAX_UNCOMPRESSED_BYTES = guard.MAX_UNCOMPRESSED_BYTES
MAX_RATIO = guard.MAX_RATIO
MAX_ROWS = guard.MAX_ROWS
MAX_COLS = guard.MAX_COLS
MAX_CELL_CHARS = guard.MAX_CELL_CHARS


class Col(NamedTuple):
    id: str
    header: str
    width: float
    fill: bool  # unlocked, filled by the unit


COLUMNS: list[Col] = [
    Col("stt", "STT", 6, False),  # the number people know from the plan, in front
    Col("task", "Nhiệm vụ", 46, False),
    Col("product", "Sản phẩm", 20, False),
    Col("role", "Vai trò", 10, False),
    Col("deadline_text", "Thời gian hoàn thành", 17, False),
    Col("due", "Hạn", 11, False),
    Col("target", "Chỉ tiêu", 14, False),
    Col("progress", "Tiến độ", 16, True),
    Col("completed_on", "Ngày hoàn thành", 13, True),
    Col("evidence", "Văn bản / sản phẩm", 28, True),
    Col("figure", "Kết quả", 10, True),
    Col("difficulties", "Khó khăn, vướng mắc", 22, True),
    Col("proposals", "Đề xuất", 20, True),
    # an extension request (Tiến độ «Đề nghị điều chỉnh»): domain/extensions.py; workbooks
    # made before these columns are read without them (their `columns` metadata says so)
    Col("proposed_due", "Hạn đề nghị", 13, True),
    Col("extension_reason", "Lý do điều chỉnh", 24, True),
    # the row's identity for the merge ("1.4#1"): kept, out of the way: narrow, grey, last
    # and off the printed page (TECHNICAL_COLS). Forms made when it was column B are read
    # by header like any other, so they keep working.
    Col("key", "Khóa", 7, False),
]
TECHNICAL_COLS = {"key"}
PLAN_COLS = [c for c in COLUMNS if not c.fill]
# The plan columns in the order their cell hashes and the plan digest are recorded in
# `_parc_xl` (the form's format, not its layout): kept when the display order changed
# (Khóa moved from column B to last), so forms made before and after check alike.
HASHED_COLS = [next(c for c in PLAN_COLS if c.id == cid) for cid in
               ("stt", "key", "task", "product", "role", "deadline_text", "due", "target")]
FILL_COLS = [c for c in COLUMNS if c.fill]
COLUMN_IDS = [c.id for c in COLUMNS]
HEADER_TO_ID = {c.header: c.id for c in COLUMNS}

META_KEYS = (
    "format", "template_version", "unit", "unit_name", "period", "period_label", "plan_year",
    "plan_fingerprint", "generated_at", "header_row", "first_row", "columns", "plan_digest",
    "keys_digest",
)


def col_letter(index0: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    return _col_letter(index0 + 1)


def col_index(letters: str) -> int:
    """Excel letters → 0-based column index."""
    return col_number(letters) - 1


def a1(row: int, index0: int) -> str:
    return f"{col_letter(index0)}{row}"


# --- the plan part: values and digests ------------------------------------------------


def canon(value: object) -> str:
    """Comparison form of a locked cell's value (survives Excel/LibreOffice round trips)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _canon_text(value)
    return clean(value, keep_newlines=True)


@lru_cache(maxsize=65536)
def _canon_text(text: str) -> str:
    # Cached: every unit's file repeats the same plan texts (the merge reads dozens).
    return clean(text, keep_newlines=True)


def cell_hash(value: object) -> str:
    return _cell_hash(type(value).__qualname__, value)


@lru_cache(maxsize=65536)
def _cell_hash(kind: str, value: Any) -> str:
    # Keyed by type name too: 1, 1.0 and True are equal dict keys but canonicalise differently.
    # Cached because every return repeats the same plan texts (a merge hashes ~70,000 cells).
    return sha256_text(canon(value))[:8]


def due_in_period(task: Task, period: Period) -> dt.date | None:
    """The date the task is due for this period: the period's instance for a recurring
    task, the (last) due date for a dated one, none for event/continuous/unspecified."""
    d = task.deadline
    if d is None:
        return None
    if d.kind is DeadlineKind.RECURRING:
        try:
            from parc_xl.domain.deadlines import instance_due
        except ImportError:  # pragma: no cover - until the deadline engine lands
            return d.due or d.first_due
        return instance_due(d, period)
    if d.kind is DeadlineKind.DATE:
        return d.due or d.first_due
    return None


def plan_values(task: Task, role: str, period: Period) -> dict[str, object]:
    """The locked cells of one task row, by column id."""
    return {
        "stt": task.stt,
        "key": task.key,
        "task": clean(task.task, keep_newlines=True),
        "product": clean(task.product, keep_newlines=True),
        "role": role,
        "deadline_text": clean(task.deadline_text, keep_newlines=True),
        "due": due_in_period(task, period),
        "target": target_text(task),
    }


def row_hashes(values: dict[str, object]) -> str:
    return " ".join(cell_hash(values.get(c.id)) for c in HASHED_COLS)


def plan_digest(rows: list[dict[str, object]]) -> str:
    return sha256_text(canonical_json([[canon(r.get(c.id)) for c in HASHED_COLS] for r in rows]))


def keys_digest(keys: list[str]) -> str:
    return sha256_text(canonical_json(keys))


def meta_digest(meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    return sha256_text(_signed_text(meta, rows))


def _signed_text(meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    body = {k: meta.get(k, "") for k in META_KEYS}
    return canonical_json({"meta": body, "rows": [list(r) for r in rows]})


_MAC_CONTEXT = b"parc-xl unit workbook v1\n"


def meta_mac(key: str, meta: dict[str, str], rows: list[tuple[str, str, str]]) -> str:
    """HMAC-SHA-256 (hex) of the metadata and cell hashes under the master's secret."""
    import hmac

    return hmac.new(bytes.fromhex(key), _MAC_CONTEXT + _signed_text(meta, rows).encode("utf-8"),
                    "sha256").hexdigest()


def mac_matches(key: str, meta: dict[str, str], rows: list[tuple[str, str, str]], mac: str) -> bool:
    import hmac

    return bool(mac) and hmac.compare_digest(meta_mac(key, meta, rows), mac.strip().lower())


# --- writing --------------------------------------------------------------------------

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

_DATE_FMT = "dd/mm/yyyy"
GUIDE_WIDTH = 68  # column A of the unit's `Hướng dẫn` (Excel units): inside A4 portrait in Excel and LibreOffice
GUIDE_CHARS_PER_LINE = 80  # 12 pt Times New Roman in that width (≈94 measured), with a margin


def guide_row_height(text: str) -> float:
    """Height (points) of a `Hướng dẫn` row showing `text` wrapped in full."""
    return 17 * max(1, -(-len(text) // GUIDE_CHARS_PER_LINE)) + 4


def guide_unit_line(unit_name: str, unit_code: str, period: Period) -> str:
    """The last line of the unit's `Hướng dẫn`: whose form and which period."""
    return f"Đơn vị: {unit_name} (mã {unit_code}) — Kỳ báo cáo: {period.label_vi}"
_FONT = "Times New Roman"


def _style_body_cell(cell: Any, c: Col, bold: bool, body: Any, border: Any, shade: Any, wrap: Any,
                     center: Any, unlocked: Any, font_cls: Any) -> None:
    cell.font = font_cls(name=_FONT, size=11, bold=True) if bold else body
    cell.border = border
    if c.fill:
        cell.protection = unlocked
        cell.alignment = center if c.id in ("completed_on", "proposed_due", "figure", "progress") else wrap
        if c.id in ("completed_on", "proposed_due"):
            cell.number_format = _DATE_FMT
        elif c.id == "figure":
            cell.number_format = "General"  # "0.##" would show 0,995 as "1" and 99 as "99,"
        elif c.id != "progress":
            cell.number_format = "@"  # text: typed "=…" stays text
    else:
        cell.fill = shade
        cell.alignment = center if c.id in ("stt", "key", "role", "due") else wrap
        if c.id == "due":
            cell.number_format = _DATE_FMT
        if c.id in TECHNICAL_COLS:
            cell.font = font_cls(name=_FONT, size=8, color="808080")


def _row_height(values: dict[str, object], font_pt: float = 11) -> float:
    """Row height (points) that shows every wrapped plan cell in full: Excel and
    LibreOffice do not re-measure wrapped rows written by openpyxl."""
    lines = 1
    for c in PLAN_COLS:
        text = canon(values.get(c.id))
        if not text:
            continue
        per_line = max(int(c.width * 1.1) - 1, 4)  # Times New Roman 11 is narrower than the width unit
        n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return max(2, lines) * font_pt * 1.3 + 4


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
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties

    per = period if isinstance(period, Period) else Period.parse(period)
    unit = registry.unit(unit_code)
    unit_name = unit.name if unit else unit_code
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)

    wb = Workbook()
    guide = wb.active
    guide.title = SHEET_GUIDE
    ws = wb.create_sheet(SHEET_REPORT)
    meta_ws = wb.create_sheet(SHEET_META)

    # Hướng dẫn
    # LibreOffice prints a 95-wide column past the page edge (measured ≈6.9 pt a unit, no
    # shrinking): GUIDE_WIDTH fits A4 portrait inside the margins at 100%, the text wraps in
    # the column and the page need not be shrunk (a 95-wide column printed cut at the edge)
    guide.column_dimensions["A"].width = GUIDE_WIDTH
    for i, (text, bold) in enumerate(guide_lines(plan.year), start=1):
        c = guide.cell(row=i, column=1, value=text)
        c.font = Font(name=_FONT, size=14 if bold else 12, bold=bold)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[i].height = guide_row_height(text)
    r = len(_GUIDE_LINES) + 2
    unit_line = guide_unit_line(unit_name, unit_code, per)
    c = guide.cell(row=r, column=1, value=unit_line)
    c.font = Font(name=_FONT, size=12, italic=True)
    # a long unit name wraps inside the page (cut at the right edge when on one line)
    c.alignment = Alignment(wrap_text=True, vertical="top")
    guide.row_dimensions[r].height = guide_row_height(unit_line)
    guide.sheet_view.showGridLines = False
    guide.page_setup.orientation = "portrait"
    guide.page_setup.paperSize = guide.PAPERSIZE_A4
    guide.page_setup.fitToWidth = 1
    guide.page_setup.fitToHeight = 0
    guide.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    guide.page_margins.left = guide.page_margins.right = 0.6
    guide.print_area = f"A1:A{r}"
    guide.protection.sheet = True

    # Báo cáo
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    shade = PatternFill("solid", fgColor="E7E6E6")
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    body = Font(name=_FONT, size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")
    unlocked = Protection(locked=False)
    printed = len(COLUMNS)  # the page stops before the technical columns, which are last
    while printed > 1 and COLUMNS[printed - 1].id in TECHNICAL_COLS:
        printed -= 1
    last = col_letter(printed - 1)  # the title rows span the printed width: centred on the page

    title = f"BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {plan.year}"
    ws.cell(row=1, column=1, value=title).font = Font(name=_FONT, size=14, bold=True)
    ws.cell(row=2, column=1, value=f"Đơn vị: {unit_name} (mã {unit_code}) — Kỳ báo cáo: {per.label_vi}").font = Font(
        name=_FONT, size=12, bold=True)
    ws.cell(row=3, column=1, value="Cột nền xám: nội dung kế hoạch (không sửa). Cột nền trắng: đơn vị điền. "
            "Xem sheet «Hướng dẫn».").font = Font(name=_FONT, size=11, italic=True)
    for rr in (1, 2, 3):
        ws.merge_cells(f"A{rr}:{last}{rr}")
        ws.cell(row=rr, column=1).alignment = Alignment(horizontal="center" if rr < 3 else "left", vertical="center")
    ws.row_dimensions[1].height = 22

    for i, c in enumerate(COLUMNS):
        cell = ws.cell(row=HEADER_ROW, column=i + 1, value=c.header)
        cell.font = Font(name=_FONT, size=8 if c.id in TECHNICAL_COLS else 11, bold=True,
                         color="808080" if c.id in TECHNICAL_COLS else None)
        cell.alignment = center
        cell.border = border
        cell.fill = head_fill
        ws.column_dimensions[col_letter(i)].width = c.width
    ws.row_dimensions[HEADER_ROW].height = 32

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
        for i, c in enumerate(COLUMNS):
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
            _style_body_cell(cell, c, style_key[1], body, border, shade, wrap, center, unlocked, Font)
            styles[style_key] = copy(cell._style)
            if not c.fill and cell.quotePrefix:
                styles[style_key].quotePrefix = 0
        ws.row_dimensions[rno].height = _row_height(values)
    last_row = FIRST_ROW + len(tasks_with_roles) - 1

    if tasks_with_roles:
        ci = {c.id: col_letter(i) for i, c in enumerate(COLUMNS)}
        progress_list = ",".join(p.value for p in Progress)
        dv_progress = DataValidation(
            type="list", formula1=f'"{progress_list}"', allow_blank=True, showDropDown=False,
            showErrorMessage=True, errorStyle="stop", errorTitle="Tiến độ không hợp lệ",
            error="Hãy chọn một giá trị trong danh sách: Chưa triển khai, Đang thực hiện, "
                  "Đã hoàn thành, Đề nghị điều chỉnh.",
            showInputMessage=True, promptTitle="Tiến độ",
            prompt="Chọn trong danh sách. «Đã hoàn thành» cần ngày hoàn thành và văn bản / sản phẩm.",
        )
        dv_progress.add(f"{ci['progress']}{FIRST_ROW}:{ci['progress']}{last_row}")
        dv_date = DataValidation(
            type="date", operator="between", formula1=f"DATE({plan.year - 1},12,15)",
            formula2=f"DATE({plan.year + 1},12,31)", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Ngày không hợp lệ",
            error=f"Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/03/{plan.year}.",
            showInputMessage=True, promptTitle="Ngày hoàn thành",
            prompt=f"Ngày/tháng/năm, ví dụ 15/03/{plan.year}. Chỉ ghi khi đã hoàn thành.",
        )
        dv_date.add(f"{ci['completed_on']}{FIRST_ROW}:{ci['completed_on']}{last_row}")
        ws.add_data_validation(dv_progress)
        ws.add_data_validation(dv_date)
        dv_ask = DataValidation(
            type="date", operator="between", formula1=f"DATE({plan.year},1,1)",
            formula2=f"DATE({plan.year + 1},12,31)", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Ngày không hợp lệ",
            error=f"Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/09/{plan.year}.",
            showInputMessage=True, promptTitle="Hạn đề nghị",
            prompt="Chỉ ghi khi Tiến độ là «Đề nghị điều chỉnh»: hạn mới đơn vị đề nghị, sau cột «Hạn».",
        )
        if "proposed_due" in ci:
            dv_ask.add(f"{ci['proposed_due']}{FIRST_ROW}:{ci['proposed_due']}{last_row}")
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

    ws.freeze_panes = f"B{FIRST_ROW}"  # STT stays in sight
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # every row of the printed columns: the same for every unit (io/unit_stamp copies this
    # workbook's defined names), and Excel and LibreOffice print only the rows in use
    ws.print_area = f"A1:{last}1048576"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # allow widening columns
    ws.protection.formatRows = False  # allow taller rows
    wb.active = 1

    # _parc_xl (very hidden)
    keys = [k for k, _, _ in rows]
    meta = {
        "format": FORMAT_ID,
        "template_version": template_version,
        "unit": unit_code,
        "unit_name": unit_name,
        "period": per.code,
        "period_label": per.label_vi,
        "plan_year": str(plan.year),
        "plan_fingerprint": fingerprint,
        "generated_at": generated_at.isoformat(),
        "header_row": str(HEADER_ROW),
        "first_row": str(FIRST_ROW),
        "columns": ",".join(COLUMN_IDS),
        "plan_digest": plan_digest(all_values),
        "keys_digest": keys_digest(keys),
    }
    for i, k in enumerate(META_KEYS, start=1):
        meta_ws.cell(row=i, column=1, value=k)
        meta_ws.cell(row=i, column=2, value=meta[k]).number_format = "@"
    meta_ws.cell(row=len(META_KEYS) + 1, column=1, value="meta_digest")
    meta_ws.cell(row=len(META_KEYS) + 1, column=2, value=meta_digest(meta, rows))
    if mac_key:
        meta_ws.cell(row=len(META_KEYS) + 2, column=1, value="mac")
        meta_ws.cell(row=len(META_KEYS) + 2, column=2, value=meta_mac(mac_key, meta, rows))
    meta_ws.cell(row=1, column=4, value="row_key")
    meta_ws.cell(row=1, column=5, value="role")
    meta_ws.cell(row=1, column=6, value="cell_hashes")
    for i, (k, role, h) in enumerate(rows, start=2):
        meta_ws.cell(row=i, column=4, value=k).number_format = "@"
        meta_ws.cell(row=i, column=5, value=role)
        meta_ws.cell(row=i, column=6, value=h)
    meta_ws.sheet_state = "veryHidden"
    meta_ws.protection.sheet = True

    wb.security = WorkbookProtection(lockStructure=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- reading --------------------------------------------------------------------------


@dataclass
class UnitReturn:
    """What a returned unit workbook contains, as read (values only)."""

    path: Path
    sheets: list[str]
    meta: dict[str, str]  # empty when the metadata sheet is absent
    meta_rows: list[tuple[str, str, str]]  # (row key, role, cell hashes) in generated order
    meta_digest: str  # as stored
    header_row: int | None  # 1-based row of the header found, None if not found
    header: list[str]  # header texts as found (cleaned)
    rows: list[tuple[int, list[object]]]  # (1-based row number, values of columns A..)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    merged: list[str] = field(default_factory=list)  # "I5:J6"
    has_report_sheet: bool = True
    mac: str = ""  # as stored ("" in workbooks made before the keyed MAC)
    date1904: bool = False  # the workbook counts date serials from 1904 (old Mac Excel)

    @property
    def is_parc_xl(self) -> bool:
        return self.meta.get("format") == FORMAT_ID

    def computed_meta_digest(self) -> str:
        return meta_digest(self.meta, self.meta_rows)


_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHARED_STRINGS = "/sharedStrings"


@dataclass
class _Parts:
    sheets: dict[str, str]  # sheet name → zip part path
    shared_strings: str  # "" when the workbook has none
    date1904: bool  # the workbook counts dates from 1904 (`<workbookPr date1904="1"/>`)


def _workbook_parts(zf: zipfile.ZipFile, path: Path) -> _Parts:
    """The workbook part and its relationships, read once (through the guard: CRC, no DTD)."""
    try:
        wb = ET.fromstring(guard.read_part(zf, path, "xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = ET.fromstring(guard.read_part(zf, path, rels_name)) if rels_name in zf.namelist() else None
    except ET.ParseError as exc:
        raise guard.damaged(path, "nội dung XML của sổ không đọc được") from exc
    targets: dict[str, str] = {}
    shared = ""
    for rel in rels if rels is not None else []:
        t = rel.get("Target", "")
        t = t.lstrip("/") if t.startswith("/") else normpath(posix_join("xl", t))
        targets[rel.get("Id", "")] = t
        if rel.get("Type", "").endswith(_SHARED_STRINGS):
            shared = t
    out = _Parts(sheets={}, shared_strings=shared, date1904=False)
    for el in wb.iter():
        if not isinstance(el.tag, str):
            continue
        name = el.tag.rpartition("}")[2]
        if name == "sheet":
            out.sheets[el.get("name", "")] = targets.get(el.get(_NS_REL, ""), "")
        elif name == "workbookPr":
            out.date1904 = el.get("date1904", "0").strip().lower() in ("1", "true")
    return out


def _text(v: object) -> str:
    return "" if v is None else (v if isinstance(v, str) else canon(v))


def read_unit_book(path: Path) -> UnitReturn:
    """Read a returned unit workbook (values only, bounded); InputError when unusable.

    The package and every sheet python-calamine will load (`Báo cáo`, `_parc_xl`) pass
    io/package_guard.py first; whatever calamine still refuses is `package-damaged`."""
    from parc_xl.io.unit_scan import scan_sheet_xml

    path = Path(path)
    zf = guard.open_package(path)
    try:
        parts = _workbook_parts(zf, path)
        ret = UnitReturn(path=path, sheets=list(parts.sheets), meta={}, meta_rows=[], meta_digest="",
                         header_row=None, header=[], rows=[], date1904=parts.date1904)
        if parts.shared_strings:
            guard.check_shared_strings(zf, path, parts.shared_strings)
        meta_part = parts.sheets.get(SHEET_META)
        if meta_part and meta_part in zf.namelist():  # calamine loads it too: same limits
            scan_sheet_xml(path, guard.read_part(zf, path, meta_part), guard.SheetScan(), SHEET_META)
        report_part = parts.sheets.get(SHEET_REPORT)
        if report_part is None or report_part not in zf.namelist():
            ret.has_report_sheet = False
        else:
            scan = scan_sheet_xml(path, guard.read_part(zf, path, report_part), guard.SheetScan(), SHEET_REPORT)
            ret.formulas, ret.hidden_rows, ret.hidden_cols, ret.merged = (
                scan.formulas, scan.hidden_rows, scan.hidden_cols, scan.merged)
    finally:
        zf.close()

    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise guard.damaged(path, f"bộ đọc báo lỗi {type(exc).__name__}") from exc
    try:
        if SHEET_META in wb.sheet_names:
            meta_vals = wb.get_sheet_by_name(SHEET_META).to_python(skip_empty_area=False)
            for r in meta_vals:
                if len(r) >= 2 and _text(r[0]):
                    k = _text(r[0])
                    if k == "meta_digest":
                        ret.meta_digest = _text(r[1])
                    elif k == "mac":
                        ret.mac = _text(r[1])
                    elif k in META_KEYS:
                        ret.meta[k] = _text(r[1])
            for r in meta_vals[1:]:
                if len(r) >= 6 and _text(r[3]):
                    ret.meta_rows.append((_text(r[3]), _text(r[4]), _text(r[5])))
        if ret.has_report_sheet and SHEET_REPORT in wb.sheet_names:
            values = wb.get_sheet_by_name(SHEET_REPORT).to_python(skip_empty_area=False)
            _locate_rows(ret, values)
        else:
            ret.has_report_sheet = False
    except Exception as exc:  # noqa: BLE001 - a sheet calamine cannot decode (bad CRC, XML, encoding)
        raise guard.damaged(path, f"bộ đọc báo lỗi {type(exc).__name__}") from exc
    finally:
        wb.close()
    return ret


def _locate_rows(ret: UnitReturn, values: Sequence[Sequence[object]]) -> None:
    """Find the header row (the first row, among the first 15, naming Khóa and Tiến độ)."""
    for i, r in enumerate(values[:15]):
        texts = [clean(_text(v)) for v in r]
        if "Khóa" in texts and "Tiến độ" in texts or sum(t in HEADER_TO_ID for t in texts) >= 6:
            ret.header_row = i + 1
            ret.header = texts
            break
    if ret.header_row is None:
        return
    for i in range(ret.header_row, len(values)):
        r = values[i]
        if any(v not in ("", None) for v in r):
            ret.rows.append((i + 1, list(r)))
