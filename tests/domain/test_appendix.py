"""Appendix assembly: rows → plan, independent of the file format."""

from __future__ import annotations

import unicodedata

import pytest

from parc_xl.domain.appendix import (
    COLUMNS,
    RawRow,
    assemble,
    find_header,
    guess_issuer,
    guess_title,
    header_column,
    join_lines,
)
from parc_xl.domain.problems import Severity

LEAD = "Văn phòng Sở"
COORD = "Các tổ chức thuộc và trực thuộc Sở"


def rows(*specs: tuple, start: int = 10) -> list[RawRow]:
    """Each spec: (stt, task, product, lead, coord, deadline[, kind_hint])."""
    out = []
    for n, spec in enumerate(specs):
        hint = spec[6] if len(spec) > 6 else "row"
        out.append(RawRow(cells=dict(zip(COLUMNS, spec[:6])), source_row=start + n, kind_hint=hint))
    return out


def header(hint: str = "row") -> tuple:
    return ("STT", "Nhiệm vụ cụ thể", "Sản phẩm", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", hint)


def task(stt: str, text: str, deadline: str = "Trong năm 2024", hint: str = "row") -> tuple:
    return (stt, text, "Báo cáo", LEAD, COORD, deadline, hint)


def keys(plan) -> list[str]:  # noqa: ANN001
    return [t.key for t in plan.tasks]


# ------------------------------------------------------------------------------ header


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("STT", "stt"),
        ("Stt", "stt"),
        ("TT", "stt"),
        ("NHIỆM VỤ CỤ THỂ", "task"),
        ("Nội dung hoạt động", "task"),
        ("Nội dung công việc", "task"),
        ("Nội dung", "task"),
        ("Sản phẩm đầu ra", "product"),
        ("Kết quả", "product"),
        ("Cơ quan/đơn vị chủ trì", "lead"),
        ("CƠ QUAN CHỦ TRÌ", "lead"),
        ("Đơn vị phối hợp", "coord"),
        ("Cơ quan phối hợp", "coord"),
        ("Thời gian thực hiện", "deadline"),
        ("Thời hạn", "deadline"),
        ("Thời hạn hoàn thành", "deadline"),
        ("Thoi gian hoan thanh", "deadline"),  # typed without diacritics
        ("Thời gian\nhoàn thành (dự kiến)", "deadline"),  # wrapped header with a remark
        (unicodedata.normalize("NFD", "Đơn vị chủ trì"), "lead"),
        ("Ghi chú", None),
    ],
)
def test_header_synonyms(cell: str, column: str | None) -> None:
    assert header_column(cell) == column


def test_find_header_maps_columns_in_any_order() -> None:
    cols = find_header(["TT", "Thời hạn", "Nội dung công việc", "Cơ quan chủ trì", "Ghi chú"])
    assert cols is not None
    assert cols.index == {"stt": 0, "deadline": 1, "task": 2, "lead": 3}
    assert cols.pick(["1", "Quý I", "Việc A"]) == {"stt": "1", "deadline": "Quý I", "task": "Việc A", "lead": ""}


def test_find_header_refuses_prose_and_partial_headers() -> None:
    assert find_header(["Trên đây là Kế hoạch thực hiện công tác cải cách hành chính"]) is None
    assert find_header(["STT", "Đơn vị chủ trì", "Thời gian"]) is None  # no task column
    assert find_header(["Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"]) is None  # no STT column


# ------------------------------------------------------------------------------ rows


def test_areas_headings_subtasks_and_keys() -> None:
    plan, problems = assemble(
        rows(
            ("1", "Công tác chỉ đạo, điều hành", "", "", "", ""),
            task("1.1", "Kiện toàn Ban Chỉ đạo CCHC Thành phố."),
            ("", "Kiện toàn Ban Chỉ đạo CCHC Sở.", "Quyết định", LEAD, COORD, ""),
            ("1.2", "Kiểm tra theo các chỉ tiêu", "", "", "", ""),
            task("1.2.1", "Kiểm tra định kỳ 40% cơ quan"),
            task("1.2.2", "Kiểm tra đột xuất 10% cơ quan"),
            ("1.3", "Công tác nội bộ tại Sở", "", "", "", ""),
            task("", "1. Kiểm tra định kỳ"),
            task("", "2. Kiểm tra đột xuất"),
            ("2", "Cải cách thể chế", "", "", "", ""),
            task("2.1", "Rà soát văn bản"),
        ),
        2024,
        "x.txt",
    )
    assert problems == []
    assert [(a.code, a.title, a.index) for a in plan.areas] == [
        ("1", "Công tác chỉ đạo, điều hành", 1),
        ("2", "Cải cách thể chế", 2),
    ]
    assert keys(plan) == ["1.1", "1.1#1", "1.2.1", "1.2.2", "1.3#1", "1.3#2", "2.1"]
    by = {t.key: t for t in plan.tasks}
    assert by["1.1#1"].stt == "" and by["1.1#1"].parent == "1.1" and by["1.1#1"].deadline_text == ""
    assert by["1.2.1"].parent == "1.2"
    assert by["1.3#2"].task == "2. Kiểm tra đột xuất" and by["1.3#2"].parent == "1.3"
    assert by["2.1"].area == "2" and by["1.3#1"].area == "1"
    assert by["1.1"].source_row == 11
    assert plan.task("1.2") is None and plan.task("1.3") is None  # headings are not tasks


