"""The reminder letter (công văn đôn đốc) to one unit, in Decree 30/2020/NĐ-CP form, and
the summary table of every letter of a run.

A công văn (NĐ 30/2020, Phụ lục III, mẫu 1.4): the issuing body and "Số: …/…" with the
subject "V/v …" under it (left), quốc hiệu, tiêu ngữ and place-date (right); "Kính gửi:"
centred; the body; «Nơi nhận» (Như trên; Lưu: VT) and the signature. What the clerk
fills before signing — the number the letter gets when it is registered, the place and
the day — is highlighted. The page, fonts, tables and signature are `io/decree30_docx.py`,
the same as the periodic report's.

The summary is a workbook (not a Word table): the clerk sorts and filters it, and fills
in its «Số văn bản» and «Ngày gửi» columns as each letter is registered and sent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.page import PageMargins

from parc_xl.domain.reminders import (
    Reminder,
    closing_paragraphs,
    day_cell,
    letter_paragraphs,
    subject_line,
)
from parc_xl.io.decree30_docx import grid, header_block, new_document, para, signature_block, symbol

TASK_HEADERS = ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày làm việc quá hạn"]
TASK_WIDTHS_MM = [16, 89, 25, 35]  # = the 165 mm text width


def write_letter(path: Path, r: Reminder, *, issuer: str, year: int, period_label: str, as_of: dt.date) -> None:
    doc = new_document()
    header_block(doc, issuer, f"Số: …/{symbol(issuer)}-…", f"……, ngày … tháng … năm {as_of.year}", mark=True,
                 subject=subject_line(year, period_label))
    para(doc, "", space_after=6)
    para(doc, f"Kính gửi: {r.unit_name}.", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    for text in letter_paragraphs(r, issuer=issuer, year=year, period_label=period_label, as_of=as_of):
        para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    tasks = [*r.overdue, *r.due_soon]
    if tasks:
        grid(doc, TASK_HEADERS,
             [[t.number, t.task, f"{t.due:%d/%m/%Y}" if t.due else "", day_cell(t)] for t in tasks],
             TASK_WIDTHS_MM, left=(1,))
    closing = [para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY) for text in closing_paragraphs(r)]
    closing.append(para(doc, "", space_after=6))
    for p in closing:  # the signature never stands alone on a page
        p.paragraph_format.keep_with_next = True
    signature_block(doc, issuer, ["- Như trên;"])
    doc.save(str(path))


SUMMARY_SHEET = "Đôn đốc"
SUMMARY_COLUMNS = [  # header, width
    ("STT", 5), ("Mã đơn vị", 10), ("Đơn vị", 30), ("Thư điện tử", 26), ("Báo cáo của kỳ", 30),
    ("Số nhiệm vụ quá hạn", 10), ("Số nhiệm vụ sắp đến hạn", 10), ("Nhiệm vụ (STT)", 24),
    ("Văn bản", 28), ("Thư nháp", 30), ("Số văn bản", 14), ("Ngày gửi", 12),
]


def return_cell(r: Reminder) -> str:
    m = r.missing_return
    if m is None:
        return "Đã gửi"
    sent = f"Bị từ chối ({m.refused_at:%d/%m/%Y})" if m.refused_at else "Chưa gửi"
    if m.late:
        return f"{sent}, quá hạn {m.days_late} ngày làm việc (hạn {m.deadline:%d/%m/%Y})"
    return f"{sent} (hạn {m.deadline:%d/%m/%Y})"


def write_summary(path: Path, rows: list[tuple[Reminder, str, str, str]], *, title: str) -> None:
    """`rows`: (reminder, address, letter file name, draft file name or why there is none)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    ws.append([title])
    ws["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    ws.append([h for h, _ in SUMMARY_COLUMNS])
    for i, (r, address, letter, draft) in enumerate(rows, start=1):
        numbers = [t.number for t in (*r.overdue, *r.due_soon)]
        ws.append([i, r.unit, r.unit_name, address, return_cell(r), len(r.overdue), len(r.due_soon),
                   ", ".join(numbers), letter, draft, None, None])
    body, bold = Font(name="Times New Roman", size=11), Font(name="Times New Roman", size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.font = bold if cell.row == 2 else body
            cell.alignment = wrap
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"  # a unit name never becomes a formula
    for col in ws.iter_cols(min_col=12, max_col=12, min_row=3):
        for cell in col:
            cell.number_format = "dd/mm/yyyy"
    for i, (_, width) in enumerate(SUMMARY_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    wb.save(path)
