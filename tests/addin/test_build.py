"""The built add-in, checked by readers that are not the writer: zipfile/lxml for the
package, oletools' olevba for the VBA project, LibreOffice for the whole file."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest
import xlwings
from lxml import etree

from parc_xl.addin import build as b

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "workbooks" / "parc_xl.xlam"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return b.build(tmp_path_factory.mktemp("addin") / "parc_xl.xlam")


def test_committed_addin_is_not_stale(built: Path) -> None:
    assert COMMITTED.is_file(), "workbooks/parc_xl.xlam is missing: run parc-xl addin build"
    assert built.read_bytes() == COMMITTED.read_bytes(), (
        "workbooks/parc_xl.xlam is stale: run `parc-xl addin build -o workbooks/parc_xl.xlam` and commit it"
    )


def test_build_is_reproducible(built: Path, tmp_path: Path) -> None:
    again = b.build(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()
    with zipfile.ZipFile(again) as z:
        names = [i.filename for i in z.infolist()]
        assert names == sorted(names)
        assert {i.date_time for i in z.infolist()} == {b.FIXED_ZIP_TIME}


def test_package_is_well_formed(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        assert z.testzip() is None
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # every XML part parses
        types = etree.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT_NS}Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT_NS}Override")}
        for name in names - {"[Content_Types].xml"}:
            assert "/" + name in overrides or name.rsplit(".", 1)[-1] in defaults, f"no content type for {name}"
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        # every relationship points at a part that exists
        for rels_name in (n for n in names if n.endswith(".rels")):
            source_dir = PurePosixPath(rels_name).parent.parent
            for rel in etree.fromstring(z.read(rels_name)).iter(f"{REL_NS}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = str(PurePosixPath(source_dir, rel.get("Target"))).lstrip("/")
                assert target in names, f"{rels_name}: {rel.get('Target')} missing"
        root_rels = {r.get("Type"): r.get("Target") for r in etree.fromstring(z.read("_rels/.rels"))}
        assert root_rels[b.RIBBON_REL_TYPE] == "customUI/customUI14.xml"
        wb_rels = {r.get("Type"): r.get("Target") for r in etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        assert wb_rels["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == "vbaProject.bin"
        assert z.read("customUI/customUI14.xml") == (REPO / "macros" / "customUI14.xml").read_bytes()
        ribbon = etree.fromstring(z.read("customUI/customUI14.xml"))
        assert ribbon.tag == f"{{{b.RIBBON_NS}}}customUI"


def _olevba_modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_olevba_reads_back_every_module_exactly(built: Path) -> None:
    modules = _olevba_modules(built)
    ours = {p.stem: p for p in (REPO / "macros").glob("*.bas")}
    assert set(modules) == {"ThisWorkbook", "Sheet1", "xlwings", *ours}
    for name, path in ours.items():
        assert modules[name].replace("\r\n", "\n") == path.read_text(encoding="ascii"), name
    shipped = (b.xlwings_dir() / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    expected = shipped.replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "parc_xl"')
    expected = expected.replace("\n", "\nOption Private Module\n", 1)
    for _layer, old_line, new_line in b._CONFIG_LAYERS_OFF:
        expected = expected.replace(old_line, new_line)
    assert modules["xlwings"].replace("\r\n", "\n") == expected


@pytest.mark.parametrize("which", ["built", "committed"])
def test_settings_never_come_from_the_active_workbook_or_its_folder(built: Path, which: str) -> None:
    """A received return with a "parc_xl.conf" sheet, or such a file beside it, must not set
    INTERPRETER_WIN: xlwings' GetConfig reads only the add-in's sheet and the user's file."""
    code = _olevba_modules(built if which == "built" else COMMITTED)["xlwings"].replace("\r\n", "\n")
    get_config = code[code.index("Function GetConfig(configKey"):]
    get_config = get_config[: get_config.index("End Function")]
    assert "SheetExists(ActiveWorkbook" not in get_config
    assert "GetDirectoryConfigFilePath()" in get_config  # still there, but behind If False
    off = get_config.index("If False Then ' parc-xl: never read settings from the active workbook\n")
    assert off < get_config.index("GetConfigFromSheet(ActiveWorkbook)") < get_config.index("'Add-in Sheet Config")
    assert get_config.count("If False Then ' parc-xl:") == 2


