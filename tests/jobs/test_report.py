"""Job report: NĐ 30/2020 layout, narrative figures = --json = Tổng hợp, LibreOffice renders it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.jobs import report
from tests.jobs import render
from tests.jobs.status_scenario import AS_OF, build_master


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, Path, dict]:
    master = build_master(tmp_path)
    out = tmp_path / "bao_cao_q1.docx"
    result = report.run(master, "2024-Q1", out, as_of=AS_OF)
    assert result.exit_code == 0
    return master, out, result.to_json()


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_decree_30_layout(made) -> None:
    _, out, _ = made
    doc = Document(str(out))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert 20 <= round(sec.top_margin.mm) <= 25 and 20 <= round(sec.bottom_margin.mm) <= 25
    assert 30 <= round(sec.left_margin.mm) <= 35 and 15 <= round(sec.right_margin.mm) <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    head = doc.tables[0]
    assert head.cell(0, 0).text == "SỞ NỘI VỤ"
    assert head.cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert head.cell(1, 0).text == "Số: …/BC-SNV"
    date_line = head.cell(1, 1).paragraphs[0]
    assert re.fullmatch(r"…+, ngày … tháng … năm 2024", date_line.text)
    assert all(r.italic for r in date_line.runs)
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("BÁO CÁO")
    assert texts[i + 1] == "Kết quả thực hiện Kế hoạch cải cách hành chính quý I năm 2024"
    body = all_text(doc)
    assert "Nơi nhận:" in body and "GIÁM ĐỐC" in body and "(Ký, ghi rõ họ tên, đóng dấu)" in body
    assert round(doc.tables[1].columns[1].width.mm) == 53


def test_narrative_counts_agree_with_json_and_dashboard(made) -> None:
    master, out, js = made
    body = all_text(Document(str(out)))
    c = js["counts"]
    sentence = next(line for line in body.splitlines() if line.startswith("Tính đến ngày 02/02/2024"))
    assert sentence == (
        "Tính đến ngày 02/02/2024: tổng số nhiệm vụ: 8; đã hoàn thành 2 (25,0%), trong đó đúng hạn 1 (12,5%), "
        "quá hạn 1 (12,5%); đang thực hiện trong hạn 5 (62,5%), trong đó sắp đến hạn 2, không có hạn cụ thể 0, "
        "đơn vị chưa báo cáo 1; quá hạn chưa hoàn thành 1 (12,5%)."
    )
    assert c["Hoàn thành đúng hạn"] == 1 and c["Sắp đến hạn"] == 2 and js["total_tasks"] == 8
    dash = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_DASHBOARD).to_python()
    assert {row[0]: int(row[1]) for row in dash[5:12]} == c
    # Area table of the report: total row = official counts of --json
    area_table = Document(str(out)).tables[1]
    total = [cell.text for cell in area_table.rows[-1].cells]
    assert total[1:] == ["Tổng cộng", "8", *[str(v) for v in js["official"].values()]]
    assert "Tỷ lệ hoàn thành đúng hạn trên tổng số nhiệm vụ đã hoàn thành: 50,0%." in body


def test_overdue_and_target_tables(made) -> None:
    _, out, _ = made
    doc = Document(str(out))
    overdue = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Số ngày làm việc quá hạn")
    assert [c.text for c in overdue.rows[1].cells] == ["1", "2.4. Số hóa hồ sơ lưu trữ",
                                                       "Trung tâm Lưu trữ lịch sử", "15/01/2024", "14"]
    # issue 14 item 14: one row per target task, its figures, only the units that sent one
    targets = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Đánh giá")
    assert [[c.text for c in r.cells] for r in targets.rows[1:]] == [
        ["1", "1.2. Kiểm tra công tác CCHC tối thiểu 40% các cơ quan, tối thiểu 20% xã",
         "≥ 40% (các cơ quan); ≥ 20% (xã)", "Chưa có số liệu: 1/1 đơn vị", "Chưa có số liệu"],
        ["2", "2.1. Giải quyết hồ sơ TTHC đúng hạn đạt 99% trở lên", "≥ 99%",
         "Văn phòng Sở: 99,5% – Đạt\nPhòng Tổ chức, biên chế: 98% – Không đạt", "Không đạt"],
    ]


def test_default_as_of_is_the_cutoff(tmp_path: Path) -> None:
    from parc_xl.domain.periods import Period

    assert report.default_as_of(Period.parse("2024-Q1"), dt.date(2025, 1, 5)) == dt.date(2024, 3, 14)
    assert report.default_as_of(Period.parse("2024-Q1"), dt.date(2024, 2, 1)) == dt.date(2024, 2, 1)


def test_bad_input(tmp_path: Path) -> None:
    master = build_master(tmp_path)
    with pytest.raises(InputError, match="không hợp lệ"):
        report.run(master, "2024-Q5", tmp_path / "a.docx")
    with pytest.raises(InputError, match="không thuộc kế hoạch năm 2024"):
        report.run(master, "2023-Q1", tmp_path / "a.docx")
    with pytest.raises(InputError, match=".docx"):
        report.run(master, "2024-Q1", tmp_path / "a.pdf")


def test_libreoffice_renders_the_report(made, soffice: str, tmp_path: Path) -> None:
    _, out, _ = made
    folder = tmp_path / "render"
    folder.mkdir()
    pdf = render.to_pdf(soffice, out, folder)
    assert render.page_count(pdf) <= 3
    first = render.page_text(pdf, 1)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first
    png, pixels = render.render(pdf, 1, folder / "bao_cao")
    dark = sum(1 for p in pixels if max(p) < 80)
    assert dark > 1000  # text was drawn
    keep = Path(__file__).resolve().parents[2] / ".render"
    if keep.is_dir():
        shutil.copy(png, keep / png.name)
