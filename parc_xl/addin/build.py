"""Build the Excel add-in `parc_xl.xlam` on any OS, and install it on Windows.

The add-in is assembled from three sources:

* `macros/*.bas` — our VBA (ribbon callbacks, pickers, the RunPython calls);
* the xlwings VBA module shipped in the *installed* xlwings package
  (`xlwings/xlwings_custom_addin.bas`), with its `PROJECT_NAME` set to "parc_xl". Its
  `Declare ... Lib "xlwings64-<version>.dll"` lines carry the xlwings version, so the
  add-in must be rebuilt whenever the pinned xlwings changes (the package and the add-in
  must agree; `CchcCore.Preflight` checks it on the clerk's PC);
* `macros/customUI14.xml` — the "CCHC" ribbon tab, added as the `customUI/customUI14.xml`
  part with the Office 2010 ribbon-extensibility relationship.

pyopenvba writes the VBA project into an Excel-authored blank .xlam (checked here:
olevba and LibreOffice read every module back exactly; see tests/addin). The package is
then rewritten with sorted entries and fixed timestamps so that the same sources give the
same bytes (the committed `workbooks/parc_xl.xlam` is checked for staleness by a test).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from parc_xl.addin import config_sheet


REPO_ROOT = Path(__file__).resolve().parents[2]
MACROS_DIR = REPO_ROOT / "macros"
DEFAULT_OUTPUT = REPO_ROOT / "workbooks" / "parc_xl.xlam"

PROJECT_NAME = "parc_xl"  # xlwings custom add-in: its settings sheet is "parc_xl.conf" (config_sheet)
PRIVATE_MODULE = "Option Private Module"
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_NS = "http://schemas.microsoft.com/office/2009/07/customui"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
VBA_PART = "xl/vbaProject.bin"
# Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 0x0001 ([MS-OVBA] 2.3.4.1)
VBA_PROJECT_NO_CACHE = bytes.fromhex("cc61ffff000100")

CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>parc-xl: thẻ CCHC</dc:title><dc:creator>parc-xl</dc:creator>"
    "<cp:lastModifiedBy>parc-xl</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)


class AddinError(Exception):
    """The add-in cannot be built or installed; `str()` is Vietnamese."""


@dataclass(frozen=True)
class VbaModule:
    name: str
    source: str  # as written in the file, "\n" line ends, including the Attribute line


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def module_name(source: str, path: Path) -> str:
    first = source.split("\n", 1)[0].strip()
    prefix = 'Attribute VB_Name = "'
    if not first.startswith(prefix) or not first.endswith('"'):
        raise AddinError(f"Tệp VBA {path.name} phải bắt đầu bằng dòng Attribute VB_Name = \"...\".")
    return first[len(prefix) : -1]


def read_vba(path: Path) -> VbaModule:
    text = path.read_bytes().decode("ascii").replace("\r\n", "\n")
    return VbaModule(module_name(text, path), text)


def xlwings_module() -> VbaModule:
    """The xlwings custom-add-in module of the installed xlwings, with our project name."""
    path = xlwings_dir() / "xlwings_custom_addin.bas"
    text = path.read_bytes().decode("ascii").replace("\r\n", "\n")
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    if old not in text:
        raise AddinError(f"Không nhận ra tệp {path} của xlwings {xlwings_version()} (thiếu PROJECT_NAME).")
    text = text.replace(old, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"')
    # Its Public Functions (RunPython…) must not be worksheet functions of other workbooks:
    # a received return with =RunPython("…") in a cell would run Python through the add-in.
    first, rest = text.split("\n", 1)
    text = f"{first}\n{PRIVATE_MODULE}\n{rest}"
    # Settings come only from the add-in's own sheet (config_sheet) and the user's file:
    # a received workbook with a "parc_xl.conf" sheet, or a file of that name in its folder,
    # could otherwise point INTERPRETER_WIN at any program.
    for layer, old_line, new_line in _CONFIG_LAYERS_OFF:
        if text.count(old_line) != 1:
            raise AddinError(
                f"Không nhận ra hàm GetConfig trong {path} của xlwings {xlwings_version()} ({layer})."
            )
        text = text.replace(old_line, new_line)
    return VbaModule(module_name(text, path), text)


# (what, line in xlwings' GetConfig, its replacement)
_CONFIG_LAYERS_OFF = (
    ("active workbook sheet",
     '            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then\n',
     "            If False Then ' parc-xl: never read settings from the active workbook\n"),
    ("directory file",
     '    If source = "" Or source = "directory" Then\n',
     "    If False Then ' parc-xl: never read settings from the active workbook's folder\n"),
)


def project_modules(macros: Path = MACROS_DIR) -> list[VbaModule]:
    """Every standard module the add-in carries: xlwings first, then macros/*.bas sorted."""
    ours = [read_vba(p) for p in sorted(macros.glob("*.bas"))]
    return [xlwings_module(), *ours]


def _to_vba(source: str) -> str:
    """File text -> module body as pyopenvba wants it: CRLF, without the VB_Name line."""
    body = source.split("\n", 1)[1] if source.startswith("Attribute VB_Name") else source
    return body.replace("\n", "\r\n")


def _add_ribbon_rel(rels_xml: bytes) -> bytes:
    root = etree.fromstring(rels_xml)
    ids = {r.get("Id") for r in root}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rel = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship")
    rel.set("Id", f"rId{n}")
    rel.set("Type", RIBBON_REL_TYPE)
    rel.set("Target", RIBBON_PART)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _repack(src: Path, extra: dict[str, bytes], replace: dict[str, bytes]) -> bytes:
    """Rewrite the package: sorted entries, fixed timestamps, deflate; deterministic."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(src) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    parts.update(replace)
    parts.update(extra)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            out.writestr(info, parts[name], compresslevel=9)
    return buf.getvalue()


def find_macros(explicit: Path | None = None) -> Path:
    """The `macros/` source folder: the one given, else the source tree this module runs
    from (editable install), else `./macros` (a non-editable install run in the repo)."""
    candidates = [Path(explicit)] if explicit is not None else [MACROS_DIR, Path.cwd() / "macros"]
    for folder in candidates:
        if (folder / "customUI14.xml").is_file():
            return folder
    raise AddinError(
        f"Không tìm thấy thư mục mã nguồn macros/ (cần tệp customUI14.xml) tại {candidates[0]}. "
        "Hãy chạy lệnh trong thư mục mã nguồn parc-xl, hoặc chỉ rõ: parc-xl addin build --macros THU_MUC -o TEP.xlam"
    )


def _without_performance_cache(vba_bin: bytes) -> bytes:
    """MS-OVBA 2.3.4.1: a writer MUST write _VBA_PROJECT as version 0xFFFF and no
    PerformanceCache (the 7 bytes Excel itself writes), so Office recompiles from source."""
    from pyopenvba.cfb import CFB

    cfb = CFB.from_bytes(vba_bin)
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_NO_CACHE)
    return bytes(cfb.to_bytes())


def build(output: Path = DEFAULT_OUTPUT, macros: Path | None = None) -> Path:
    """Build the add-in from `macros/` (see find_macros) and the installed xlwings; returns `output`."""
    from pyopenvba import ExcelFile

    macros = find_macros(macros)
    ribbon_path = macros / "customUI14.xml"
    if not ribbon_path.is_file():
        raise AddinError(f"Không tìm thấy {ribbon_path}.")
    ribbon = ribbon_path.read_bytes()
    etree.fromstring(ribbon)  # well-formed or raise
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.xlam"
        with ExcelFile.create_new(str(raw)) as wb:
            project = wb.vba_project()
            for name in list(project.module_names()):
                if name not in ("ThisWorkbook", "Sheet1"):
                    project.delete_module(name)
            for module in project_modules(macros):
                project.add_module(module.name, _to_vba(module.source))
            for name in ("ThisWorkbook", "Sheet1"):
                # Rewritten from source at MODULEOFFSET 0: drops the template's compiled p-code.
                doc = project.get_module(name)
                doc.body = doc.body
            wb.save()
        with zipfile.ZipFile(raw) as z:
            rels = z.read("_rels/.rels")
            vba_bin = z.read(VBA_PART)
            workbook_xml = z.read("xl/workbook.xml")
            app_xml = z.read("docProps/app.xml")
        data = _repack(
            raw,
            extra={RIBBON_PART: ribbon},
            replace={"_rels/.rels": _add_ribbon_rel(rels), "docProps/core.xml": CORE_XML.encode("utf-8"),
                     VBA_PART: _without_performance_cache(vba_bin),
                     "xl/workbook.xml": config_sheet.renamed(workbook_xml),
                     "docProps/app.xml": config_sheet.renamed(app_xml),
                     config_sheet.SHEET_PART: config_sheet.sheet_xml(config_sheet.BUILD_SETTINGS)},
        )
    tmp_out = output.with_name(output.name + ".tmp")
    tmp_out.write_bytes(data)
    os.replace(tmp_out, output)
    return output


# --- install (Windows) -------------------------------------------------------------

UNBLOCK_HELP_VI = (
    "Nếu tệp parc_xl.xlam được tải về từ Internet hoặc thư điện tử, Windows đánh dấu nó "
    "(Mark of the Web) và Excel sẽ chặn macro. Cách gỡ: bấm chuột phải vào tệp → "
    "Properties → đánh dấu ô Unblock → OK; hoặc trong PowerShell: "
    'Unblock-File -Path "{path}"'
)


def install(
    addin: Path | None = None,
    *,
    appdata: Path | None = None,
    temp: str | None = None,
    interpreter: str | None = None,
    platform: str = sys.platform,
    short_path: Callable[[str], str] = config_sheet.windows_short_path,
) -> list[str]:
    """Copy the add-in into Excel's XLSTART folder and write this Python into the copy's
    settings sheet (config_sheet says why a sheet).

    Returns the Vietnamese lines to show the clerk. Raises AddinError off Windows (the
    add-in runs only in Excel for Windows) or when the add-in file is missing.
    """
    if not platform.startswith("win"):
        raise AddinError(
            "Lệnh này chỉ chạy trên Windows (máy có Excel). Trên máy này hãy dùng "
            "'parc-xl addin build -o workbooks/parc_xl.xlam' rồi chép tệp sang máy Windows."
        )
    addin = Path(addin) if addin is not None else default_addin()
    if not addin.is_file():
        raise AddinError(f"Không tìm thấy phần bổ trợ {addin}. Hãy chạy 'parc-xl addin build' trước.")
    appdata = appdata or Path(os.environ["APPDATA"])
    temp = temp or tempfile.gettempdir()
    interpreter = interpreter or _windowed_python(sys.executable)
    try:
        settings, notes = config_sheet.install_settings(
            interpreter, temp, config_sheet.ansi_encoding(platform), short_path)
    except ValueError as exc:
        raise AddinError(str(exc)) from exc
    if dict(settings).get("TEMP DIR") == config_sheet.FALLBACK_TEMP:
        Path(config_sheet.FALLBACK_TEMP).mkdir(parents=True, exist_ok=True)
    xlstart = appdata / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True, exist_ok=True)
    target = xlstart / "parc_xl.xlam"
    data = _repack(addin, extra={}, replace={config_sheet.SHEET_PART: config_sheet.sheet_xml(settings)})
    tmp_target = target.with_name(target.name + ".tmp")
    try:
        tmp_target.write_bytes(data)
        os.replace(tmp_target, target)
    except PermissionError as exc:  # Windows: Excel holds the installed copy open
        tmp_target.unlink(missing_ok=True)
        raise AddinError(
            f"Không ghi được {target}: Excel đang mở phần bổ trợ. Đóng hết cửa sổ Excel rồi chạy lại lệnh."
        ) from exc
    python = dict(settings)["INTERPRETER_WIN"]
    return [
        f"Đã chép phần bổ trợ vào {target} (Excel tự mở khi khởi động).",
        f"Đã ghi đường dẫn Python vào trang cấu hình {config_sheet.SHEET_NAME} của phần bổ trợ: {python}",
        *notes,
        UNBLOCK_HELP_VI.format(path=target),
        "Đóng hết Excel rồi mở lại: thẻ CCHC sẽ xuất hiện. Bấm 'Kiểm tra cài đặt' để xác nhận.",
    ]


def default_addin() -> Path:
    """The built add-in: the repository's `workbooks/`, else the copy installed with the wheel
    (package `parc_xl.shipped`, see pyproject)."""
    shipped = Path(__file__).resolve().parents[1] / "shipped" / "parc_xl.xlam"
    for candidate in (DEFAULT_OUTPUT, shipped):
        if candidate.is_file():
            return candidate
    return DEFAULT_OUTPUT


def _windowed_python(executable: str) -> str:
    """pythonw.exe next to python.exe when present (no console window flashes)."""
    exe = Path(executable)
    windowed = exe.with_name("pythonw.exe")
    return str(windowed if windowed.is_file() else exe)
