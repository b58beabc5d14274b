"""Decree 30/2020/NĐ-CP form shared by every Word document parc-xl writes (the periodic
report, the reminder letters): page, fonts, the two-column header, ruled tables, room for
the office's own words, page numbers, the «Nơi nhận» and signature block.

NĐ 30/2020 on administrative documents: A4; margins top and bottom 20–25 mm, left
30–35 mm, right 15–20 mm; Times New Roman 13–14 for the body; a two-column header
(issuing body left in capitals, quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and
tiêu ngữ "Độc lập - Tự do - Hạnh phúc" right), "Số: …" under the issuing body, the
place-date line in italics under the tiêu ngữ; page numbers in the top margin, centred,
not on the first page (Phụ lục I, mục II.9); the issuing body in capitals, 12–13 pt bold,
on as few lines as its name needs. Room left for the office's own words is bracketed,
italic and highlighted, so nothing of it can be signed unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from parc_xl.domain.text import ascii_fold, clean

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
_UBND = re.compile(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s*", re.IGNORECASE)


def issuer_lines(issuer: str) -> tuple[str, str]:
    """("ỦY BAN NHÂN DÂN", "HUYỆN HÓC MÔN") or ("", "SỞ NỘI VỤ"): (governing line, issuing body)."""
    text = clean(issuer) or "Cơ quan ban hành"
    m = _UBND.match(text)
    if m:
        rest = text[m.end():]
        return "", ("ỦY BAN NHÂN DÂN\n" + rest.upper()).strip()
    return "", text.upper()


def symbol(issuer: str) -> str:
    """Abbreviation for the số/ký hiệu: "UBND" for a People's Committee, else initials."""
    text = clean(issuer)
    if not text or _UBND.match(text):
        return "UBND"
    words = [w for w in re.split(r"[\s\-]+", ascii_fold(text)) if w and w[0].isalpha()]
    return "".join(w[0].upper() for w in words)[:8] or "…"


def signature_title(issuer: str) -> list[str]:
    if _UBND.match(clean(issuer)):
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if clean(issuer).lower().startswith("sở"):
        return ["GIÁM ĐỐC"]
    return ["THỦ TRƯỞNG CƠ QUAN"]


# Advance widths of Times New Roman bold capitals, in em (≈ the font's metrics): enough
# to choose the issuer column's width and size so that its name keeps to its lines.
_SPACE_EM, _NARROW_EM, _WIDE_EM, _CAP_EM = 0.25, 0.39, 0.94, 0.72
_PT_MM = 0.3528
PAGE_TEXT_MM = 165  # A4 210 mm − left 30 − right 15


def _line_mm(line: str, size_pt: float) -> float:
    em = 0.0
    for ch in line:
        em += (_SPACE_EM if ch == " " else _NARROW_EM if ch in "IJ-.,()" else _WIDE_EM if ch in "MWƯỨỪỬỮỰ"
               else _CAP_EM)
    return em * size_pt * _PT_MM


def issuer_layout(lines: list[str]) -> tuple[float, float]:
    """(font size, left column width in mm) for the issuing body: 13 pt when its longest
    line fits a column of at most 80 mm, else 12 pt (NĐ 30 allows 12–13), the column
    just wide enough (2 mm cell margins each side)."""
    for size in (13.0, 12.0):
        need = max(_line_mm(x, size) for x in lines) + 6
        if need <= 80:
            return size, max(62.0, need)
    return 12.0, 80.0


def no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _run(p: Any, text: str, bold: bool, italic: bool, size: float) -> Any:
    """A run; bold and italic are written only when on (plain text inherits "not bold" from
    the style: writing <w:b w:val="0"/> on every cell of a long table cost half its time)."""
    run = p.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    run.font.size = Pt(size)
    return run


def para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float = BODY_PT,
          align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, space_after: float = 6):
    p = container.add_paragraph()
    if text:
        _run(p, text, bold, italic, size)
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_after, pf.space_before = Pt(space_after), Pt(0)
    if indent:
        pf.first_line_indent = Mm(10)
    return p


def cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: float = BODY_PT,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> None:
    lines = text.split("\n")
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        _run(p, line, bold, italic, size)
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)


def widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (LibreOffice reads the grid, Word the cells: set both)."""
    table.autofit = False
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
    # the rows' own <w:tc>: `table.columns[i].cells` rebuilds the whole grid on every call
    for tr in table._tbl.tr_lst:
        for tc, w in zip(tr.tc_lst, widths_mm, strict=False):
            tc.width = Mm(w)


def grid(doc: Any, headers: list[str], rows: list[list[str]], widths_mm: Sequence[float],
          left: Sequence[int] = (1,)) -> Table:
    """A ruled table; columns in `left` are left-aligned (text), the others centred (figures).
    Rows do not split over a page; the header row repeats on every page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell_text(table.rows[0].cells[i], h, bold=True, size=TABLE_PT)
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        # python-docx's `row.cells` rebuilds the whole table grid on each call (quadratic:
        # a large office's report never finished); the row's own <w:tc> are enough here.
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for i, v in enumerate(values):
            cell_text(cells[i], v, size=TABLE_PT,
                       align=WD_ALIGN_PARAGRAPH.LEFT if i in left else WD_ALIGN_PARAGRAPH.CENTER)
    widths(table, widths_mm)
    # repeat the header row on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    para(doc, "", space_after=4)
    return table


def placeholder(container: Any, text: str) -> Any:
    """Room for the office's own words: bracketed, italic, highlighted yellow."""
    p = container.add_paragraph()
    run = p.add_run(f"[{text}]")
    run.italic, run.font.size = True, Pt(BODY_PT)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    pf = p.paragraph_format
    pf.first_line_indent, pf.space_after, pf.space_before = Mm(10), Pt(6), Pt(0)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def page_numbers(doc: Any) -> None:
    """Page numbers: top margin, centred, from page 2 (NĐ 30)."""
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    p = sec.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size = Pt(BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        else:
            t = OxmlElement("w:t")
            t.text = "2"
            run._r.append(t)



def new_document() -> Any:
    """An empty A4 portrait document in the Decree 30 page setup, body font and page numbers."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    page_numbers(doc)
    return doc


def mark_gaps(cell: Any, text: str, *, size: float = BODY_PT, italic: bool = False) -> None:
    """`text` in `cell`, centred, every "…" highlighted yellow: what the clerk must fill
    before signing (the number a letter gets when it is registered, the date)."""
    p = cell.paragraphs[0]
    for part in re.split(r"(…+)", text):
        if not part:
            continue
        run = p.add_run(part)
        run.italic, run.font.size = italic, Pt(size)
        if part.startswith("…"):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)


def header_block(doc: Any, issuer: str, number: str, date_line: str, *, mark: bool = False,
                 subject: str = "") -> Table:
    """Issuing body | quốc hiệu and tiêu ngữ; under them "Số: …" | place and date. A công
    văn carries its subject ("V/v …", 12 pt) under its number. With `mark` the "…" gaps
    are highlighted for the clerk."""
    head = doc.add_table(rows=2, cols=2)
    no_borders(head)
    _, body = issuer_lines(issuer)
    size, left_mm = issuer_layout(body.split("\n"))
    cell_text(head.cell(0, 0), body, bold=True, size=size)
    cell_text(head.cell(0, 1), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    p = head.cell(0, 1).add_paragraph()
    r = p.add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if mark:
        mark_gaps(head.cell(1, 0), number, size=13)
        mark_gaps(head.cell(1, 1), date_line, size=13, italic=True)
    else:
        cell_text(head.cell(1, 0), number, size=13)
        cell_text(head.cell(1, 1), date_line, italic=True, size=13)
    if subject:
        p = head.cell(1, 0).add_paragraph()
        r = p.add_run(subject)
        r.font.size = Pt(12)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
    widths(head, [left_mm, PAGE_TEXT_MM - left_mm])
    return head


def signature_block(doc: Any, issuer: str, recipients: list[str], missing: str = "") -> Table:
    """«Nơi nhận» (left: `recipients` as written, then «Lưu: VT, …»; `missing`, when given
    and there are no recipients, is a highlighted line to fill) | signature (right)."""
    foot = doc.add_table(rows=1, cols=2)
    no_borders(foot)
    foot.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = foot.cell(0, 0), foot.cell(0, 1)
    cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines: list[str | None] = list(recipients) or ([None] if missing else [])
    for line in lines:
        p = left.add_paragraph()
        run = p.add_run(line or missing)
        run.font.size = Pt(11)
        if line is None:
            run.italic, run.font.highlight_color = True, WD_COLOR_INDEX.YELLOW
        p.paragraph_format.space_after = Pt(0)
    p = left.add_paragraph()
    run = p.add_run(f"- Lưu: VT, {symbol(issuer)}.")
    run.font.size = Pt(11)
    p.paragraph_format.space_after = Pt(0)
    cell_text(right, "\n".join(signature_title(issuer)), bold=True, size=13)
    p = right.add_paragraph()
    run = p.add_run("(Ký, ghi rõ họ tên, đóng dấu)")
    run.italic, run.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    widths(foot, [80, 85])
    return foot
