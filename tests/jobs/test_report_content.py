"""What the office head reads in the report (issue 14 items 10–15), on the bundled demo
and on seed 003 (Hóc Môn 2024) through a quarter in which three units fill their forms."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from python_calamine import CalamineWorkbook

from parc_xl import cli
from parc_xl.io import master_layout as L
from parc_xl.jobs import demo, merge, plan_import, report, units_generate
from parc_xl.samples.returns import fill_return, report_rows
from tests.conftest import seed_path
from tests.jobs import render


def paragraphs(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def table_with(doc: Any, header: str) -> list[list[str]]:
    t = next(t for t in doc.tables if header in [c.text for c in t.rows[0].cells])
    return [[c.text for c in r.cells] for r in t.rows]


def all_text(doc: Any) -> str:
    parts = paragraphs(doc)
    for t in doc.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    parts += [p.text for p in doc.sections[0].header.paragraphs]
    return "\n".join(parts)


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def section(texts: list[str], start: str, end: str) -> list[str]:
    i = texts.index(start)
    return texts[i + 1: texts.index(end, i)]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    folder = tmp_path_factory.mktemp("demo")
    result = demo.run(folder)
    return Path(result.master), Path(result.report), Document(result.report)


# --------------------------------------------------------------- item 10 (compound target)

def test_compound_target_with_a_failed_part_is_not_achieved(demo_run) -> None:
    master, _, doc = demo_run
    rows = table_with(doc, "Kết quả của đơn vị")
    row = next(r for r in rows if r[1].startswith("3.2. Giải quyết hồ sơ"))
    assert row[2] == "≥ 99% (giải quyết hồ sơ thủ tục hành chính đúng hạn); < 1% (tỷ lệ hồ sơ trễ hạn)"
    lines = row[3].split("\n")
    tracked = [r for r in sheet(master, L.SHEET_TRACKING) if r["Khóa"] == "3.2" and r["Kết quả"] != ""]
    failed = [r for r in tracked if float(r["Kết quả"]) < 99]  # fails «≥ 99%» and «< 1%» alike
    assert failed and len(failed) < len(tracked)  # the demo has both
    for r in tracked:
        verdict = "Không đạt" if r in failed else "Đạt"
        figure = f"{float(r['Kết quả']):g}".replace(".", ",")
        assert f"{r['Đơn vị chủ trì']}: {figure}% – {verdict}" in lines
        assert r["Chỉ tiêu"] == verdict  # the same verdict in the master's Theo dõi
    assert row[4] == "Không đạt"
    # the summary counts it: one «không đạt» per target task with a failed unit
    not_achieved = {r["Khóa"] for r in sheet(master, L.SHEET_TRACKING) if r["Chỉ tiêu"] == "Không đạt"}
    assert "3.2" in not_achieved
    sentence = next(t for t in paragraphs(doc) if t.startswith("Về chỉ tiêu:"))
    assert f"không đạt {len(not_achieved)}," in sentence
    assert sum(r[4] == "Không đạt" for r in rows[1:]) == len(not_achieved)


# --------------------------------------------------------------- item 11 (one target text)

def test_one_target_text_in_plan_sheet_unit_workbook_and_report(demo_run) -> None:
    master, _, doc = demo_run
    plan = {r["Khóa"]: r["Chỉ tiêu"] for r in sheet(master, L.SHEET_PLAN)}
    assert plan["3.1"] == "= 100%"  # was "= 100% (…trên Cổng Dịch)"
    assert plan["5.3"] == "≥ 70%"  # was "≥ 70% (cán bộ)"
    unit_book = master.parent / "gui_don_vi" / "2026-Q1_PNV.xlsx"
    in_form = {str(r["key"]): r.get("target") for r in report_rows(unit_book)}
    report_rows_ = {r[1].split(" ", 1)[0].rstrip("."): r[2] for r in table_with(doc, "Kết quả của đơn vị")[1:]}
    for key in ("5.3", "3.2", "7.2"):
        assert in_form[key] == plan[key] == report_rows_[key], key


# --------------------------------------------------------------- item 12 (units' words)

def test_difficulties_and_proposals_quoted_by_area_and_unit(demo_run) -> None:
    master, _, doc = demo_run
    texts = paragraphs(doc)
    part2 = section(texts, "1. Khó khăn, vướng mắc các đơn vị nêu trong báo cáo (trích nguyên văn)",
                    "2. Tồn tại, hạn chế và nguyên nhân")
    part3 = section(texts, "2. Đề xuất, kiến nghị của các đơn vị (trích nguyên văn)", "3. Đề xuất, kiến nghị của cơ quan")
    tracked = [r for r in sheet(master, L.SHEET_TRACKING) if r["Kỳ báo cáo"] == "2026-Q1"]
    areas = [r["Lĩnh vực"] for r in sheet(master, L.SHEET_PLAN)]
    for field, part in (("Khó khăn, vướng mắc", part2), ("Đề xuất", part3)):
        written = [r for r in tracked if r[field]]
        assert written, field
        for r in written:
            stt = r["STT"] or r["Khóa"]
            quote = f"- {r['Đơn vị chủ trì']} (nhiệm vụ {stt}"
            line = next(x for x in part if x.startswith(quote) and f"“{r[field]}”" in x)
            # under its area's heading: the nearest heading above the quote
            above = [x for x in part[: part.index(line)] if x.endswith(":") and not x.startswith("-")]
            assert above[-1] == f"{r['Lĩnh vực']}:"
        headings = [x[:-1] for x in part if x.endswith(":") and not x.startswith("-")]
        assert headings == sorted(headings, key=areas.index)  # plan order


def test_room_for_the_office_is_marked(demo_run) -> None:
    _, _, doc = demo_run
    marked = [p for p in doc.paragraphs if p.text.startswith("[Phần cơ quan soạn thảo viết:")]
    assert len(marked) == 3
    for p in marked:
        assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW and r.italic for r in p.runs)
    texts = paragraphs(doc)
    assert texts.index(marked[0].text) == texts.index("2. Tồn tại, hạn chế và nguyên nhân") + 1
    assert texts.index(marked[1].text) == texts.index("1. Nhiệm vụ trọng tâm thời gian tới") + 1
    assert "……" not in "\n".join(texts)


# --------------------------------------------------------------- item 13 (who sent what, when)

def test_units_that_sent_nothing_or_late_are_named_with_dates(demo_run) -> None:
    master, _, doc = demo_run
    part = section(paragraphs(doc), "1. Tình hình các đơn vị gửi báo cáo", "2. Kết quả theo lĩnh vực (số nhiệm vụ)")
    deadline = next(r for r in sheet(master, L.SHEET_PERIODS) if r["Kỳ"] == "2026-Q1")["Hạn nộp báo cáo"]
    subs = sheet(master, L.SHEET_SUBMISSIONS)
    late = sorted((r for r in subs if r["Đúng hạn"] == "Trễ hạn" and r["Kết quả"] == "Chấp nhận"),
                  key=lambda r: r["Nhận lúc"])
    refused = next(r for r in subs if r["Kết quả"] == "Từ chối")
    assert len(late) == 2 and refused["Đơn vị"] == "Phòng Giáo dục và Đào tạo huyện"
    assert part == [
        f"Đã nhận báo cáo của 12/14 đơn vị (hạn gửi {deadline:%d/%m/%Y}): đúng hạn 10, trễ hạn 2.",
        "Đơn vị gửi báo cáo trễ hạn (ngày nhận): "
        + ", ".join(f"{r['Đơn vị']} ({r['Nhận lúc']:%d/%m/%Y})" for r in late) + ".",
        "Đơn vị đã gửi nhưng báo cáo chưa đạt yêu cầu, chưa gửi lại (ngày gửi): "
        f"Phòng Giáo dục và Đào tạo huyện ({refused['Nhận lúc']:%d/%m/%Y}).",
        "Đơn vị chưa gửi báo cáo (1): Văn phòng HĐND và UBND huyện.",
    ]


def test_unit_table_has_a_not_reported_column(demo_run) -> None:
    master, _, doc = demo_run
    rows = table_with(doc, "Chưa báo cáo")
    assert rows[0] == ["STT", "Đơn vị", "Tổng số", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
                       "Đang thực hiện trong hạn", "Quá hạn chưa hoàn thành", "Chưa báo cáo"]
    silent = next(r for r in rows if r[1] == "Văn phòng HĐND và UBND huyện")  # sent nothing
    tracked = [r for r in sheet(master, L.SHEET_TRACKING) if r["Mã đơn vị"] == "VPHDUB"]
    overdue = sum(r["Trạng thái"] == "Quá hạn chưa hoàn thành" for r in tracked)
    assert silent[2:] == [str(len(tracked)), "0", "0", "0", str(overdue), str(len(tracked) - overdue)]
    for r in rows[1:]:
        assert int(r[2]) == sum(int(x) for x in r[3:]), r


# --------------------------------------------------------------- item 15 (NĐ 30 form)

def test_decree_30_form_details(demo_run) -> None:
    _, _, doc = demo_run
    text = all_text(doc)
    assert "()" not in text and not re.search(r"\d#\d", text)
    assert "Chủ tịch UBND xã - thị trấn (chưa xác định đơn vị)" in text
    assert "1.4 – 1. Kiểm tra định kỳ tối thiểu 40%" in text  # a sub-task: its parent's STT, not "1.4#1"
    sec = doc.sections[0]
    assert sec.different_first_page_header_footer  # no number on page 1
    header_xml = sec.header._element.xml
    assert "PAGE" in header_xml and 'w:fldCharType="begin"' in header_xml
    assert sec.header.paragraphs[0].alignment == 1  # centred
    assert doc.tables[0].cell(0, 0).text == "ỦY BAN NHÂN DÂN\nHUYỆN LONG THẠNH ĐÔNG"
    foot = doc.tables[-1].cell(0, 0).text.split("\n")
    assert foot == ["Nơi nhận:", "- [Tên cơ quan nhận báo cáo];", "- Lưu: VT, UBND."]
    assert "Như trên" not in text  # a report has no «Kính gửi» for «Như trên» to refer to


def test_recipients_given_are_listed(demo_run, tmp_path: Path) -> None:
    master, _, _ = demo_run
    copy = tmp_path / "so.xlsx"
    copy.write_bytes(master.read_bytes())
    out = tmp_path / "bc.docx"
    code = cli.main(["report", str(copy), "--period", "2026-Q1", "-o", str(out), "--as-of", "06/04/2026",
                     "--noi-nhan", "UBND Thành phố; Sở Nội vụ Thành phố"])
    assert code == 0
    foot = Document(str(out)).tables[-1].cell(0, 0).text.split("\n")
    assert foot == ["Nơi nhận:", "- UBND Thành phố;", "- Sở Nội vụ Thành phố;", "- Lưu: VT, UBND."]


def test_rendered_report_pages(demo_run, soffice: str, tmp_path: Path) -> None:
    _, out, _ = demo_run
    pdf = render.to_pdf(soffice, out, tmp_path)
    pages = render.page_count(pdf)
    first = render.page_text(pdf, 1).splitlines()
    # the issuing body on its two lines, its name not broken (the right column follows on the line)
    assert any(re.match(r"\s*HUYỆN LONG THẠNH ĐÔNG(\s{2,}|$)", x) for x in first), first[:3]
    for n in range(2, pages + 1):
        lines = [x.strip() for x in render.page_text(pdf, n).splitlines() if x.strip()]
        assert lines[0] == str(n)  # page number at the top
    assert not first[0].strip().isdigit()
    last = render.page_text(pdf, pages)  # the signature never stands alone on a page
    assert "3. Đề xuất, kiến nghị của cơ quan" in last and last.index("3. Đề xuất") < last.index("Nơi nhận:")
    png, _ = render.render(pdf, 1, tmp_path / "p1")
    assert png.exists()


# --------------------------------------------------------------- seed 003, three units by hand

@pytest.fixture(scope="module")
def hoc_mon(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Path]:
    folder = tmp_path_factory.mktemp("hocmon")
    master = folder / "so.xlsx"
    plan_import.run(seed_path(seeds_dir, "003"), 2024, master)
    forms = folder / "gui"
    units_generate.run(master, "2024-Q1", forms, units=["VPHDUB", "PTP", "TTH", "PNV"])
    inbox = folder / "hop_thu"
    hand = {  # what three units typed; Phòng Nội vụ sends nothing
        "VPHDUB": {"3.12": {"progress": "Đang thực hiện", "figure": 97.5,
                            "difficulties": "Hệ thống một cửa điện tử chậm,\nnhiều hồ sơ phải nhập lại."},
                   "3.14": {"progress": "Đang thực hiện", "figure": 96, "proposals": "Đề nghị bố trí kinh phí khảo sát."}},
        "PTP": {"3.12": {"progress": "Đang thực hiện", "figure": 99.5}},
        "TTH": {"3.12": {"progress": "Đang thực hiện", "figure": 99, "difficulties": "Thiếu cán bộ."}},
    }
    for unit, answers in hand.items():
        fill_return(forms / f"2024-Q1_{unit}.xlsx", inbox / f"2024-Q1_{unit}.xlsx", answers,
                    dt.datetime(2024, 3, 12, 9, 0) if unit != "TTH" else dt.datetime(2024, 3, 20, 9, 0))
    merged = merge.run(master, inbox, "2024-Q1", as_of=dt.date(2024, 3, 25))
    assert len(merged.accepted) == 3, merged.to_json()
    out = folder / "bc.docx"
    report.run(master, "2024-Q1", out, as_of=dt.date(2024, 3, 25))
    return master, Document(str(out)), forms


def test_hoc_mon_targets_one_row_per_target_task(hoc_mon) -> None:
    master, doc, forms = hoc_mon
    plan = sheet(master, L.SHEET_PLAN)
    with_target = [r for r in plan if r["Chỉ tiêu"]]
    rows = table_with(doc, "Kết quả của đơn vị")[1:]
    assert [r[1].split(". ", 1)[0] for r in rows] == [r["STT"] for r in with_target]
    by_stt = {r[1].split(". ", 1)[0]: r for r in rows}
    assert by_stt["3.14"][2] == "≥ 95%"  # not "≥ 95% (Kế hoạch - Báo cáo)"
    form = {str(r["key"]): r.get("target") for r in report_rows(forms / "2024-Q1_VPHDUB.xlsx")}
    assert form["3.14"] == "≥ 95%" == next(r["Chỉ tiêu"] for r in plan if r["STT"] == "3.14")
    row = by_stt["3.12"]
    assert row[3].split("\n")[:3] == ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện: 97,5% – Không đạt",
                                      "Phòng Tư pháp huyện: 99,5% – Đạt", "Thanh tra huyện: 99% – Đạt"]
    assert re.fullmatch(r"Chưa có số liệu: \d+/\d+ đơn vị", row[3].split("\n")[-1])
    assert row[4] == "Không đạt"
    # only units that sent a figure are listed: nobody reported on 1.4.1
    assert by_stt["1.4.1"][3].startswith("Chưa có số liệu:")


def test_hoc_mon_silent_unit_and_quotes(hoc_mon) -> None:
    _, doc, _ = hoc_mon
    texts = paragraphs(doc)
    part = section(texts, "1. Tình hình các đơn vị gửi báo cáo", "2. Kết quả theo lĩnh vực (số nhiệm vụ)")
    assert "Đơn vị gửi báo cáo trễ hạn (ngày nhận): Thanh tra huyện (20/03/2024)." in part
    missing = next(x for x in part if x.startswith("Đơn vị chưa gửi báo cáo"))
    assert "Phòng Nội vụ huyện" in missing
    pnv = next(r for r in table_with(doc, "Chưa báo cáo") if r[1] == "Phòng Nội vụ huyện")
    assert pnv[5] == "0" and int(pnv[7]) > 0  # nothing «đang thực hiện» for a unit that sent nothing
    quote = ("- Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện (nhiệm vụ 3.12): "
             "“Hệ thống một cửa điện tử chậm,\nnhiều hồ sơ phải nhập lại.”")
    assert quote in texts  # exactly as typed, line break kept
    assert doc.paragraphs[texts.index(quote)].alignment == 0  # left: a justified line before a break stretches
    assert "- Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện (nhiệm vụ 3.14): " \
           "“Đề nghị bố trí kinh phí khảo sát.”" in texts
    head = doc.tables[0].cell(0, 0).text
    assert head == "ỦY BAN NHÂN DÂN\nHUYỆN HÓC MÔN"
