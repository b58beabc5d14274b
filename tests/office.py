"""A small, fully controlled office for job tests: a registry workbook, an appendix in
extracted-text form, and the master imported from them with the real import job."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from parc_xl.io import master_layout as L

YEAR = 2026

UNITS = [
    # code, name, groups, aliases, e-mail
    ("VP", "Văn phòng HĐND và UBND huyện", "G_CQ", "Chánh Văn phòng HĐND và UBND huyện", "vp@example.gov.vn"),
    ("PNV", "Phòng Nội vụ huyện", "G_CQ", "Trưởng phòng Nội vụ huyện", "pnv@example.gov.vn"),
    ("PTP", "Phòng Tư pháp huyện", "G_CQ", "Trưởng phòng Tư pháp huyện", "ptp@example.gov.vn"),
    ("PTCKH", "Phòng Tài chính - Kế hoạch huyện", "G_CQ", "Trưởng phòng Tài chính - Kế hoạch huyện", "tckh@example.gov.vn"),
    ("PVHTT", "Phòng Văn hóa và Thông tin huyện", "G_CQ", "Trưởng phòng Văn hóa và Thông tin huyện", "vhtt@example.gov.vn"),
    ("PGDDT", "Phòng Giáo dục và Đào tạo huyện", "G_CQ", "Trưởng phòng Giáo dục và Đào tạo huyện", "gddt@example.gov.vn"),
    ("PYT", "Phòng Y tế huyện", "G_CQ", "Trưởng phòng Y tế huyện", "pyt@example.gov.vn"),
    ("TTHU", "Thanh tra huyện", "G_CQ", "Chánh Thanh tra huyện", "tt@example.gov.vn"),
    ("XA1", "UBND xã Tân Hiệp", "G_XA", "Chủ tịch UBND xã Tân Hiệp", "tanhiep@example.gov.vn"),
    ("XA2", "UBND xã Xuân Thới Sơn", "G_XA", "Chủ tịch UBND xã Xuân Thới Sơn", "xts@example.gov.vn"),
    ("XA3", "UBND thị trấn Hóc Môn", "G_XA", "Chủ tịch UBND thị trấn Hóc Môn", "ttr@example.gov.vn"),
]
GROUPS = [
    ("G_CQ", "Các cơ quan chuyên môn", "Thủ trưởng các cơ quan, đơn vị; Các cơ quan, đơn vị"),
    ("G_XA", "UBND các xã, thị trấn", "Chủ tịch UBND xã - thị trấn; UBND các xã, thị trấn"),
]

HEADER = "STT\tNhiệm vụ cụ thể\tSản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành"
APPENDIX = f"""KẾ HOẠCH
Cải cách hành chính huyện năm {YEAR}

PHỤ LỤC
{HEADER}
1\tCông tác chỉ đạo, điều hành\t\t\t\t
1.1\tBan hành Kế hoạch cải cách hành chính năm {YEAR}\tKế hoạch\tTrưởng phòng Nội vụ huyện\tThủ trưởng các cơ quan, đơn vị\tQuý I/{YEAR}
1.2\tBáo cáo công tác cải cách hành chính định kỳ\tBáo cáo\tThủ trưởng các cơ quan, đơn vị\tPhòng Nội vụ huyện\tHàng quý
1.3\tKiện toàn Ban Chỉ đạo cải cách hành chính\tQuyết định\tTrưởng phòng Nội vụ huyện\t\tKhi có phát sinh (không quá 10 ngày làm việc kể từ ngày có thay đổi)
2\tCải cách thủ tục hành chính\t\t\t\t
2.1\tGiải quyết hồ sơ thủ tục hành chính đúng hạn đạt 99% trở lên\tBáo cáo\tChủ tịch UBND xã - thị trấn\tVăn phòng HĐND và UBND huyện\tTrong năm {YEAR}
2.2\tRà soát, đơn giản hóa thủ tục hành chính nội bộ\tBáo cáo\tTrưởng phòng Tư pháp huyện\tThủ trưởng các cơ quan, đơn vị\tQuý II/{YEAR}
3\tCải cách tài chính công\t\t\t\t
3.1\tBan hành quy chế chi tiêu nội bộ\tQuyết định\tTrưởng phòng Tài chính - Kế hoạch huyện\t\tQuý I/{YEAR}
3.2\tTuyên truyền cải cách hành chính\tBài viết\tTrưởng phòng Văn hóa và Thông tin huyện\t\tThường xuyên
3.3\tThanh tra công vụ\tKết luận thanh tra\tChánh Thanh tra huyện\t\tTrong năm {YEAR}
3.4\tSố hóa hồ sơ giáo dục, y tế\tBáo cáo\t- Trưởng phòng Giáo dục và Đào tạo huyện - Trưởng phòng Y tế huyện\t\tQuý I/{YEAR}
"""


def write_registry(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_UNITS
    ws.append([c.header for c in L.UNIT_COLUMNS])
    for row in UNITS:
        ws.append(list(row))
    ws2 = wb.create_sheet(L.SHEET_GROUPS)
    ws2.append([c.header for c in L.GROUP_COLUMNS])
    for row in GROUPS:
        ws2.append(list(row))
    wb.save(path)
    return path


def make_office(folder: Path, *, year: int = YEAR) -> Path:
    """Import the test appendix with the test registry; returns the master's path."""
    from parc_xl.jobs import plan_import

    folder.mkdir(parents=True, exist_ok=True)
    appendix = folder / "phu_luc.txt"
    appendix.write_text(APPENDIX.replace(str(YEAR), str(year)), encoding="utf-8")
    registry = write_registry(folder / "don_vi.xlsx")
    master = folder / "so_theo_doi.xlsx"
    result = plan_import.run(appendix, year, master, registry)
    assert result.exit_code == 0, result.summary_vi()
    return master


def table(master: Path, sheet: str) -> list[dict[str, object]]:
    """A sheet of a written workbook as calamine reads it: one dict per non-empty row, keyed by the header."""
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v != "" for v in r)]
