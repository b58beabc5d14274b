"""The "saved in Excel" helper (tests/excel_save.py): what it writes opens in openpyxl,
python-calamine and the package layer with the same values, and carries each trait of
an Excel-for-Windows save that the helper documents."""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from excel_save import MAIN, X14, XM, XR, XR3, excel_save  # noqa: E402
from office import make_office  # noqa: E402

from parc_xl.io.ooxml import XlsxPackage  # noqa: E402
from parc_xl.jobs import units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

NS = {"m": MAIN, "x14": X14, "xm": XM}


def calamine_values(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def openpyxl_values(path: Path) -> dict[str, dict[str, object]]:
    """Every non-empty cell's value and number format (an empty string reads as None from an
    inline string and as '' from a shared one: both are an empty cell to a user)."""
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
                       if c.value not in (None, "")} for ws in wb}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def sheet_xml(path: Path, index: int) -> etree._Element:
    return etree.fromstring(parts(path)[f"xl/worksheets/sheet{index}.xml"])


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("excel_save")
    master = make_office(root / "vp")
    units_generate.run(master, "2026-Q1", root / "gui", ["PNV"])
    unit = fill_return(root / "gui" / "2026-Q1_PNV.xlsx", root / "pnv.xlsx",
                       {"1.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10),
                                "evidence": "  Kế hoạch số 15/KH-UBND  "}}, dt.datetime(2026, 3, 12, 9))
    return {"master": master, "unit": unit, "root": root}


@pytest.mark.parametrize("which", ["master", "unit"])
def test_same_values_in_every_reader(books: dict[str, Path], which: str, tmp_path: Path) -> None:
    src = books[which]
    out = excel_save(src, tmp_path / "excel.xlsx")
    assert calamine_values(out) == calamine_values(src)
    assert openpyxl_values(out) == openpyxl_values(src)
    pkg_src, pkg_out = XlsxPackage.open(src), XlsxPackage.open(out)
    assert pkg_out.sheet_names() == pkg_src.sheet_names()
    for name in pkg_src.sheet_names():
        assert pkg_out.sheet(name).read_values() == pkg_src.sheet(name).read_values(), name
    # the unit's protection, validations and locked cells survive (Excel keeps them)
    wb_src, wb_out = load_workbook(src), load_workbook(out)
    for ws in wb_src:
        assert wb_out[ws.title].protection.sheet == ws.protection.sheet
        assert [(str(d.sqref), d.type, d.formula1) for d in wb_out[ws.title].data_validations.dataValidation] == \
            [(str(d.sqref), d.type, d.formula1) for d in ws.data_validations.dataValidation]


