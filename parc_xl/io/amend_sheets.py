"""The master's sheets an amendment rewrites or adds: the amended `Kế hoạch` (with the
amendment's reference), the grey rule for retired `Theo dõi` rows, and the year-end
`Chuyển tiếp` sheet. The job patches the master with these (`jobs/plan_amend.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from parc_xl.domain.models import Plan
from parc_xl.io import master_layout as L
from parc_xl.io.master_layout import Column

SHEET_CARRY_OVER = "Chuyển tiếp"
#: Grey of a retired row (calm, readable: Excel's "Neutral" family is taken by due soon).
RETIRED_FILL = "D9D9D9"
RETIRED_FONT = "7F7F7F"

AMEND_COLUMN = Column("amendment", "Điều chỉnh", 40)

CARRY_OVER_COLUMNS = [
    Column("key", "Khóa (năm cũ)", 10),
    Column("stt", "STT", 7),
    Column("area", "Lĩnh vực", 18),
    Column("task", "Nhiệm vụ", 55),
    Column("unit", "Mã đơn vị", 10),
    Column("unit_name", "Đơn vị chủ trì", 24),
    Column("deadline_text", "Thời gian hoàn thành", 18),
    Column("status", "Trạng thái cuối năm", 22),
    Column("progress", "Tiến độ báo cáo cuối", 16),
    Column("period", "Kỳ báo cáo cuối", 10),
    Column("evidence", "Văn bản / sản phẩm", 28),
    Column("difficulties", "Khó khăn, vướng mắc", 28),
    Column("decision", "Tiếp tục năm mới? (văn phòng ghi)", 20),
]


def write_plan_sheet(path: Path, plan: Plan, notes: dict[str, str], reference: str) -> None:
    """A workbook whose `Kế hoạch` sheet is `plan` laid out as at import, plus a last
    column `Điều chỉnh` saying what the amendment did to each task, and the reference
    in the page header and the sheet's first cell note."""
    from openpyxl.comments import Comment

    from parc_xl.io.master_writer import plan_sheet_rows, write_table

    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_PLAN
    columns = [*L.PLAN_COLUMNS, AMEND_COLUMN]
    rows = [[*r, notes.get(str(r[0]), "")] for r in plan_sheet_rows(plan)]
    write_table(ws, columns, rows)
    ws.print_area = f"A1:{get_column_letter(L.PLAN_PRINTED_COLUMNS)}{len(rows) + 1}"
    header = f"Kế hoạch đã điều chỉnh theo {reference}"
    ws.oddHeader.center.text = header
    ws["A1"].comment = Comment(header, "parc-xl")
    wb.save(path)


def write_carry_over_sheet(path: Path, rows: list[dict[str, Any]], title: str) -> None:
    from openpyxl.styles import Font

    from parc_xl.io.master_writer import write_table

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_CARRY_OVER
    write_table(ws, CARRY_OVER_COLUMNS, [[r.get(c.id) for c in CARRY_OVER_COLUMNS] for r in rows])
    ws.oddHeader.center.text = title
    ws.oddHeader.center.font = "Times New Roman,Bold"
    ws["A1"].font = Font(name="Times New Roman", size=11, bold=True)
    wb.save(path)


def add_status_text_rule(pkg: Any, sheet: str, status_col: int, text: str,
                         fill: str = RETIRED_FILL, font: str = RETIRED_FONT) -> bool:
    """Add to `sheet` of an open `XlsxPackage` one conditional-format rule colouring a
    row whose status column (1-based `status_col`) reads `text`, over the range the
    existing status rules cover (or rows 2..5000). False when it is there already."""
    from parc_xl.io.ooxml import base as X

    part = pkg.sheet(sheet)
    root = part.root
    ns = X.NS_MAIN
    letter = X.col_letter(status_col)
    formula_text = f'${letter}2="{text}"'
    blocks = [el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "conditionalFormatting"]
    for block in blocks:
        for f in block.iter(f"{{{ns}}}formula"):
            if (f.text or "").strip() == formula_text:
                return False
    target = next((b for b in blocks if any(f"${letter}" in (f.text or "") for f in b.iter(f"{{{ns}}}formula"))),
                  None)
    if target is None:
        target = etree.Element(f"{{{ns}}}conditionalFormatting")
        target.set("sqref", f"A2:{X.col_letter(len(L.TRACKING_COLUMNS))}5000")
        X._insert_ordered(root, target, X._WS_ORDER)
    priorities = [int(r.get("priority", "0")) for b in blocks for r in b if isinstance(r.tag, str)]
    dxf = etree.Element(f"{{{ns}}}dxf")
    font_el = etree.SubElement(dxf, f"{{{ns}}}font")
    etree.SubElement(font_el, f"{{{ns}}}color").set("rgb", f"FF{font}")
    fill_el = etree.SubElement(dxf, f"{{{ns}}}fill")
    pattern = etree.SubElement(fill_el, f"{{{ns}}}patternFill")
    pattern.set("patternType", "solid")
    etree.SubElement(pattern, f"{{{ns}}}fgColor").set("rgb", f"FF{fill}")
    etree.SubElement(pattern, f"{{{ns}}}bgColor").set("rgb", f"FF{fill}")
    dxf_id = pkg._styles()._append("dxfs", dxf)
    rule = etree.SubElement(target, f"{{{ns}}}cfRule")
    rule.set("type", "expression")
    rule.set("dxfId", str(dxf_id))
    rule.set("priority", str(max(priorities, default=0) + 1))
    rule.set("stopIfTrue", "1")
    etree.SubElement(rule, f"{{{ns}}}formula").text = formula_text
    part._touch()
    return True
