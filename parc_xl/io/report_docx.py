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

from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

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
from parc_xl.domain.text import clean
from parc_xl.io.decree30_docx import (
    BODY_PT,
    grid,
    header_block,
    new_document,
    para,
    placeholder,
    signature_block,
    symbol,
)

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


def period_subject(period: Period) -> str:
    return _PERIOD_SUBJECT[period.kind].format(year=period.year)


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


def _quotes(doc: Any, groups: list[AreaQuotes], nothing: str) -> None:
    """The units' own words, by area then unit, quoted exactly."""
    if not groups:
        para(doc, nothing, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        return
    for area in groups:
        para(doc, f"{area.area or 'Lĩnh vực chưa xác định'}:", bold=True, italic=True, indent=True, space_after=2)
        for unit in area.units:
            for q in unit.quotes:
                # a quote with its own line breaks: justified lines before a break would stretch
                align = WD_ALIGN_PARAGRAPH.LEFT if "\n" in q.text else WD_ALIGN_PARAGRAPH.JUSTIFY
                p = para(doc, "", indent=True, align=align, space_after=3)
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


def write_report(path: Path, s: StatusSummary, c: ReportContent, *, issuer: str, year: int,
                 period: Period) -> None:
    """The report in the Decree 30 form: header block, title, I. results (submissions,
    by area, by unit, overdue tasks, targets), II. and III. (units' words quoted, room for
    the office's), Nơi nhận and signature."""
    doc = new_document()
    header_block(doc, issuer, f"Số: …/BC-{symbol(issuer)}", f"……, ngày … tháng … năm {s.as_of.year}")

    para(doc, "", space_after=6)
    para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, f"Kết quả thực hiện Kế hoạch cải cách hành chính {period_subject(period)}",
          bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)

    para(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    for sentence in narrative(s, clean(issuer), year):
        para(doc, sentence, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    para(doc, "1. Tình hình các đơn vị gửi báo cáo", bold=True)
    for sentence in submission_sentences(c):
        para(doc, sentence, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _by_area_and_unit(doc, s, c)
    _overdue_section(doc, s, c)
    _targets_section(doc, c)
    _closing_sections(doc, c)

    # Nơi nhận | signature
    signature_block(doc, issuer, [f"- {r.strip().rstrip(';')};" for r in c.recipients],
                    missing="- [Tên cơ quan nhận báo cáo];")
    doc.save(str(path))


def _by_area_and_unit(doc: Any, s: StatusSummary, c: ReportContent) -> None:
    """I.2 tasks by area (official buckets), I.3 task rows by lead unit."""
    official = ["Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành"]
    para(doc, "2. Kết quả theo lĩnh vực (số nhiệm vụ)", bold=True)
    area_rows = []
    for i, (name, counts) in enumerate(s.by_area.items(), start=1):
        folded = _official(counts)
        area_rows.append([str(i), name or "(chưa xác định)", str(sum(counts.values()))]
                         + [str(v) for v in folded.values()])
    area_rows.append(["", "Tổng cộng", str(s.total_tasks)] + [str(v) for v in s.official.values()])
    grid(doc, ["STT", "Lĩnh vực", "Tổng số", *official], area_rows, [12, 53, 18, 20, 20, 21, 21])

    para(doc, "3. Kết quả theo đơn vị chủ trì (số lượt nhiệm vụ)", bold=True)
    unit_table = [[str(i), u.label, str(u.total)] + [str(u.counts[k]) for k in UNIT_COLUMNS]
                  for i, u in enumerate(c.units, start=1)]
    grid(doc, ["STT", "Đơn vị", "Tổng số", *official, NOT_REPORTED_COLUMN], unit_table,
          [12, 45, 14, 19, 19, 19, 19, 18])
    para(doc, f"Cột «{NOT_REPORTED_COLUMN}»: nhiệm vụ chưa quá hạn mà đơn vị chưa báo cáo; nhiệm vụ đã quá hạn "
          "được tính là quá hạn dù đơn vị có báo cáo hay không.", italic=True, size=11, space_after=8)


def _overdue_section(doc: Any, s: StatusSummary, c: ReportContent) -> None:
    """I.4 overdue tasks: row by row when few, else one row per task (most units late first)."""

    def heading(key: str, task: str) -> str:
        return c.headings.get(key) or task

    overdue = [o for o in s.overdue if o.status is Status.OVERDUE]
    para(doc, f"4. Nhiệm vụ quá hạn chưa hoàn thành ({len(overdue)} lượt)", bold=True)
    if not overdue:
        para(doc, "Không có nhiệm vụ quá hạn chưa hoàn thành.", indent=True)
    elif len(overdue) <= DETAIL_ROWS:
        grid(doc, ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày làm việc quá hạn"],
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
        grid(doc, ["STT", "Nhiệm vụ", "Số đơn vị quá hạn", "Hạn", "Số ngày quá hạn nhiều nhất"], rows,
              [12, 62, 48, 22, 21], left=(1, 2))
        if len(grouped) > DETAIL_ROWS:
            para(doc, f"… và {len(grouped) - DETAIL_ROWS} nhiệm vụ khác; danh sách đầy đủ ở sheet «Quá hạn» "
                  "của sổ theo dõi.", indent=True)


def _targets_section(doc: Any, c: ReportContent) -> None:
    """I.5 targets: each target task with the units' figures and its verdict."""
    para(doc, "5. Kết quả thực hiện các chỉ tiêu", bold=True)
    if c.targets:
        rows = []
        for i, t in enumerate(c.targets[:TARGET_ROWS], start=1):
            lines = [f"{u.unit_name}: {format_number_vi(u.figure)}% – {u.result or 'chưa đánh giá được'}"
                     for u in t.units]
            if t.without_figure:
                lines.append(f"Chưa có số liệu: {t.without_figure}/{t.rows} đơn vị")
            verdict = t.verdict if t.verdict != NOT_JUDGED else "Chưa đủ số liệu" if t.units else "Chưa có số liệu"
            rows.append([str(i), t.heading, t.target, "\n".join(lines), verdict])
        grid(doc, ["STT", "Nhiệm vụ", "Chỉ tiêu", "Kết quả của đơn vị", "Đánh giá"], rows, [12, 53, 30, 50, 20],
              left=(1, 2, 3))
        if len(c.targets) > TARGET_ROWS:
            para(doc, f"… và {len(c.targets) - TARGET_ROWS} nhiệm vụ có chỉ tiêu khác; xem cột «Chỉ tiêu» "
                  "của sheet «Theo dõi» trong sổ theo dõi.", indent=True)
    else:
        para(doc, "Kế hoạch không có chỉ tiêu định lượng.", indent=True)


def _closing_sections(doc: Any, c: ReportContent) -> None:
    """II. difficulties and III. next tasks and proposals: units' words quoted, highlighted
    room for the office's own; the last lines kept with the signature."""
    para(doc, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True)
    para(doc, "1. Khó khăn, vướng mắc các đơn vị nêu trong báo cáo (trích nguyên văn)", bold=True)
    _quotes(doc, c.difficulties, "Các đơn vị không nêu khó khăn, vướng mắc trong báo cáo kỳ này.")
    para(doc, "2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    placeholder(doc, "Phần cơ quan soạn thảo viết: nhận xét tồn tại, hạn chế và nguyên nhân; "
                 "xóa dòng hướng dẫn này khi hoàn thiện.")

    para(doc, "III. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI VÀ ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    para(doc, "1. Nhiệm vụ trọng tâm thời gian tới", bold=True)
    placeholder(doc, "Phần cơ quan soạn thảo viết: các nhiệm vụ trọng tâm kỳ tới; "
                 "xóa dòng hướng dẫn này khi hoàn thiện.")
    para(doc, "2. Đề xuất, kiến nghị của các đơn vị (trích nguyên văn)", bold=True)
    _quotes(doc, c.proposals, "Các đơn vị không có đề xuất, kiến nghị trong báo cáo kỳ này.")
    last = [para(doc, "3. Đề xuất, kiến nghị của cơ quan", bold=True),
            placeholder(doc, "Phần cơ quan soạn thảo viết: đề xuất, kiến nghị với cấp trên; "
                         "xóa dòng hướng dẫn này khi hoàn thiện."),
            para(doc, "", space_after=6)]
    # The signature never stands alone on a page: the last lines of the body go with it.
    for p in last:
        p.paragraph_format.keep_with_next = True