def test_excel_traits_are_present(books: dict[str, Path], tmp_path: Path) -> None:
    out = excel_save(books["unit"], tmp_path / "excel.xlsx")
    p = parts(out)
    for name, data in p.items():
        if name.endswith((".xml", ".rels")):
            assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<'), name
    # root of a worksheet: declarations with mc:Ignorable between them, xr:uid
    head = p["xl/worksheets/sheet2.xml"].split(b">", 2)[1]
    assert re.search(rb'xmlns:mc="[^"]+" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac=', head), head
    assert b'xr:uid="{00000000-0001-0000-0200-000000000000}"' in head
    ws = sheet_xml(out, 2)
    rows = ws.findall(".//m:sheetData/m:row", NS)
    assert rows and all(r.get(f"{{{X14AC}}}dyDescent") == "0.25" and r.get("spans") for r in rows)
    assert list(rows[0].attrib)[:2] == ["r", "spans"] and list(rows[0].attrib)[-1] == f"{{{X14AC}}}dyDescent"
    for c in ws.iter(f"{{{MAIN}}}c"):
        keys = [k for k in c.attrib if k in ("r", "s", "t")]
        assert keys == sorted(keys, key=["r", "s", "t"].index)
        assert c.get("t") not in ("inlineStr", "n")
    # strings shared, counted; the padded evidence kept with xml:space
    sst = etree.fromstring(p["xl/sharedStrings.xml"])
    assert int(sst.get("count")) >= int(sst.get("uniqueCount")) == len(sst) > 10
    assert b'<t xml:space="preserve">  K\xe1\xba\xbf ho\xe1\xba\xa1ch s\xe1\xbb\x91 15/KH-UBND  </t>' in \
        p["xl/sharedStrings.xml"]
    dvs = ws.findall(".//m:dataValidation", NS)
    assert dvs and all(d.get(f"{{{XR}}}uid") for d in dvs)
    assert all(d.get("showDropDown") is None and d.get("errorStyle") is None for d in dvs)
    wb = etree.fromstring(p["xl/workbook.xml"])
    assert wb.find("m:fileVersion", NS).get("appName") == "xl"
    assert wb.find(f"{{{XR}}}revisionPtr") is not None
    assert wb.find(".//m:extLst/m:ext", NS) is not None
    assert b'mc:Ignorable="x15 xr xr6 xr10 xr2"' in p["xl/workbook.xml"]
    rels = etree.fromstring(p["xl/_rels/workbook.xml.rels"])
    assert [r.get("Id") for r in rels] == [f"rId{i}" for i in range(1, len(rels) + 1)]
    assert [r.get("Target") for r in rels][:3] == [f"worksheets/sheet{i}.xml" for i in (1, 2, 3)]
    assert b"x14ac:knownFonts" in p["xl/styles.xml"] and b"<extLst>" in p["xl/styles.xml"]
    app = p["docProps/app.xml"].decode()
    assert "<Application>Microsoft Excel</Application>" in app and "<AppVersion>16.0300</AppVersion>" in app
    assert "<vt:lpstr>Báo cáo</vt:lpstr>" in app
    assert "<cp:lastModifiedBy>Chuyên viên</cp:lastModifiedBy>" in p["docProps/core.xml"].decode()
    assert list(p)[:4] == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _features_book(path: Path) -> Path:
    """An openpyxl book with what the master does not have: formulas, a list validation
    from another sheet, a table, an autoFilter."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Đơn vị", "Số hồ sơ", "Đúng hạn", "Tỷ lệ"])
    for i, (unit, n, ok) in enumerate([("PNV", 120, 119), ("PTP", 80, 80), ("XA1", 45, 40)], start=2):
        ws.append([unit, n, ok, f"=C{i}/B{i}"])
    ws["F1"] = "=SUM(B2:B4)"
    lists = wb.create_sheet("Danh mục")
    for v in ("PNV", "PTP", "XA1"):
        lists.append([v])
    dv = DataValidation(type="list", formula1="'Danh mục'!$A$1:$A$3", allow_blank=True)
    dv.add("A2:A10")
    ws.add_data_validation(dv)
    dv2 = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    dv2.add("B2:B10")
    ws.add_data_validation(dv2)
    ws.add_table(Table(displayName="HoSo", ref="A1:D4"))
    notes = wb.create_sheet("Ghi chép")
    notes.append(["Ngày", "Việc"])
    notes.append([dt.date(2026, 3, 2), "Nhắc PTP"])
    notes.auto_filter.ref = "A1:B2"
    wb.save(path)
    return path


@pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")  # openpyxl skips the x14 list
def test_formulas_validations_tables_filters(tmp_path: Path) -> None:
    src = _features_book(tmp_path / "src.xlsx")
    out = excel_save(src, tmp_path / "excel.xlsx")
    assert calamine_values(out) == calamine_values(src)
    assert openpyxl_values(out) == openpyxl_values(src)
    p = parts(out)
    chain = etree.fromstring(p["xl/calcChain.xml"])
    assert [(c.get("r"), c.get("i")) for c in chain] == [("F1", "1"), ("D2", None), ("D3", None), ("D4", None)]
    assert b"calcChain" in p["[Content_Types].xml"] and b"calcChain.xml" in p["xl/_rels/workbook.xml.rels"]
    ws = sheet_xml(out, 1)
    # the cross-sheet list moved to the x14 extension, the other stays with an xr:uid
    moved = ws.findall("m:extLst/m:ext/x14:dataValidations/x14:dataValidation", NS)
    assert [(d.get("type"), d.findtext("x14:formula1/xm:f", namespaces=NS), d.findtext("xm:sqref", namespaces=NS))
            for d in moved] == [("list", "'Danh mục'!$A$1:$A$3", "A2:A10")]
    kept = ws.findall("m:dataValidations/m:dataValidation", NS)
    assert [d.get("sqref") for d in kept] == ["B2:B10"] and kept[0].get(f"{{{XR}}}uid")
    assert ws[-1].tag == f"{{{MAIN}}}extLst"
    table = etree.fromstring(p["xl/tables/table1.xml"])
    assert table.get(f"{{{XR}}}uid") and table.find("m:autoFilter", NS).get(f"{{{XR}}}uid")
    assert all(tc.get(f"{{{XR3}}}uid") for tc in table.iter(f"{{{MAIN}}}tableColumn"))
    assert "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"2\" hidden=\"1\">'Ghi chép'!$A$1:$B$2" \
        in p["xl/workbook.xml"].decode()
    # openpyxl still sees the table and the kept validation
    wb = load_workbook(out)
    assert list(wb["Số liệu"].tables) == ["HoSo"]


def test_saving_twice_changes_nothing(books: dict[str, Path], tmp_path: Path) -> None:
    once = excel_save(books["master"], tmp_path / "once.xlsx")
    twice = excel_save(once, tmp_path / "twice.xlsx")
    assert parts(twice) == parts(once)


def test_book_without_formulas_has_no_calc_chain(books: dict[str, Path], tmp_path: Path) -> None:
    src = _features_book(tmp_path / "src.xlsx")
    wb = load_workbook(src)
    for row in wb["Số liệu"].iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.value = 1
    wb.save(src)
    once = excel_save(_features_book(tmp_path / "f.xlsx"), tmp_path / "once.xlsx")
    assert "xl/calcChain.xml" in parts(once)
    out = excel_save(src, tmp_path / "plain.xlsx")
    assert "xl/calcChain.xml" not in parts(out)
    assert b"calcChain" not in parts(out)["xl/_rels/workbook.xml.rels"]
