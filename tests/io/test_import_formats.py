"""One appendix, three formats: Word, Excel and extracted text give the same plan; bad
input gives a Vietnamese `InputError` or problem, never a traceback."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from parc_xl.domain.models import Plan
from parc_xl.errors import InputError
from parc_xl.io.plan_reader import read_appendix
from parc_xl.samples import build_samples

SAMPLES = Path(build_samples.__file__).resolve().parent
HEADER = list(build_samples.HEADER)


def fingerprint(plan: Plan) -> list[tuple]:
    return [
        (t.key, t.stt, t.area, t.task, t.product, t.lead, t.coord, t.deadline_text, t.parent)
        for t in plan.tasks
    ]


@pytest.fixture(scope="module")
def sample_plans() -> dict[str, Plan]:
    out = {}
    for ext in ("txt", "docx", "xlsx"):
        plan, problems = read_appendix(SAMPLES / f"ke_hoach_mau.{ext}", 2026)
        assert problems == [], ext
        out[ext] = plan
    return out


def test_sample_identical_from_docx_xlsx_and_text(sample_plans: dict[str, Plan]) -> None:
    text = sample_plans["txt"]
    assert len(text.tasks) == build_samples.TOTAL_TASKS == 42
    assert [a.code for a in text.areas] == [str(i) for i in range(1, 9)]
    assert fingerprint(sample_plans["docx"]) == fingerprint(text)
    assert fingerprint(sample_plans["xlsx"]) == fingerprint(text)
    assert [a.model_dump() for a in sample_plans["docx"].areas] == [a.model_dump() for a in text.areas]
    for plan in sample_plans.values():
        assert plan.issuer == "Ủy ban nhân dân huyện Long Thạnh Đông"
        assert plan.title == "Kế hoạch thực hiện công tác cải cách hành chính năm 2026"
        assert plan.stated_total == 42


def test_sample_awkward_cases(sample_plans: dict[str, Plan]) -> None:
    plan = sample_plans["txt"]
    keys = [t.key for t in plan.tasks]
    assert keys[:7] == ["1.1", "1.1#1", "1.2", "1.3", "1.4#1", "1.4#2", "1.4#3"]
    assert "1.4" not in keys and "3.4" not in keys and {"3.4.1", "3.4.2", "7.3#1"} <= set(keys)
    # the row split by a page break in the text version is whole again
    t53 = plan.task("5.3")
    assert t53.task == (
        "Đào tạo, bồi dưỡng kiến thức, kỹ năng cho cán bộ, công chức cấp xã; tối thiểu 70% cán bộ, "
        "công chức cấp xã được bồi dưỡng trong năm."
    )
    assert t53.lead == "Trưởng phòng Nội vụ huyện"
    assert plan.task("1.2").product == "- Kế hoạch - Công văn triển khai"
    assert plan.task("1.7").deadline_text == "Ban hành kế hoạch: Quý II/2026. Tổ chức hội thi: Quý III/2026."
    assert plan.task("1.3").coord == "Thủ trưởng các cơ quan, đơn vị; Chủ tịch UBND xã - thị trấn"


def test_reimport_gives_identical_keys(sample_plans: dict[str, Plan]) -> None:
    for ext, plan in sample_plans.items():
        again, _ = read_appendix(SAMPLES / f"ke_hoach_mau.{ext}", 2026)
        assert [t.key for t in again.tasks] == [t.key for t in plan.tasks]


def test_committed_samples_match_the_builder(tmp_path: Path) -> None:
    build_samples.build_all(tmp_path)
    assert (tmp_path / "ke_hoach_mau.txt").read_text(encoding="utf-8") == (SAMPLES / "ke_hoach_mau.txt").read_text(
        encoding="utf-8"
    )
    for name in ("ke_hoach_mau.docx", "ke_hoach_mau.xlsx", "ke_hoach_mau_la_ma.docx"):
        built, _ = read_appendix(tmp_path / name, 2026)
        shipped, _ = read_appendix(SAMPLES / name, 2026)
        assert fingerprint(built) == fingerprint(shipped), name


def test_roman_sample_with_other_header_words() -> None:
    plan, problems = read_appendix(SAMPLES / "ke_hoach_mau_la_ma.docx", 2026)
    assert problems == []
    assert [a.code for a in plan.areas] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert [t.key for t in plan.tasks][:4] == ["I.1", "I.2", "II.1", "III.1"]
    assert len(plan.tasks) == 11
    assert plan.task("VIII.1").product == "- Phiếu khảo sát - Báo cáo"
    assert plan.issuer == "Ủy ban nhân dân xã Hòa Bình Đông"


# ------------------------------------------------------------------------------ layouts


def test_xlsx_header_anywhere_merged_cells_and_line_breaks(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Ghi chú"
    wb.active["A1"] = "Trang tính này không có bảng"
    ws = wb.create_sheet("Dán từ Word")
    ws["C3"] = "PHỤ LỤC"
    for i, text in enumerate(HEADER):
        ws.cell(row=12, column=2 + i, value=text)
    ws.cell(row=13, column=2, value="I")
    ws.cell(row=13, column=3, value="Chỉ đạo, điều hành")
    ws.merge_cells("C13:G13")
    ws.append([None, 1.0, "Việc một", "Kế hoạch\nBáo cáo", "Phòng Nội vụ", "Các xã", "Quý I/2026"])
    ws.append([None, 2, "Việc hai", "Báo cáo", None, None, "Quý II/2026"])
    ws.merge_cells("E14:E15")  # one lead cell shared by two tasks
    path = tmp_path / "dan.xlsx"
    wb.save(path)
    plan, problems = read_appendix(path, 2026)
    assert problems == []
    assert [a.title for a in plan.areas] == ["Chỉ đạo, điều hành"]
    assert [(t.key, t.product, t.lead, t.coord) for t in plan.tasks] == [
        ("1", "Kế hoạch - Báo cáo", "Phòng Nội vụ", "Các xã"),
        ("2", "Báo cáo", "Phòng Nội vụ", ""),
    ]
    assert plan.tasks[0].source_row == 14


def test_docx_table_continued_in_second_word_table_with_page_break_piece(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Bảng khác trước phụ lục:")
    other = doc.add_table(rows=2, cols=2)
    other.rows[0].cells[0].text = "Chỉ tiêu"
    first = doc.add_table(rows=3, cols=6)
    for i, text in enumerate(HEADER):
        first.rows[0].cells[i].text = text
    first.rows[1].cells[0].text = "1"
    first.rows[1].cells[1].merge(first.rows[1].cells[5]).text = "Chỉ đạo, điều hành"
    for i, text in enumerate(["1.1", "Tổ chức 02 đoàn học tập", "Kế hoạch", "Phòng Nội vụ", "Các xã", "Quý II"]):
        first.rows[2].cells[i].text = text
    doc.add_paragraph("")
    second = doc.add_table(rows=3, cols=6)
    for i, text in enumerate(HEADER):
        second.rows[0].cells[i].text = text
    second.rows[1].cells[1].text = "kinh nghiệm tại địa phương"
    for i, text in enumerate(["1.2", "Báo cáo định kỳ", "Báo cáo", "Văn phòng", "", "Hàng quý"]):
        second.rows[2].cells[i].text = text
    path = tmp_path / "ke_hoach.docx"
    doc.save(path)
    plan, problems = read_appendix(path, 2026)
    assert problems == []
    assert [(t.key, t.task) for t in plan.tasks] == [
        ("1.1", "Tổ chức 02 đoàn học tập kinh nghiệm tại địa phương"),
        ("1.2", "Báo cáo định kỳ"),
    ]
    assert plan.areas[0].title == "Chỉ đạo, điều hành"  # merged cell read once


def test_text_nfd_and_non_breaking_spaces_are_normalised(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "\t".join(HEADER),
            "1\tChỉ đạo, điều hành\t\t\t\t",
            "1.1\tKiện\u00a0toàn Ban Chỉ đạo\tQuyết\u00a0định\tPhòng Nội vụ\u00a0 huyện\t\tQuý I/2026",
        ]
    )
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    plan, problems = read_appendix(path, 2026)
    assert problems == []
    t = plan.tasks[0]
    assert (t.task, t.product, t.lead) == ("Kiện toàn Ban Chỉ đạo", "Quyết định", "Phòng Nội vụ huyện")
    assert all(unicodedata.is_normalized("NFC", s) for s in (t.task, t.lead, plan.areas[0].title))


def test_text_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_text("\t".join(HEADER) + "\n1\tChỉ đạo\t\t\t\t\n1.1\tViệc\tBáo cáo\tVăn phòng\t\tQuý I", encoding="utf-16")
    plan, _ = read_appendix(path, 2026)
    assert [t.key for t in plan.tasks] == ["1.1"]


# ------------------------------------------------------------------------------ bad input


def expect_input_error(path: Path, *words: str) -> InputError:
    with pytest.raises(InputError) as info:
        read_appendix(path, 2026)
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert unicodedata.is_normalized("NFC", message)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    expect_input_error(tmp_path / "khong_co.docx", "Không tìm thấy tệp")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "rac.bin"
    path.write_bytes(bytes(range(256)) * 20)
    expect_input_error(path, "không phải tài liệu")


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "gia.docx"
    path.write_text("đây không phải tệp Word", encoding="utf-8")
    expect_input_error(path, "không phải tệp Word/Excel")


def test_zip_that_is_not_office(tmp_path: Path) -> None:
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", "x")
    expect_input_error(path, "không phải tài liệu Word")


def test_docx_without_appendix_table(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Kế hoạch không có phụ lục")
    t = doc.add_table(rows=2, cols=2)
    t.rows[0].cells[0].text = "Chỉ tiêu"
    path = tmp_path / "khong_bang.docx"
    doc.save(path)
    err = expect_input_error(path, "Không tìm thấy bảng phụ lục")
    assert [p.code for p in err.problems] == ["plan-no-table"]


def test_xlsx_without_header(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["Số", "Việc", "Người làm"])
    path = tmp_path / "khong_tieu_de.xlsx"
    wb.save(path)
    err = expect_input_error(path, "Không tìm thấy dòng tiêu đề")
    assert [p.code for p in err.problems] == ["plan-no-header"]


def test_text_without_header(tmp_path: Path) -> None:
    path = tmp_path / "van_ban.txt"
    path.write_text("Kế hoạch cải cách hành chính năm 2026\nkhông có bảng", encoding="utf-8")
    expect_input_error(path, "Không tìm thấy dòng tiêu đề")


def test_empty_table_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "rong.txt"
    path.write_text("\t".join(HEADER) + "\n1\tChỉ đạo\t\t\t\t\n", encoding="utf-8")
    plan, problems = read_appendix(path, 2026)
    assert plan.tasks == []
    assert [p.code for p in problems] == ["plan-empty"]
    assert "không có nhiệm vụ nào" in problems[0].message


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_encrypted_office_file(tmp_path: Path) -> None:
    path = tmp_path / "mat_khau.xlsx"
    path.write_bytes(OLE + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    expect_input_error(path, "đặt mật khẩu")


def test_old_xls(tmp_path: Path) -> None:
    path = tmp_path / "cu.xls"
    path.write_bytes(OLE + b"\x00" * 600 + "Workbook".encode("utf-16-le"))
    expect_input_error(path, "định dạng cũ", ".xlsx")


def test_pdf_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.pdf"
    path.write_bytes(b"%PDF-1.7\n...")
    expect_input_error(path, "PDF", ".docx")


def test_text_table_ends_at_the_next_appendix(tmp_path: Path) -> None:
    lines = [
        "\t".join(HEADER),
        "1\tChỉ đạo\t\t\t\t",
        "1.1\tViệc một\tBáo cáo\tVăn phòng\t\tQuý I",
        "",
        "PHỤ LỤC 2",
        "DANH SÁCH ĐƠN VỊ",
        "STT\tTên đơn vị\tSố điện thoại",
        "1\tPhòng Nội vụ\t0123",
    ]
    path = tmp_path / "hai_phu_luc.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    plan, problems = read_appendix(path, 2026)
    assert problems == []
    assert [t.key for t in plan.tasks] == ["1.1"]


@pytest.mark.parametrize(("name", "part"), [("hong.docx", "word/document.xml"), ("hong.xlsx", "xl/workbook.xml")])
def test_office_zip_with_broken_xml(tmp_path: Path, name: str, part: str) -> None:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<broken")
        zf.writestr(part, "<broken")
    expect_input_error(path, "không mở được tệp")
