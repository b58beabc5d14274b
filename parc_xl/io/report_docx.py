"""The Word draft of the periodic report, laid out per Decree 30/2020/NĐ-CP (Phụ lục I).

NĐ 30/2020 on administrative documents: A4; margins top and bottom 20–25 mm, left
30–35 mm, right 15–20 mm; Times New Roman 13–14 for the body; a two-column header
(issuing body left in capitals, quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and
tiêu ngữ "Độc lập - Tự do - Hạnh phúc" right), "Số: …/BC-…" under the issuing body,
the place-date line in italics under the tiêu ngữ, the document type "BÁO CÁO" and its
subject, then the body, the "Nơi nhận:" block (left) and the signature block (right).

All figures come from one `StatusSummary`, the same object the dashboard and the JSON
are built from; what the report quotes from the master (who sent what and when, the
units' difficulties and proposals, the per-unit and target tables) from one
`ReportContent` (`domain/report_content.py`).

NĐ 30/2020 details kept here: page numbers in the top margin, centred, not on the first
page (Phụ lục I, mục II.9); the issuing body in capitals, 12–13 pt bold, on as few lines as
its name needs; a report (văn bản có tên loại) has no «Kính gửi»: its addressees are in
«Nơi nhận», then «Lưu: VT». Room left for the office's own words is bracketed, italic and
highlighted, so nothing of it can be signed unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from parc_xl.domain.models import Status
from parc_xl.domain.periods import Period
from parc_xl.domain.report_content import (
    NOT_JUDGED,
    NOT_REPORTED_COLUMN,
    UNIT_COLUMNS,
    AreaQuotes,
    ReportContent,
)
from parc_xl.domain.status import official_bucket
from parc_xl.domain.summary import StatusSummary, percent_vi
from parc_xl.domain.targets import format_number_vi
from parc_xl.domain.text import ascii_fold, clean

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
# A signed report lists at most this many overdue rows (or tasks, when many units are
# late) and target rows; the full lists are the master's sheets.
DETAIL_ROWS = 60
TARGET_ROWS = 120

# Report subject per period kind (how reports name their period).
_PERIOD_SUBJECT = {
    "Q1": "quý I năm {year}",
    "H1": "6 tháng đầu năm {year}",
    "Q3": "9 tháng năm {year}",
    "Y": "năm {year}",
}
_UBND = re.compile(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s*", re.IGNORECASE)


def period_subject(period: Period) -> str:
    return _PERIOD_SUBJECT[period.kind].format(year=period.year)


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


def _signature_title(issuer: str) -> list[str]:
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


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float = BODY_PT,
          align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, space_after: float = 6):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_after, pf.space_before = Pt(space_after), Pt(0)
    if indent:
        pf.first_line_indent = Mm(10)
    return p


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: float = BODY_PT,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> None:
    lines = text.split("\n")
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        run = p.add_run(line)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (LibreOffice reads the grid, Word the cells: set both)."""
    table.autofit = False
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
        for cell in table.columns[i].cells:
            cell.width = Mm(w)


