"""The Word draft of the periodic report, laid out per Decree 30/2020/NĐ-CP (Phụ lục I).

NĐ 30/2020 on administrative documents: A4; margins top and bottom 20–25 mm, left
30–35 mm, right 15–20 mm; Times New Roman 13–14 for the body; a two-column header
(issuing body left in capitals, quốc hiệu "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and
tiêu ngữ "Độc lập - Tự do - Hạnh phúc" right), "Số: …/BC-…" under the issuing body,
the place-date line in italics under the tiêu ngữ, the document type "BÁO CÁO" and its
subject, then the body, the "Nơi nhận:" block (left) and the signature block (right).

All figures come from one `StatusSummary`, the same object the dashboard and the JSON
are built from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from parc_xl.domain.models import Status
from parc_xl.domain.periods import Period
from parc_xl.domain.status import official_bucket
from parc_xl.domain.summary import StatusSummary, percent_vi
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


def _grid(doc: Any, headers: list[str], rows: list[list[str]], widths_mm: Sequence[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        _cell_text(table.rows[0].cells[i], h, bold=True, size=TABLE_PT)
    for values in rows:
        row = table.add_row()
        # python-docx's `row.cells` rebuilds the whole table grid on each call (quadratic:
        # a large office's report never finished); the row's own <w:tc> are enough here.
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for i, v in enumerate(values):
            left = i == 1 or (len(values) > 4 and i == 2 and len(v) > 12)
            _cell_text(cells[i], v, size=TABLE_PT,
                       align=WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER)
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


def write_report(path: Path, s: StatusSummary, *, issuer: str, year: int, period: Period) -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)

    # Header block: issuing body | quốc hiệu, tiêu ngữ
    head = doc.add_table(rows=2, cols=2)
    _no_borders(head)
    _, body = issuer_lines(issuer)
    _cell_text(head.cell(0, 0), body, bold=True, size=13)
    _cell_text(head.cell(0, 1), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    p = head.cell(0, 1).add_paragraph()
    r = p.add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(head.cell(1, 0), f"Số: …/BC-{symbol(issuer)}", size=13)
    _cell_text(head.cell(1, 1), f"……, ngày … tháng … năm {s.as_of.year}", italic=True, size=13)
    _widths(head, [65, 100])

    _para(doc, "", space_after=6)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, f"Kết quả thực hiện Kế hoạch cải cách hành chính {period_subject(period)}",
          bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    _para(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    for sentence in narrative(s, clean(issuer), year):
        _para(doc, sentence, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    headers = ["STT", "", "Tổng số", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
               "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành"]
    widths = [12, 53, 18, 20, 20, 21, 21]

    def rows_of(data: dict[str, dict[str, int]], names: dict[str, str] | None = None) -> list[list[str]]:
        out = []
        for i, (name, counts) in enumerate(data.items(), start=1):
            o = _official(counts)
            label = f"{names[name]} ({name})" if names and names.get(name) else (name or "(chưa xác định)")
            out.append([str(i), label, str(sum(counts.values()))] + [str(o[k]) for k in o])
        return out

    _para(doc, "1. Kết quả theo lĩnh vực (số nhiệm vụ)", bold=True)
    area_rows = rows_of(s.by_area)
    area_rows.append(["", "Tổng cộng", str(s.total_tasks)] + [str(v) for v in s.official.values()])
    _grid(doc, ["STT", "Lĩnh vực", *headers[2:]], area_rows, widths)

    _para(doc, "2. Kết quả theo đơn vị chủ trì (số lượt nhiệm vụ)", bold=True)
    _grid(doc, ["STT", "Đơn vị", *headers[2:]], rows_of(s.by_unit, s.unit_names), widths)

    overdue = [o for o in s.overdue if o.status is Status.OVERDUE]
    _para(doc, f"3. Nhiệm vụ quá hạn chưa hoàn thành ({len(overdue)} lượt)", bold=True)
    if not overdue:
        _para(doc, "Không có nhiệm vụ quá hạn chưa hoàn thành.", indent=True)
    elif len(overdue) <= DETAIL_ROWS:
        _grid(doc, ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày làm việc quá hạn"],
              [[str(i), f"{o.key}. {o.task}", o.unit_name or o.unit,
                f"{o.due:%d/%m/%Y}" if o.due else "", str(o.days_overdue or "")]
               for i, o in enumerate(overdue, start=1)],
              [12, 70, 40, 22, 21])
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
            rows.append([str(i), f"{first.key}. {first.task}", f"{len(group)}: {shown}",
                         f"{first.due:%d/%m/%Y}" if first.due else "",
                         str(max(o.days_overdue or 0 for o in group))])
        _grid(doc, ["STT", "Nhiệm vụ", "Số đơn vị quá hạn", "Hạn", "Số ngày quá hạn nhiều nhất"], rows,
              [12, 62, 48, 22, 21])
        if len(grouped) > DETAIL_ROWS:
            _para(doc, f"… và {len(grouped) - DETAIL_ROWS} nhiệm vụ khác; danh sách đầy đủ ở sheet «Quá hạn» "
                  "của sổ theo dõi.", indent=True)

    _para(doc, "4. Kết quả thực hiện các chỉ tiêu", bold=True)
    if s.target_items:
        _grid(doc, ["STT", "Nhiệm vụ", "Đơn vị", "Chỉ tiêu", "Kết quả", "Đánh giá"],
              [[str(i), f"{t.key}. {t.task}", t.unit_name or t.unit, t.target,
                "" if t.figure is None else percent_vi(t.figure / 100), t.result or "Chưa đánh giá"]
               for i, t in enumerate(s.target_items[:TARGET_ROWS], start=1)],
              [12, 58, 32, 25, 18, 20])
        if len(s.target_items) > TARGET_ROWS:
            _para(doc, f"… và {len(s.target_items) - TARGET_ROWS} lượt chỉ tiêu khác; xem cột «Chỉ tiêu» "
                  "của sheet «Theo dõi» trong sổ theo dõi.", indent=True)
    else:
        _para(doc, "Kế hoạch không có chỉ tiêu định lượng.", indent=True)

    _para(doc, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True)
    _para(doc, "……", indent=True)
    _para(doc, "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", bold=True)
    _para(doc, "……", indent=True)

    # Nơi nhận | signature
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.cell(0, 0), foot.cell(0, 1)
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("- Như trên;", "- Lưu: VT, ….."):
        p = left.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(11)
        p.paragraph_format.space_after = Pt(0)
    _cell_text(right, "\n".join(_signature_title(issuer)), bold=True, size=13)
    p = right.add_paragraph()
    run = p.add_run("(Ký, ghi rõ họ tên, đóng dấu)")
    run.italic, run.font.size = True, Pt(13)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _widths(foot, [80, 85])
    doc.save(str(path))
