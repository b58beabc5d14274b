"""A marked copy of a returned unit workbook: what the clerk sends back to the unit.

Each problem cell gets a static fill (red for an error, yellow for a warning — the only
static fills parc-xl writes, PRODUCT.md "Status and colours") and a Vietnamese note; a
`Kết quả kiểm tra` sheet lists every problem with a hyperlink to its cell. The source
file is opened read-only and never written: the copy goes to `dst` (which must differ).
openpyxl round-trips the unit workbook we generated ourselves; anything a unit added
that openpyxl cannot keep is irrelevant to a marked copy.
"""

from __future__ import annotations

from pathlib import Path

from parc_xl.domain.problems import Problem, Severity
from parc_xl.errors import InputError
from parc_xl.io.unit_book import SHEET_CHECK, SHEET_REPORT

ERROR_FILL = "FFC7CE"  # Excel's "Bad" fill
WARNING_FILL = "FFEB9C"  # Excel's "Neutral" fill
_FONT = "Times New Roman"
CHECK_HEADERS = [("Mức độ", 10), ("Loại", 26), ("Ô", 9), ("Nhiệm vụ", 10), ("Nội dung", 100)]


def annotate(src: Path, dst: Path, problems: list[Problem]) -> Path:
    """Write the marked copy of `src` to `dst`; returns `dst`."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise InputError(f"Bản đánh dấu phải khác tệp gốc «{src.name}».")
    try:
        wb = load_workbook(src)
    except Exception as exc:  # noqa: BLE001 - any unreadable package
        raise InputError(f"Không tạo được bản đánh dấu cho «{src.name}»: tệp không đọc được.") from exc

    fills = {Severity.ERROR: PatternFill("solid", fgColor=ERROR_FILL),
             Severity.WARNING: PatternFill("solid", fgColor=WARNING_FILL)}
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        if p.cell and p.sheet in wb.sheetnames:
            by_cell.setdefault((p.sheet, p.cell), []).append(p)
    for (sheet, ref), probs in by_cell.items():
        ws = wb[sheet]
        try:
            cell = ws[ref]
        except (ValueError, KeyError):
            continue
        if type(cell).__name__ == "MergedCell":
            continue
        worst = Severity.ERROR if any(p.severity is Severity.ERROR for p in probs) else Severity.WARNING
        cell.fill = fills[worst]
        text = "\n".join(f"{p.severity.label_vi}: {p.message}" for p in probs)
        comment = Comment(text[:2000], "parc-xl")
        comment.width, comment.height = 320, min(60 + 40 * len(probs), 400)
        cell.comment = comment

    if SHEET_CHECK in wb.sheetnames:
        del wb[SHEET_CHECK]
    wb.security = None  # the marked copy needs a new sheet; the unit's copy is not a template
    ws = wb.create_sheet(SHEET_CHECK, 0)
    ws.sheet_properties.tabColor = "C00000"
    ws.cell(row=1, column=1, value=f"KẾT QUẢ KIỂM TRA TỆP {src.name}").font = Font(name=_FONT, size=13, bold=True)
    n_err = sum(p.severity is Severity.ERROR for p in problems)
    ws.cell(row=2, column=1, value=f"{n_err} lỗi, {len(problems) - n_err} cảnh báo. Ô có lỗi tô đỏ, ô có cảnh báo "
            "tô vàng; di chuột vào ô để xem ghi chú. Bấm vào địa chỉ ô để đến ô đó.").font = Font(name=_FONT, size=11,
                                                                                              italic=True)
    for i, (h, w) in enumerate(CHECK_HEADERS, start=1):
        c = ws.cell(row=4, column=i, value=h)
        c.font = Font(name=_FONT, size=11, bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        ws.column_dimensions[c.column_letter].width = w
    order = sorted(problems, key=lambda p: (p.severity is not Severity.ERROR,))
    for r, p in enumerate(order, start=5):
        values = [p.severity.label_vi, p.label, p.cell, p.task_key, p.message]
        for i, v in enumerate(values, start=1):
            c = ws.cell(row=r, column=i, value=v)
            c.font = Font(name=_FONT, size=11)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).fill = fills[p.severity]
        ws.row_dimensions[r].height = 15 * max(1, -(-len(p.message) // 105)) + 3
        sheet = p.sheet or SHEET_REPORT
        if p.cell and sheet in wb.sheetnames:
            link = ws.cell(row=r, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{p.cell}")
            link.font = Font(name=_FONT, size=11, color="0563C1", underline="single")
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst
