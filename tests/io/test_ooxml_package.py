"""XlsxPackage: patch a clerk-edited master without losing any of the clerk's work.

The hard cases run against a master written by LibreOffice (so the package is not
openpyxl's own), and the results are read back with python-calamine, openpyxl and
LibreOffice itself."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from parc_xl.errors import InputError, MasterBusyError
from parc_xl.io.ooxml import base, zipio
from parc_xl.io.master_layout import SHEET_DASHBOARD, SHEET_HISTORY, SHEET_SUBMISSIONS, SHEET_TRACKING
from parc_xl.io.ooxml import XlsxPackage, excel_serial, xlsx_lock_file

NS = {"m": base.NS_MAIN}
CLERK_SHEET = "Ghi chú của tôi"
CLERK_NOTE = "Đã gọi điện nhắc đơn vị"


# --- helpers ---------------------------------------------------------------------------
def build_master(path: Path) -> Path:
    """A small master as the lead's openpyxl writer makes it: 3 sheets, styles, dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TRACKING
    ws.append(["Mã", "Nhiệm vụ", "Hạn", "Tiến độ", "Ghi chú"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(["T1", "Rà soát thủ tục", dt.date(2024, 3, 31), 10, None])
    ws.append(["T2", "Số hóa hồ sơ", dt.date(2024, 6, 30), 20, None])
    for row in (2, 3):
        ws.cell(row, 3).number_format = "dd/mm/yyyy"
        ws.cell(row, 4).font = Font(color="C00000")
    ws.auto_filter.ref = "A1:E3"
    ws.column_dimensions["B"].width = 40
    sub = wb.create_sheet(SHEET_SUBMISSIONS)
    sub.append(["Đơn vị", "Nhận lúc", "Số dòng"])
    hist = wb.create_sheet(SHEET_HISTORY)
    hist.append(["Khi", "Trường", "Cũ", "Mới"])
    wb.save(path)
    return path


def soffice_convert(soffice: str, profile: Path, src: Path, fmt: str, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert result.returncode == 0 and out.exists(), result.stdout + result.stderr
    return out


def entries(path: Path) -> dict[str, tuple[int, bytes]]:
    """{name: (compression method, raw compressed bytes)} of every zip entry."""
    blob = path.read_bytes()
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name_len, extra_len = zipfile.struct.unpack_from("<HH", blob, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            out[info.filename] = (info.compress_type, blob[start : start + info.compress_size])
    return out


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def cell_xml(path: Path, sheet_part: str, ref: str) -> etree._Element:
    root = etree.fromstring(part(path, sheet_part))
    found = root.xpath(f"//m:c[@r='{ref}']", namespaces=NS)
    assert found, ref
    return found[0]


def ods_chart_count(ods: Path) -> int:
    with zipfile.ZipFile(ods) as zf:
        return sum(
            1 for n in zf.namelist()
            if re.fullmatch(r"Object \d+/content\.xml", n) and b"<chart:chart" in zf.read(n)
        )


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lo_profile")


@pytest.fixture(scope="module")
def clerk_master(
    soffice: str, lo_profile: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The master after a clerk's session in LibreOffice: an extra sheet with a chart,
    a note on a tracking cell, a conditional format, a data validation, a wide column."""
    d = tmp_path_factory.mktemp("clerk")
    (d / "src").mkdir()
    src = build_master(d / "src" / "master.xlsx")
    wb = load_workbook(src)
    extra = wb.create_sheet(CLERK_SHEET)
    extra.append(["Đơn vị", "Số nhắc"])
    for i in range(1, 5):
        extra.append([f"ĐV{i}", i * 3])
    chart = BarChart()
    chart.title = "Biểu đồ của văn thư"
    chart.add_data(Reference(extra, min_col=2, min_row=1, max_row=5), titles_from_data=True)
    extra.add_chart(chart, "D2")
    tracking = wb[SHEET_TRACKING]
    tracking["E2"].comment = Comment(CLERK_NOTE, "Văn thư")
    tracking.conditional_formatting.add(
        "D2:D100", CellIsRule(operator="lessThan", formula=["50"], fill=PatternFill("solid", bgColor="FFC7CE"))
    )
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    dv.add("D2:D100")
    tracking.add_data_validation(dv)
    tracking.column_dimensions["E"].width = 55
    tracking["G1"] = "=SUM(D2:D100)"
    wb.save(src)
    return soffice_convert(soffice, lo_profile, src, "xlsx", d / "lo")


def patch(master: Path, out: Path) -> None:
    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet(SHEET_TRACKING)
    sheet.set_value("D2", 75)
    sheet.set_value("E3", "=HYPERLINK(\"http://x\")")
    sheet.set_value("C3", dt.date(2024, 7, 15))
    sheet.append_rows([["T3", "Một cửa", dt.date(2024, 9, 30), 0, "+84 nhắc lại"]])
    sub = pkg.sheet(SHEET_SUBMISSIONS)
    sub.append_rows([["Phường 1", dt.datetime(2024, 4, 2, 9, 15), 12]])
    pkg.save(out)


# --- the clerk's work survives -------------------------------------------------------------
def test_patch_keeps_every_clerk_part_byte_identical(clerk_master: Path, tmp_path: Path) -> None:
    out = tmp_path / "master.xlsx"
    patch(clerk_master, out)
    before, after = entries(clerk_master), entries(out)
    pkg = XlsxPackage.open(clerk_master)
    touched = {
        pkg._sheet_map()[SHEET_TRACKING], pkg._sheet_map()[SHEET_SUBMISSIONS],
        "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
    }
    untouched = [n for n in before if n not in touched]
    # The clerk's sheet, chart, drawing, note (comments + VML) are among the untouched.
    assert any(n.startswith("xl/charts/") for n in untouched)
    assert any(n.startswith("xl/comments") for n in untouched)
    assert any(n.endswith(".vml") for n in untouched)
    for name in untouched:
        assert after[name] == before[name], name  # same method, same compressed bytes
    assert list(after)[: len(before)] == [n for n in before if n in after]  # same order


def test_patched_values_read_back_in_calamine_and_openpyxl(clerk_master: Path, tmp_path: Path) -> None:
    out = tmp_path / "master.xlsx"
    patch(clerk_master, out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(SHEET_TRACKING).to_python()
    assert rows[1][:5] == ["T1", "Rà soát thủ tục", dt.date(2024, 3, 31), 75, ""]
    assert rows[2][2] == dt.date(2024, 7, 15)
    assert rows[2][4] == "=HYPERLINK(\"http://x\")"
    assert rows[3][:5] == ["T3", "Một cửa", dt.date(2024, 9, 30), 0, "+84 nhắc lại"]
    sub = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(SHEET_SUBMISSIONS).to_python()
    assert sub[1] == ["Phường 1", dt.datetime(2024, 4, 2, 9, 15), 12]

    wb = load_workbook(out)
    ws = wb[SHEET_TRACKING]
    assert ws["E3"].data_type == "s" and ws["E3"].value.startswith("=")
    assert ws["E3"].quotePrefix and ws["E4"].quotePrefix
    assert ws["C4"].is_date and ws["C4"].number_format == "dd/mm/yyyy"
    assert ws["C4"].value == dt.datetime(2024, 9, 30)
    assert wb[SHEET_SUBMISSIONS]["B2"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["E2"].comment is not None and CLERK_NOTE in ws["E2"].comment.text
    assert CLERK_SHEET in wb.sheetnames and wb[CLERK_SHEET]["B5"].value == 12
    assert ws.column_dimensions["E"].width > 50
    assert ws.auto_filter.ref == "A1:E4"
    assert len(ws.conditional_formatting) == 1 and ws.data_validations.dataValidation
    # Formulas of the clerk are kept; Excel is asked to recalculate them on load.
    assert ws["G1"].value == "=SUM(D2:D100)"
    workbook_xml = part(out, "xl/workbook.xml")
    assert b'fullCalcOnLoad="1"' in workbook_xml
    filter_name = re.search(rb'name="_xlnm._FilterDatabase"[^>]*>([^<]*)<', workbook_xml)
    assert filter_name is not None and filter_name.group(1).endswith(b"$E$4")


def test_libreoffice_opens_the_patched_master(
    clerk_master: Path, soffice: str, lo_profile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "master.xlsx"
    patch(clerk_master, out)
    pdf = soffice_convert(soffice, lo_profile, out, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    ods = soffice_convert(soffice, lo_profile, out, "ods", tmp_path / "ods")
    content = part(ods, "content.xml").decode("utf-8")
    assert "Một cửa" in content and "+84 nhắc lại" in content
    assert CLERK_NOTE in content  # the note (office:annotation)
    assert ods_chart_count(ods) == 1  # the clerk's chart


# --- transplanting a generated sheet ---------------------------------------------------
def build_dashboard(path: Path) -> Path:
    """A dashboard as openpyxl writes it: two native bar charts, a conditional format,
    merged title cells, print titles, a date cell, a bold red font."""
    wb = Workbook()
    wb.active.title = "Khác"
    wb.active["A1"] = "chiếm chỗ"  # the dashboard is not the first sheet of its workbook
    ws = wb.create_sheet(SHEET_DASHBOARD)
    ws["A1"] = "Tổng hợp tiến độ"
    ws["A1"].font = Font(bold=True, size=14, color="C00000")
    ws.merge_cells("A1:D1")
    ws.append(["Đơn vị", "Đúng hạn", "Trễ hạn", "Ngày"])
    for i in range(1, 6):
        ws.append([f"Đơn vị {i}", i * 2, 5 - i, dt.date(2024, 4, i)])
        ws.cell(ws.max_row, 4).number_format = "dd/mm/yyyy"
    for col, anchor in ((2, "F2"), (3, "F20")):
        chart = BarChart()
        chart.title = f"Biểu đồ {col}"
        chart.add_data(Reference(ws, min_col=col, min_row=2, max_row=7), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=7))
        ws.add_chart(chart, anchor)
    ws.conditional_formatting.add(
        "C3:C7", CellIsRule(operator="greaterThan", formula=["2"], font=Font(color="9C0006"))
    )
    ws.print_title_rows = "1:2"
    wb.save(path)
    return path


def test_transplant_dashboard_beside_the_clerks_chart(
    clerk_master: Path, soffice: str, lo_profile: Path, tmp_path: Path
) -> None:
    dash = build_dashboard(tmp_path / "dash.xlsx")
    pkg = XlsxPackage.open(clerk_master)
    pkg.replace_sheet_from(dash, SHEET_DASHBOARD, position=1)
    out = tmp_path / "master.xlsx"
    pkg.save(out)

    names = XlsxPackage.open(out).sheet_names()
    assert names[:2] == [SHEET_TRACKING, SHEET_DASHBOARD] and CLERK_SHEET in names
    with zipfile.ZipFile(out) as zf:
        charts = [n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) == 3  # the clerk's and our two

    wb = load_workbook(out)
    ws = wb[SHEET_DASHBOARD]
    assert ws["A1"].value == "Tổng hợp tiến độ" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A1"].font.color.rgb.endswith("C00000")
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D3"].is_date and ws["D3"].value == dt.datetime(2024, 4, 1)
    rule = next(iter(ws.conditional_formatting)).rules[0]
    assert rule.dxf.font.color.rgb.endswith("9C0006")
    assert ws.print_title_rows == "$1:$2"
    assert len(ws._charts) == 2 and len(wb[CLERK_SHEET]._charts) == 1
    # The sheet indices of the clerk's defined names moved with the insertion.
    assert wb[SHEET_TRACKING].auto_filter.ref
    dash_rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(SHEET_DASHBOARD).to_python()
    assert dash_rows[2][:3] == ["Đơn vị 1", 2, 4]

    ods = soffice_convert(soffice, lo_profile, out, "ods", tmp_path / "ods")
    assert ods_chart_count(ods) == 3

    # Replacing it again reuses the sheet and leaves no orphaned chart parts behind.
    pkg2 = XlsxPackage.open(out)
    pkg2.replace_sheet_from(dash, SHEET_DASHBOARD, state="hidden")
    out2 = tmp_path / "again.xlsx"
    pkg2.save(out2)
    with zipfile.ZipFile(out2) as zf:
        charts2 = [n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        drawings2 = [n for n in zf.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
    with zipfile.ZipFile(clerk_master) as zf:
        clerk_drawings = [n for n in zf.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
    assert len(charts2) == 3 and len(drawings2) == len(clerk_drawings) + 1
    assert set(charts2).isdisjoint(charts[1:]) or set(charts2) != set(charts)  # fresh names
    wb2 = load_workbook(out2)
    assert wb2[SHEET_DASHBOARD].sheet_state == "hidden" and len(wb2[SHEET_DASHBOARD]._charts) == 2
    assert wb2.sheetnames.index(SHEET_DASHBOARD) == 1


# --- atomic save -----------------------------------------------------------------------
def test_failure_during_save_leaves_master_identical_and_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    master = build_master(tmp_path / "master.xlsx")
    original = master.read_bytes()
    pkg = XlsxPackage.open(master)
    pkg.sheet(SHEET_TRACKING).set_value("D2", 99)

    def boom(data: bytes) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(zipio, "_deflate", boom)
    with pytest.raises(OSError, match="disk full"):
        pkg.save(master, backup_dir=tmp_path / "sao_luu")
    assert master.read_bytes() == original
    backups = list((tmp_path / "sao_luu").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert re.fullmatch(r"master_\d{8}-\d{6}-\d{6}\.xlsx", backups[0].name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx", "sao_luu"]

    monkeypatch.undo()
    backup = pkg.save(master, backup_dir=tmp_path / "sao_luu")
    assert backup is not None and backup.read_bytes() == original
    assert XlsxPackage.open(master).sheet(SHEET_TRACKING).value("D2") == 99


def test_excel_lock_file_refuses_the_save(tmp_path: Path) -> None:
    master = build_master(tmp_path / "master.xlsx")
    original = master.read_bytes()
    pkg = XlsxPackage.open(master)
    pkg.sheet(SHEET_TRACKING).set_value("D2", 1)
    assert xlsx_lock_file(master) is None
    (tmp_path / "~$master.xlsx").write_bytes(b"owner")
    assert xlsx_lock_file(master) == tmp_path / "~$master.xlsx"
    with pytest.raises(MasterBusyError) as err:
        pkg.save(master, backup_dir=tmp_path / "sao_luu")
    assert "master.xlsx" in str(err.value) and "đang mở trong Excel" in str(err.value) and "Chưa ghi gì" in str(err.value)
    assert master.read_bytes() == original and not (tmp_path / "sao_luu").exists()


def test_libreoffice_lock_file_is_detected(tmp_path: Path) -> None:
    master = build_master(tmp_path / "master.xlsx")
    (tmp_path / ".~lock.master.xlsx#").write_text("x")
    assert xlsx_lock_file(master) == tmp_path / ".~lock.master.xlsx#"


def test_missing_folder_is_reported_as_busy(tmp_path: Path) -> None:
    pkg = XlsxPackage.open(build_master(tmp_path / "master.xlsx"))
    with pytest.raises(MasterBusyError, match="Không ghi được"):
        pkg.save(tmp_path / "nowhere" / "master.xlsx")


# --- refusing what is not a workbook -------------------------------------------------------
def test_not_a_workbook_is_refused_in_vietnamese(tmp_path: Path) -> None:
    text = tmp_path / "baocao.xlsx"
    text.write_text("không phải excel")
    with pytest.raises(InputError, match="không phải là tệp Excel"):
        XlsxPackage.open(text)
    ole = tmp_path / "matkhau.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match="mật khẩu"):
        XlsxPackage.open(ole)
    with pytest.raises(InputError, match="Không tìm thấy"):
        XlsxPackage.open(tmp_path / "absent.xlsx")


def test_unknown_sheet_is_an_input_error(tmp_path: Path) -> None:
    pkg = XlsxPackage.open(build_master(tmp_path / "master.xlsx"))
    assert pkg.sheet_names() == [SHEET_TRACKING, SHEET_SUBMISSIONS, SHEET_HISTORY]
    with pytest.raises(InputError, match="không có trang tính"):
        pkg.sheet("Không có")


# --- cell encoding -------------------------------------------------------------------------
def test_values_styles_and_order(tmp_path: Path) -> None:
    master = build_master(tmp_path / "master.xlsx")
    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet(SHEET_HISTORY)
    xfs_before = len(pkg._styles().items("cellXfs"))
    sheet.set_value("C10", "z")
    sheet.set_value("A10", dt.date(2024, 1, 2))
    sheet.set_value("B10", dt.date(2024, 1, 3))  # same base style: the clone is reused
    sheet.set_value("A5", "a\x00b\x1fc\td")  # control characters stripped, tab kept
    sheet.set_value("B5", "@SUM(1)")
    sheet.set_value("C5", "=1+1", quote_formula_like=False)
    sheet.set_value("D5", True)
    sheet.set_value("E5", 0.1)
    sheet.set_value("F5", "  lề  ")
    assert len(pkg._styles().items("cellXfs")) == xfs_before + 2  # one date, one quote
    out = tmp_path / "out.xlsx"
    pkg.save(out)

    sheet_part = pkg._sheet_map()[SHEET_HISTORY]
    root = etree.fromstring(part(out, sheet_part))
    refs = [[c.get("r") for c in row.findall("m:c", NS)] for row in root.iterfind(".//m:row", NS)]
    assert refs == [["A1", "B1", "C1", "D1"], ["A5", "B5", "C5", "D5", "E5", "F5"], ["A10", "B10", "C10"]]
    assert root.find("m:dimension", NS).get("ref") == "A1:F10"
    a10, b10 = cell_xml(out, sheet_part, "A10"), cell_xml(out, sheet_part, "B10")
    assert a10.get("s") == b10.get("s") and a10.findtext("m:v", namespaces=NS) == "45293"
    assert cell_xml(out, sheet_part, "C5").findtext("m:is/m:t", namespaces=NS) == "=1+1"
    assert cell_xml(out, sheet_part, "C5").find("m:f", NS) is None

    ws = load_workbook(out)[SHEET_HISTORY]
    assert ws["A5"].value == "abc\td"
    assert ws["B5"].quotePrefix and not ws["C5"].quotePrefix
    assert ws["D5"].value is True and ws["E5"].value == 0.1 and ws["F5"].value == "  lề  "
    assert ws["A10"].number_format == "dd/mm/yyyy" and ws["A10"].value == dt.datetime(2024, 1, 2)


def test_none_clears_value_and_keeps_style_and_formula_is_removed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = 5
    ws["A1"].font = Font(bold=True)
    ws["B1"] = "=A1*2"
    ws["A2"] = "=A1+1"
    ws["B2"] = "=B1+1"
    wb.save(tmp_path / "f.xlsx")
    pkg = XlsxPackage.open(tmp_path / "f.xlsx")
    sheet = pkg.sheet("Sheet")
    sheet.set_value("A1", None)
    sheet.set_value("B1", 7)
    assert sheet.read_values()[0] == [None, 7]
    pkg.save(tmp_path / "g.xlsx")
    ws2 = load_workbook(tmp_path / "g.xlsx")["Sheet"]
    assert ws2["A1"].value is None and ws2["A1"].font.b
    assert ws2["B1"].value == 7 and ws2["A2"].value == "=A1+1"


def test_date_serials_both_systems() -> None:
    assert excel_serial(dt.date(1900, 1, 1)) == 1
    assert excel_serial(dt.date(1900, 3, 1)) == 61
    assert excel_serial(dt.date(2024, 1, 1)) == 45292
    assert excel_serial(dt.date(2024, 1, 1), date1904=True) == 45292 - 1462
    assert excel_serial(dt.datetime(2024, 1, 1, 12, 0)) == 45292.5


def test_date1904_workbook_gets_1904_serials(tmp_path: Path) -> None:
    wb = Workbook()
    wb.save(tmp_path / "a.xlsx")
    pkg = XlsxPackage.open(tmp_path / "a.xlsx")
    wbpr = pkg._workbook.find("m:workbookPr", NS)
    wbpr.set("date1904", "1")
    pkg._mark_dirty(pkg.workbook_part)
    pkg._date1904 = None
    pkg.sheet("Sheet").set_value("A1", dt.date(2024, 1, 1))
    pkg.save(tmp_path / "b.xlsx")
    assert load_workbook(tmp_path / "b.xlsx")["Sheet"]["A1"].value == dt.datetime(2024, 1, 1)
    assert cell_xml(tmp_path / "b.xlsx", "xl/worksheets/sheet1.xml", "A1").findtext(
        "m:v", namespaces=NS
    ) == str(45292 - 1462)


def test_append_takes_the_table_style_and_write_table_rewrites(tmp_path: Path) -> None:
    master = build_master(tmp_path / "master.xlsx")
    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet(SHEET_TRACKING)
    first = sheet.append_rows([["T3", "Mới", dt.date(2024, 12, 31), 5, "=cộng"]])
    assert first == 4
    assert sheet.style_of("D4") == sheet.style_of("D3") != 0
    assert sheet.style_of("C4") == sheet.style_of("C3")  # already a date format: no clone
    sub = pkg.sheet(SHEET_SUBMISSIONS)
    sub.write_table(2, [["A", dt.datetime(2024, 1, 1, 8), 1], ["B", None, 2]])
    sub.write_table(2, [["C", None, 3]])
    pkg.save(tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx")
    assert [c.value for c in wb[SHEET_TRACKING][4]] == ["T3", "Mới", dt.datetime(2024, 12, 31), 5, "=cộng"]
    assert wb[SHEET_TRACKING]["D4"].font.color.rgb.endswith("C00000")
    assert wb[SHEET_TRACKING].auto_filter.ref == "A1:E4"
    assert [[c.value for c in r] for r in wb[SHEET_SUBMISSIONS].iter_rows()] == [
        ["Đơn vị", "Nhận lúc", "Số dòng"], ["C", None, 3]
    ]


def test_calc_chain_is_dropped_when_cells_change(tmp_path: Path) -> None:
    master = build_master(tmp_path / "master.xlsx")
    # Give the package a calculation chain as Excel would write it.
    with zipfile.ZipFile(master) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    items["xl/calcChain.xml"] = (
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="D2" i="1"/></calcChain>'
    )
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>'
    )
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'
    )
    with zipfile.ZipFile(master, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in items.items():
            zf.writestr(n, data)
    pkg = XlsxPackage.open(master)
    pkg.sheet(SHEET_TRACKING).set_value("D2", 1)
    pkg.save(master)
    with zipfile.ZipFile(master) as zf:
        names = zf.namelist()
        assert "xl/calcChain.xml" not in names
        assert b"calcChain" not in zf.read("[Content_Types].xml")
        assert b"calcChain" not in zf.read("xl/_rels/workbook.xml.rels")
    load_workbook(master)


# --- performance ---------------------------------------------------------------------------
def test_status_sized_table_writes_in_seconds(tmp_path: Path) -> None:
    import time

    master = build_master(tmp_path / "master.xlsx")
    rows = [[f"ĐV{i % 60}-T{i}", i % 7, dt.date(2024, 1, 1) + dt.timedelta(i % 366)] for i in range(200_000)]
    start = time.perf_counter()
    pkg = XlsxPackage.open(master)
    pkg.sheet(SHEET_HISTORY).write_table(2, rows)
    pkg.save(master)
    elapsed = time.perf_counter() - start
    assert elapsed < 60, elapsed  # a guard against the old per-cell path (minutes), not a speed target
    data = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(SHEET_HISTORY).to_python()
    assert len(data) == 200_001 and data[-1][:3] == [f"ĐV{199999 % 60}-T199999", 199999 % 7, dt.date(2024, 1, 1) + dt.timedelta(199999 % 366)]


def test_appended_rows_stay_editable_and_tables_follow(tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Số"])
    ws.append(["a", 1])
    ws.add_table(Table(displayName="BangSo", ref="A1:B2"))
    wb.save(tmp_path / "t.xlsx")
    pkg = XlsxPackage.open(tmp_path / "t.xlsx")
    sheet = pkg.sheet("Sheet")
    assert sheet.append_rows([["b", 2], ["c", 3]]) == 3
    sheet.set_value("B4", 30)  # a row appended as text becomes an element on demand
    sheet.set_value("A6", "e")
    sheet.append_rows([["f", 6]])
    assert sheet.read_values() == [["Mã", "Số"], ["a", 1], ["b", 2], ["c", 30], [None, None], ["e", None], ["f", 6]]
    pkg.save(tmp_path / "u.xlsx")
    ws2 = load_workbook(tmp_path / "u.xlsx")["Sheet"]
    assert ws2.tables["BangSo"].ref == "A1:B7"
    assert [c.value for c in ws2["B"]] == ["Số", 1, 2, 30, None, None, 6]


def test_removing_a_shared_formula_master_keeps_dependents_values(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for r in (1, 2, 3):
        ws.cell(r, 1, r)
    wb.save(tmp_path / "s.xlsx")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    sheet_xml = items["xl/worksheets/sheet1.xml"].decode()
    for r in (1, 2, 3):
        f = '<f t="shared" ref="B1:B3" si="0">A1*2</f>' if r == 1 else '<f t="shared" si="0"/>'
        sheet_xml = sheet_xml.replace(
            f'<c r="A{r}" t="n"><v>{r}</v></c>', f'<c r="A{r}" t="n"><v>{r}</v></c><c r="B{r}">{f}<v>{2 * r}</v></c>'
        )
    assert sheet_xml.count("<f") == 3
    items["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(tmp_path / "s.xlsx", "w") as zf:
        for n, data in items.items():
            zf.writestr(n, data)
    pkg = XlsxPackage.open(tmp_path / "s.xlsx")
    pkg.sheet("Sheet").set_value("B1", "x")
    pkg.save(tmp_path / "s.xlsx")
    ws2 = load_workbook(tmp_path / "s.xlsx")["Sheet"]
    assert [ws2["B1"].value, ws2["B2"].value, ws2["B3"].value] == ["x", 4, 6]