def test_continuation_after_page_break_is_joined_but_complete_row_is_a_subtask() -> None:
    plan, _ = assemble(
        rows(
            ("1", "Chỉ đạo điều hành", "", "", "", ""),
            ("1.6", "Triển khai các giải pháp", "Kế hoạch", "Sở Nội vụ tham mưu Ủy ban", "Thủ trưởng sở, ban", "Sau khi công bố"),
            header(),
            ("", "", "", "nhân dân Thành phố", "UBND quận, huyện", ""),
            ("", "Triển khai các giải pháp tại Sở", "Kế hoạch", LEAD, COORD, "Sau khi công bố"),
            task("1.9", "Tổ chức 02 đoàn học tập kinh nghiệm"),
            header(),
            ("", "hay để áp dụng vào thực tiễn", "", "", "", ""),
            task("2.5", "Theo dõi, đôn đốc tiến độ.", deadline="Định kỳ 06 tháng"),
            ("", "Danh mục văn bản quy định chi tiết", "", "", "thuộc Sở", "trong năm 2024", "page_break"),
            task("2.6", "Phối hợp với các bộ"),
            header(),
            ("", "thành phố thuộc Thành phố giai đoạn 2021 - 2030", "", "tác thanh niên", "", ""),
        ),
        2024,
    )
    by = {t.key: t for t in plan.tasks}
    assert keys(plan) == ["1.6", "1.6#1", "1.9", "2.5", "2.6"]
    assert by["1.6"].lead == "Sở Nội vụ tham mưu Ủy ban nhân dân Thành phố"
    assert by["1.6"].coord == "Thủ trưởng sở, ban UBND quận, huyện"
    assert by["1.6#1"].task == "Triển khai các giải pháp tại Sở"
    assert by["1.9"].task == "Tổ chức 02 đoàn học tập kinh nghiệm hay để áp dụng vào thực tiễn"
    assert by["2.5"].task == "Theo dõi, đôn đốc tiến độ. Danh mục văn bản quy định chi tiết"
    assert by["2.5"].coord == f"{COORD} thuộc Sở"
    assert by["2.5"].deadline_text == "Định kỳ 06 tháng trong năm 2024"
    assert by["2.6"].lead == f"{LEAD} tác thanh niên"


def test_unnumbered_row_outside_page_break_with_task_is_a_subtask() -> None:
    plan, _ = assemble(rows(task("3.1", "Việc A"), ("", "Việc A tại xã", "", "Chủ tịch UBND xã", "", "")), 2024)
    assert keys(plan) == ["3.1", "3.1#1"]


def test_lowercase_fragment_without_break_is_still_a_continuation() -> None:
    plan, _ = assemble(rows(task("3.1", "Rà soát văn bản quy phạm"), ("", "pháp luật của huyện", "", "", "", "")), 2024)
    assert keys(plan) == ["3.1"]
    assert plan.tasks[0].task == "Rà soát văn bản quy phạm pháp luật của huyện"


def test_repeated_headers_column_numbers_footnotes_are_dropped() -> None:
    plan, problems = assemble(
        rows(
            ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)"),
            ("I", "Chỉ đạo điều hành", "", "", "", ""),
            task("1", "Việc một"),
            ("", "¹ Theo Quyết định số 42/QĐ-UBND.", "", "", "", "", "note"),
            header(),
            task("2", "Việc hai"),
            ("II", "Cải cách thể chế", "", "", "", ""),
            ("1", "Xây dựng văn bản", "", "", "", ""),  # heading with children under a Roman area
            task("1.1", "Ban hành quyết định"),
        ),
        2024,
    )
    assert problems == []
    assert [a.code for a in plan.areas] == ["I", "II"]
    # numbering restarts in area II ("1" again), so keys carry the area
    assert keys(plan) == ["I.1", "I.2", "II.1.1"]
    assert plan.task("II.1.1").parent == "II.1"
    assert plan.task("II.1.1").area == "II"


def test_flat_numbering_restarting_in_each_area_gets_area_prefixed_keys() -> None:
    plan, problems = assemble(
        rows(
            ("I", "Chỉ đạo", "", "", "", ""),
            task("1", "A"),
            task("2", "B"),
            ("II", "Thể chế", "", "", "", ""),
            task("1", "C"),
            ("", "C tại xã", "", "Chủ tịch UBND xã", "", "Quý I"),
        ),
        2024,
    )
    assert problems == []
    assert keys(plan) == ["I.1", "I.2", "II.1", "II.1#1"]
    assert [t.stt for t in plan.tasks] == ["1", "2", "1", ""]