def test_the_addin_carries_its_settings_sheet(built: Path) -> None:
    """The template's Sheet1 is the "parc_xl.conf" sheet xlwings looks for in the add-in,
    with the one setting every PC shares (the folder of the master is not on sys.path)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(built))
    assert wb.sheet_names == ["parc_xl.conf"]
    assert wb.get_sheet_by_index(0).to_python() == [["ADD_WORKBOOK_TO_PYTHONPATH", "False"]]
    with zipfile.ZipFile(built) as z:
        assert b"<vt:lpstr>parc_xl.conf</vt:lpstr>" in z.read("docProps/app.xml")
        assert b'codeName="Sheet1"' in z.read("xl/worksheets/sheet1.xml")  # the VBA document module still binds


@pytest.mark.parametrize("which", ["built", "committed"])
def test_every_standard_module_is_private(built: Path, which: str) -> None:
    """Option Private Module: no Public Function of the add-in is a worksheet function of
    another workbook (README's «An toàn dữ liệu»: macros in returns never run)."""
    modules = _olevba_modules(built if which == "built" else COMMITTED)
    standard = {n: src for n, src in modules.items() if n not in ("ThisWorkbook", "Sheet1")}
    assert set(standard) >= {"xlwings", "CchcCore", "CchcRibbon"}
    for name, src in standard.items():
        declarations = src.split("\nPublic ", 1)[0].split("\nPrivate ", 1)[0]
        assert re.search(r"^Option Private Module\s*$", declarations, re.M), name


def test_xlwings_module_matches_the_installed_xlwings(built: Path) -> None:
    code = _olevba_modules(built)["xlwings"]
    assert set(re.findall(r'Lib "xlwings(?:32|64)-([\d.]+)\.dll"', code)) == {xlwings.__version__}
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in code
    assert 'PROJECT_NAME As String = "parc_xl"' in code


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_sees_every_module(built: Path, soffice: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", str(tmp_path), str(built)],
        capture_output=True, text=True, timeout=120,
    )
    ods = tmp_path / "parc_xl.ods"
    assert ods.is_file(), run.stderr
    with zipfile.ZipFile(ods) as z:
        basic = {n.split("/")[-1][:-4] for n in z.namelist() if n.startswith("Basic/VBAProject/") and n.endswith(".xml")}
        assert {"xlwings", "CchcCore", "CchcRibbon"} <= basic
        ribbon_module = etree.fromstring(z.read("Basic/VBAProject/CchcRibbon.xml")).text
    assert "Public Sub OnMerge(control As IRibbonControl)" in ribbon_module


def test_build_refuses_a_module_without_its_name(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "customUI14.xml").write_bytes((REPO / "macros" / "customUI14.xml").read_bytes())
    (macros / "Bad.bas").write_text("Sub X()\nEnd Sub\n", encoding="ascii")
    with pytest.raises(b.AddinError, match=r'Tệp VBA Bad.bas phải bắt đầu bằng dòng Attribute VB_Name'):
        b.build(tmp_path / "x.xlam", macros=macros)


def test_build_from_a_non_editable_install_finds_macros_or_asks_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: Path
) -> None:
    # installed into site-packages: the module's own ../../macros does not exist
    monkeypatch.setattr(b, "MACROS_DIR", tmp_path / "site-packages" / "macros")
    monkeypatch.chdir(REPO)  # run from the source tree: ./macros is found
    assert b.build(tmp_path / "a.xlam").read_bytes() == built.read_bytes()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(b.AddinError, match="--macros"):
        b.build(tmp_path / "b.xlam")
    from parc_xl import cli

    assert cli.main(["addin", "build", "--macros", str(REPO / "macros"), "-o", str(tmp_path / "c.xlam")]) == 0
    assert (tmp_path / "c.xlam").read_bytes() == built.read_bytes()


@pytest.mark.parametrize("which", ["built", "committed"])
def test_vba_project_has_no_performance_cache_and_no_pcode(built: Path, which: str) -> None:
    """[MS-OVBA] 2.3.4.1: a writer MUST write _VBA_PROJECT version 0xFFFF with no cache
    (cc 61 ff ff 00 01 00, as Excel's own saved add-in has); every module stream starts
    with its source (MODULEOFFSET 0), so no template p-code is left to run stale."""
    import io

    import olefile
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import parse_vba_project

    with zipfile.ZipFile(built if which == "built" else COMMITTED) as z:
        vba_bin = z.read("xl/vbaProject.bin")
    with olefile.OleFileIO(io.BytesIO(vba_bin)) as ole:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
    offsets = {m.name: m.text_offset for m in parse_vba_project(CFB.from_bytes(vba_bin)).modules}
    assert offsets and set(offsets.values()) == {0}, offsets


def test_excel_saved_addin_has_the_same_vba_project_form() -> None:
    ref = REPO.parent / "shared" / "ref" / "office" / "xlwings-0.37.8_quickstart_addin_ribbon.xlam"
    if not ref.is_file():
        pytest.skip(f"{ref} absent (reference files live outside the repo)")
    import io

    import olefile

    with zipfile.ZipFile(ref) as z, olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin"))) as ole:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