def _grid(doc: Any, headers: list[str], rows: list[list[str]], widths_mm: Sequence[float],
          left: Sequence[int] = (1,)) -> Table:
    """A ruled table; columns in `left` are left-aligned (text), the others centred (figures).
    Rows do not split over a page; the header row repeats on every page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        _cell_text(table.rows[0].cells[i], h, bold=True, size=TABLE_PT)
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        # python-docx's `row.cells` rebuilds the whole table grid on each call (quadratic:
        # a large office's report never finished); the row's own <w:tc> are enough here.
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for i, v in enumerate(values):
            _cell_text(cells[i], v, size=TABLE_PT,
                       align=WD_ALIGN_PARAGRAPH.LEFT if i in left else WD_ALIGN_PARAGRAPH.CENTER)
    _widths(table, widths_mm)
    # repeat the header row on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    _para(doc, "", space_after=4)
    return table


def _official(counts: dict[str, int]) -> dict[Status, int]:
    out = {s: 0 for s in (Status.DONE_ON_TIME, Status.DONE_LATE, Status.IN_PROGRESS_ON_TIME, Status.OVERDUE)}
    for name, n in counts.items():
        out[official_bucket(Status(name))] += n
    return out


def narrative(s: StatusSummary, issuer: str, year: int) -> list[str]:
    """The sentences of part I, generated from the figures."""
    c = s.counts
    total = s.total_tasks

    def pct(n: int) -> str:
        return percent_vi(n / total if total else None)

    done = c[Status.DONE_ON_TIME.value] + c[Status.DONE_LATE.value]
    in_time = s.official[Status.IN_PROGRESS_ON_TIME.value]
    overdue = c[Status.OVERDUE.value]
    out = [
        f"Kế hoạch cải cách hành chính năm {year}{' của ' + issuer if issuer else ''} có {total} nhiệm vụ "
        f"({s.total_rows} lượt nhiệm vụ giao cho các đơn vị chủ trì).",
        f"Tính đến ngày {s.as_of:%d/%m/%Y}: tổng số nhiệm vụ: {total}; đã hoàn thành {done} ({pct(done)}), "
        f"trong đó đúng hạn {c[Status.DONE_ON_TIME.value]} ({pct(c[Status.DONE_ON_TIME.value])}), "
        f"quá hạn {c[Status.DONE_LATE.value]} ({pct(c[Status.DONE_LATE.value])}); "
        f"đang thực hiện trong hạn {in_time} ({pct(in_time)}), trong đó sắp đến hạn "
        f"{c[Status.DUE_SOON.value]}, không có hạn cụ thể {c[Status.NO_FIXED_DEADLINE.value]}, "
        f"đơn vị chưa báo cáo {c[Status.NOT_REPORTED.value]}; quá hạn chưa hoàn thành {overdue} ({pct(overdue)}).",
        f"Tỷ lệ hoàn thành đúng hạn trên tổng số nhiệm vụ đã hoàn thành: {percent_vi(s.on_time_rate)}.",
    ]
    t = s.targets
    if t.get("with_targets"):
        out.append(
            f"Về chỉ tiêu: {t['with_targets']} nhiệm vụ có chỉ tiêu định lượng; đạt {t['achieved']}, "
            f"không đạt {t['not_achieved']}, chưa có số liệu hoặc chưa đánh giá được {t['not_judged']}."
        )
    return out


def _placeholder(container: Any, text: str) -> Any:
    """Room for the office's own words: bracketed, italic, highlighted yellow."""
    p = container.add_paragraph()
    run = p.add_run(f"[{text}]")
    run.italic, run.font.size = True, Pt(BODY_PT)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    pf = p.paragraph_format
    pf.first_line_indent, pf.space_after, pf.space_before = Mm(10), Pt(6), Pt(0)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def _quotes(doc: Any, groups: list[AreaQuotes], nothing: str) -> None:
    """The units' own words, by area then unit, quoted exactly."""
    if not groups:
        _para(doc, nothing, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        return
    for area in groups:
        _para(doc, f"{area.area or 'Lĩnh vực chưa xác định'}:", bold=True, italic=True, indent=True, space_after=2)
        for unit in area.units:
            for q in unit.quotes:
                # a quote with its own line breaks: justified lines before a break would stretch
                align = WD_ALIGN_PARAGRAPH.LEFT if "\n" in q.text else WD_ALIGN_PARAGRAPH.JUSTIFY
                p = _para(doc, "", indent=True, align=align, space_after=3)
                r = p.add_run(f"- {unit.unit_name} (nhiệm vụ {', '.join(q.tasks)}): ")
                r.font.size = Pt(BODY_PT)
                r = p.add_run(f"“{q.text}”")
                r.italic, r.font.size = True, Pt(BODY_PT)


def _dates(items: list[Any]) -> str:
    return ", ".join(f"{u.unit_name} ({u.received_at:%d/%m/%Y})" if u.received_at else u.unit_name
                     for u in items)


def submission_sentences(c: ReportContent) -> list[str]:
    """Part I.1: who sent the period's report, late units and units that sent nothing, by name."""
    sub = c.submissions
    deadline = f" (hạn gửi {sub.deadline:%d/%m/%Y})" if sub.deadline else ""
    out = [f"Đã nhận báo cáo của {sub.received}/{sub.expected} đơn vị{deadline}: đúng hạn {len(sub.on_time)}, "
           f"trễ hạn {len(sub.late)}."]
    if sub.late:
        out.append(f"Đơn vị gửi báo cáo trễ hạn (ngày nhận): {_dates(sub.late)}.")
    if sub.refused:
        out.append(f"Đơn vị đã gửi nhưng báo cáo chưa đạt yêu cầu, chưa gửi lại (ngày gửi): {_dates(sub.refused)}.")
    if sub.missing:
        out.append(f"Đơn vị chưa gửi báo cáo ({len(sub.missing)}): "
                   f"{', '.join(u.unit_name for u in sub.missing)}.")
    elif not sub.refused:
        out.append("Tất cả các đơn vị đã gửi báo cáo.")
    return out


def _header(doc: Any) -> None:
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


def write_report(path: Path, s: StatusSummary, c: ReportContent, *, issuer: str, year: int,
                 period: Period) -> None:
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
    _header(doc)

    # Header block: issuing body | quốc hiệu, tiêu ngữ
    head = doc.add_table(rows=2, cols=2)
    _no_borders(head)
    _, body = issuer_lines(issuer)
    size, left_mm = issuer_layout(body.split("\n"))
    _cell_text(head.cell(0, 0), body, bold=True, size=size)
    _cell_text(head.cell(0, 1), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    p = head.cell(0, 1).add_paragraph()
    r = p.add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(head.cell(1, 0), f"Số: …/BC-{symbol(issuer)}", size=13)
    _cell_text(head.cell(1, 1), f"……, ngày … tháng … năm {s.as_of.year}", italic=True, size=13)
    _widths(head, [left_mm, PAGE_TEXT_MM - left_mm])

    _para(doc, "", space_after=6)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, f"Kết quả thực hiện Kế hoạch cải cách hành chính {period_subject(period)}",
          bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    _para(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    for sentence in narrative(s, clean(issuer), year):
        _para(doc, sentence, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    _para(doc, "1. Tình hình các đơn vị gửi báo cáo", bold=True)
    for sentence in submission_sentences(c):
        _para(doc, sentence, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    official = ["Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành"]
    _para(doc, "2. Kết quả theo lĩnh vực (số nhiệm vụ)", bold=True)
    area_rows = []
    for i, (name, counts) in enumerate(s.by_area.items(), start=1):
        folded = _official(counts)
        area_rows.append([str(i), name or "(chưa xác định)", str(sum(counts.values()))]
                         + [str(v) for v in folded.values()])
    area_rows.append(["", "Tổng cộng", str(s.total_tasks)] + [str(v) for v in s.official.values()])
    _grid(doc, ["STT", "Lĩnh vực", "Tổng số", *official], area_rows, [12, 53, 18, 20, 20, 21, 21])

    _para(doc, "3. Kết quả theo đơn vị chủ trì (số lượt nhiệm vụ)", bold=True)
    unit_table = [[str(i), u.label, str(u.total)] + [str(u.counts[k]) for k in UNIT_COLUMNS]
                  for i, u in enumerate(c.units, start=1)]
    _grid(doc, ["STT", "Đơn vị", "Tổng số", *official, NOT_REPORTED_COLUMN], unit_table,
          [12, 45, 14, 19, 19, 19, 19, 18])
    _para(doc, f"Cột «{NOT_REPORTED_COLUMN}»: nhiệm vụ chưa quá hạn mà đơn vị chưa báo cáo; nhiệm vụ đã quá hạn "
          "được tính là quá hạn dù đơn vị có báo cáo hay không.", italic=True, size=11, space_after=8)

    def heading(key: str, task: str) -> str:
        return c.headings.get(key) or task

    overdue = [o for o in s.overdue if o.status is Status.OVERDUE]
    _para(doc, f"4. Nhiệm vụ quá hạn chưa hoàn thành ({len(overdue)} lượt)", bold=True)
    if not overdue:
        _para(doc, "Không có nhiệm vụ quá hạn chưa hoàn thành.", indent=True)
    elif len(overdue) <= DETAIL_ROWS:
        _grid(doc, ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày làm việc quá hạn"],
              [[str(i), heading(o.key, o.task), o.unit_name or o.unit,
                f"{o.due:%d/%m/%Y}" if o.due else "", str(o.days_overdue or "")]
               for i, o in enumerate(overdue, start=1)],
              [12, 70, 40, 22, 21], left=(1, 2))
    else:
        # Many units late on the same tasks: one row per task, the signed page stays short;
        # the full list (unit by unit, with contacts) is the master's `Quá hạn` sheet.
        by_task: dict[str, list[Any]] = {}
        for o in overdue:
            by_task.setdefault(o.key, []).append(o)
        grouped = sorted(by_task.values(), key=lambda g: (-len(g), g[0].key))
        rows = []
        for i, group in enumerate(grouped[:DETAIL_ROWS], start=1):
            names = [o.unit_name or o.unit for o in group]
            shown = ", ".join(names[:4]) + (f" và {len(names) - 4} đơn vị khác" if len(names) > 4 else "")
            first = group[0]
            rows.append([str(i), heading(first.key, first.task), f"{len(group)}: {shown}",
                         f"{first.due:%d/%m/%Y}" if first.due else "",
                         str(max(o.days_overdue or 0 for o in group))])
        _grid(doc, ["STT", "Nhiệm vụ", "Số đơn vị quá hạn", "Hạn", "Số ngày quá hạn nhiều nhất"], rows,
              [12, 62, 48, 22, 21], left=(1, 2))
        if len(grouped) > DETAIL_ROWS:
            _para(doc, f"… và {len(grouped) - DETAIL_ROWS} nhiệm vụ khác; danh sách đầy đủ ở sheet «Quá hạn» "
                  "của sổ theo dõi.", indent=True)

    _para(doc, "5. Kết quả thực hiện các chỉ tiêu", bold=True)
    if c.targets:
        rows = []
        for i, t in enumerate(c.targets[:TARGET_ROWS], start=1):
            lines = [f"{u.unit_name}: {format_number_vi(u.figure)}% – {u.result or 'chưa đánh giá được'}"
                     for u in t.units]
            if t.without_figure:
                lines.append(f"Chưa có số liệu: {t.without_figure}/{t.rows} đơn vị")
            verdict = t.verdict if t.verdict != NOT_JUDGED else "Chưa đủ số liệu" if t.units else "Chưa có số liệu"
            rows.append([str(i), t.heading, t.target, "\n".join(lines), verdict])
        _grid(doc, ["STT", "Nhiệm vụ", "Chỉ tiêu", "Kết quả của đơn vị", "Đánh giá"], rows, [12, 53, 30, 50, 20],
              left=(1, 2, 3))
        if len(c.targets) > TARGET_ROWS:
            _para(doc, f"… và {len(c.targets) - TARGET_ROWS} nhiệm vụ có chỉ tiêu khác; xem cột «Chỉ tiêu» "
                  "của sheet «Theo dõi» trong sổ theo dõi.", indent=True)
    else:
        _para(doc, "Kế hoạch không có chỉ tiêu định lượng.", indent=True)

    _para(doc, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True)
    _para(doc, "1. Khó khăn, vướng mắc các đơn vị nêu trong báo cáo (trích nguyên văn)", bold=True)
    _quotes(doc, c.difficulties, "Các đơn vị không nêu khó khăn, vướng mắc trong báo cáo kỳ này.")
    _para(doc, "2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    _placeholder(doc, "Phần cơ quan soạn thảo viết: nhận xét tồn tại, hạn chế và nguyên nhân; "
                 "xóa dòng hướng dẫn này khi hoàn thiện.")

    _para(doc, "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI VÀ ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _para(doc, "1. Nhiệm vụ trọng tâm thời gian tới", bold=True)
    _placeholder(doc, "Phần cơ quan soạn thảo viết: các nhiệm vụ trọng tâm kỳ tới; "
                 "xóa dòng hướng dẫn này khi hoàn thiện.")
    _para(doc, "2. Đề xuất, kiến nghị của các đơn vị (trích nguyên văn)", bold=True)
    _quotes(doc, c.proposals, "Các đơn vị không có đề xuất, kiến nghị trong báo cáo kỳ này.")
    last = [_para(doc, "3. Đề xuất, kiến nghị của cơ quan", bold=True),
            _placeholder(doc, "Phần cơ quan soạn thảo viết: đề xuất, kiến nghị với cấp trên; "
                         "xóa dòng hướng dẫn này khi hoàn thiện."),
            _para(doc, "", space_after=6)]
    # The signature never stands alone on a page: the last lines of the body go with it.
    for p in last:
        p.paragraph_format.keep_with_next = True

    # Nơi nhận | signature
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    foot.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = foot.cell(0, 0), foot.cell(0, 1)
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    recipients: list[str | None] = [f"- {r.strip().rstrip(';')};" for r in c.recipients]
    for line in recipients or [None]:
        p = left.add_paragraph()
        run = p.add_run(line or "- [Tên cơ quan nhận báo cáo];")
        run.font.size = Pt(11)
        if line is None:
            run.italic, run.font.highlight_color = True, WD_COLOR_INDEX.YELLOW
        p.paragraph_format.space_after = Pt(0)
    p = left.add_paragraph()
    run = p.add_run(f"- Lưu: VT, {symbol(issuer)}.")
    run.font.size = Pt(11)
    p.paragraph_format.space_after = Pt(0)
    _cell_text(right, "\n".join(_signature_title(issuer)), bold=True, size=13)
    p = right.add_paragraph()
    run = p.add_run("(Ký, ghi rõ họ tên, đóng dấu)")
    run.italic, run.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _widths(foot, [80, 85])
    doc.save(str(path))