def test_duplicate_stt_is_disambiguated_with_a_warning() -> None:
    plan, problems = assemble(
        rows(("1", "Chỉ đạo", "", "", "", ""), task("1.1", "A"), task("1.1", "B"), task("1.2", "C")), 2024, "kh.txt"
    )
    assert keys(plan) == ["1.1", "1.1~2", "1.2"]
    assert [(p.code, p.severity, p.cell, p.task_key) for p in problems] == [
        ("plan-duplicate-stt", Severity.WARNING, "dòng 12", "1.1~2")
    ]
    assert "xuất hiện nhiều lần" in problems[0].message


def test_stated_total_checked() -> None:
    base = [("1", "Chỉ đạo", "", "", "", ""), task("1.1", "A"), task("1.2", "B")]
    plan, problems = assemble(rows(*base, ("", "TỔNG CỘNG: 2 NHIỆM VỤ", "", "", "", "", "note")), 2024)
    assert plan.stated_total == 2 and problems == []
    plan, problems = assemble(rows(*base, ("Tổng cộng: 3 nhiệm vụ", "", "", "", "", "")), 2024, "kh.docx")
    assert plan.stated_total == 3
    assert [p.code for p in problems] == ["plan-total-mismatch"]
    assert problems[0].message.startswith("Kế hoạch ghi tổng cộng 3 nhiệm vụ nhưng đọc được 2 nhiệm vụ.")


def test_empty_table_is_an_error() -> None:
    plan, problems = assemble(rows(header(), ("1", "Chỉ đạo", "", "", "", "")), 2024, "kh.txt")
    assert plan.tasks == []
    assert [(p.code, p.severity) for p in problems] == [("plan-empty", Severity.ERROR)]
    assert "không có nhiệm vụ nào" in problems[0].message


def test_cells_are_cleaned() -> None:
    nfd = unicodedata.normalize("NFD", "Kiện toàn Ban Chỉ đạo")
    plan, _ = assemble(
        rows(
            (
                "1.1.",
                f"<p>{nfd}\u00a0\u00a0huyện</p>",
                '<ul style="list-style-type: none"> - Kế hoạch - Báo cáo </ul>',
                "• Phòng Nội vụ • Phòng Tư pháp",
                "Các&nbsp;cơ quan",
                " Quý I/2024 ",
            )
        ),
        2024,
    )
    t = plan.tasks[0]
    assert (t.key, t.stt) == ("1.1", "1.1")
    assert t.task == "Kiện toàn Ban Chỉ đạo huyện" and unicodedata.is_normalized("NFC", t.task)
    assert t.product == "- Kế hoạch - Báo cáo"
    assert t.lead == "- Phòng Nội vụ - Phòng Tư pháp"
    assert t.coord == "Các cơ quan"
    assert t.deadline_text == "Quý I/2024"
    assert t.deadline is None and t.lead_units == [] and t.coord_units == []


def test_join_lines() -> None:
    assert join_lines(["- Kế hoạch", "- Báo cáo"]) == "- Kế hoạch - Báo cáo"
    assert join_lines(["Kế hoạch", "Báo cáo"]) == "Kế hoạch - Báo cáo"
    assert join_lines(["Kiểm tra, khảo sát", "định kỳ 40%"]) == "Kiểm tra, khảo sát định kỳ 40%"
    assert join_lines(["Ban hành: Quý I.", "Thực hiện: Quý II."]) == "Ban hành: Quý I. Thực hiện: Quý II."
    assert join_lines(["• A", "", "– B"]) == "- A - B"


def test_issuer_and_title_from_text_before_the_table() -> None:
    lines = [
        "Số: 108/QĐ-UBND",
        "Về việc ban hành Kế hoạch thực hiện công tác cải cách hành chính trên địa bàn huyện năm 2024",
        "Thực hiện Kế hoạch số 972/KH-UBND ngày 05 tháng 02 năm 2021 của Ủy ban nhân dân huyện",
        "ỦY BAN NHÂN DÂN",
        "HUYỆN HÓC MÔN",
        "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert guess_issuer(lines) == "Ủy ban nhân dân huyện Hóc Môn"
    assert guess_title(lines, 2024) == "Kế hoạch thực hiện công tác cải cách hành chính trên địa bàn huyện năm 2024"
    assert guess_issuer(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH", "SỞ NỘI VỤ", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) == "Sở Nội vụ"
    assert guess_issuer(["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) == "Sở Giáo dục và Đào tạo"
    assert guess_issuer(["Báo cáo tháng"]) == ""
    assert guess_title(["KẾ HOẠCH", "Cải cách hành chính năm 2026"], 2026) == "Kế hoạch cải cách hành chính năm 2026"
