"""Build the LibreOffice extension `parc_xl.oxt`: a «CCHC» menu and toolbar in Calc with the
Excel ribbon's commands.

Labels and tooltips come from `macros/customUI14.xml`, so the two front ends cannot drift;
the UNO component is `macros/libreoffice/cchc_component.py`. The archive is reproducible
(sorted entries, fixed times and permissions), so the committed copy can be checked for
staleness byte for byte, like the .xlam.

Parts (LibreOffice's extension format, "Extensions" in the LibreOffice SDK guide):
Addons.xcu (menu and toolbar entries), CalcCommands.xcu (label and tooltip of each
command), CalcWindowState.xcu (the toolbar's name «CCHC», docked at the top),
ProtocolHandler.xcu (the `org.parcxl.cchc:` URLs go to the component).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

import parc_xl

IDENTIFIER = "org.parcxl.cchc"
PROTOCOL = "org.parcxl.cchc:"
HANDLER = "org.parcxl.cchc.ProtocolHandler"
TOOLBAR = "org.parcxl.cchc.toolbar"
CALC = "com.sun.star.sheet.SpreadsheetDocument"
COMPONENT = "cchc_component.py"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
OOR = 'xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'


class OxtError(Exception):
    """A Vietnamese message: the extension cannot be built from these sources."""


@dataclass(frozen=True)
class Command:
    id: str
    label: str
    tooltip: str
    group: str

    @property
    def url(self) -> str:
        return PROTOCOL + self.id


def ribbon_commands(customui: Path) -> list[Command]:
    """The ribbon's buttons in order, with their labels and supertips."""
    try:
        root = etree.parse(str(customui)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise OxtError(f"Không đọc được {customui}: {exc}") from exc
    out = []
    for group in root.iter(f"{{{CUSTOMUI_NS}}}group"):
        for button in group.iter(f"{{{CUSTOMUI_NS}}}button"):
            out.append(Command(button.get("id", ""), button.get("label", ""),
                               button.get("supertip") or button.get("screentip") or "", group.get("label", "")))
    if not out:
        raise OxtError(f"{customui} không có nút nào trên thẻ CCHC.")
    return out


def _prop(name: str, value: str) -> str:
    return f'<prop oor:name="{name}" oor:type="xs:string"><value>{escape(value)}</value></prop>'


def _entry(node: str, cmd: Command | None) -> str:
    if cmd is None:
        return f'<node oor:name="{node}" oor:op="replace">{_prop("URL", "private:separator")}</node>'
    return (f'<node oor:name="{node}" oor:op="replace">{_prop("URL", cmd.url)}{_prop("Title", cmd.label)}'
            f'{_prop("Target", "_self")}{_prop("Context", CALC)}</node>')


def _with_separators(commands: list[Command]) -> list[Command | None]:
    out: list[Command | None] = []
    for i, cmd in enumerate(commands):
        if i and cmd.group != commands[i - 1].group:
            out.append(None)
        out.append(cmd)
    return out


def addons_xcu(commands: list[Command]) -> str:
    items = _with_separators(commands)
    menu = "".join(_entry(f"m{i:02d}", c) for i, c in enumerate(items, 1))
    bar = "".join(_entry(f"t{i:02d}", c) for i, c in enumerate(items, 1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<oor:component-data {OOR} oor:name="Addons" '
        f'oor:package="org.openoffice.Office"><node oor:name="AddonUI">'
        f'<node oor:name="OfficeMenuBar"><node oor:name="{IDENTIFIER}.menu" oor:op="replace">'
        f'{_prop("Title", "CCHC")}{_prop("Context", CALC)}<node oor:name="Submenu">{menu}</node></node></node>'
        f'<node oor:name="OfficeToolBar"><node oor:name="{TOOLBAR}" oor:op="replace">{bar}</node></node>'
        f'</node></oor:component-data>\n'
    )


def calc_commands_xcu(commands: list[Command]) -> str:
    nodes = "".join(
        f'<node oor:name={quoteattr(c.url)} oor:op="replace">{_prop("Label", c.label)}'
        f'{_prop("TooltipLabel", c.tooltip)}</node>' for c in commands)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<oor:component-data {OOR} oor:name="CalcCommands" '
        f'oor:package="org.openoffice.Office.UI"><node oor:name="UserInterface"><node oor:name="Commands">'
        f'{nodes}</node></node></oor:component-data>\n'
    )


def calc_window_state_xcu() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<oor:component-data {OOR} oor:name="CalcWindowState" '
        f'oor:package="org.openoffice.Office.UI"><node oor:name="UIElements"><node oor:name="States">'
        f'<node oor:name="private:resource/toolbar/addon_{TOOLBAR}" oor:op="replace">'
        f'{_prop("UIName", "CCHC")}'
        f'<prop oor:name="Docked" oor:type="xs:boolean"><value>true</value></prop>'
        f'<prop oor:name="Visible" oor:type="xs:boolean"><value>true</value></prop>'
        f'<prop oor:name="DockingArea" oor:type="xs:int"><value>0</value></prop>'
        f'<prop oor:name="DockPos" oor:type="xs:string"><value>0,2</value></prop>'
        f'</node></node></node></oor:component-data>\n'
    )


def protocol_handler_xcu() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<oor:component-data {OOR} oor:name="ProtocolHandler" '
        f'oor:package="org.openoffice.Office"><node oor:name="HandlerSet">'
        f'<node oor:name="{HANDLER}" oor:op="replace">'
        f'<prop oor:name="Protocols" oor:type="oor:string-list"><value>{PROTOCOL}*</value></prop>'
        f'</node></node></oor:component-data>\n'
    )


CONFIG_PARTS = ("Addons.xcu", "CalcCommands.xcu", "CalcWindowState.xcu", "ProtocolHandler.xcu")


def manifest_xml() -> str:
    entries = [f' <manifest:file-entry manifest:full-path="{COMPONENT}" '
               f'manifest:media-type="application/vnd.sun.star.uno-component;type=Python"/>']
    entries += [f' <manifest:file-entry manifest:full-path="{p}" '
                f'manifest:media-type="application/vnd.sun.star.configuration-data"/>' for p in CONFIG_PARTS]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
            + "\n".join(entries) + "\n</manifest:manifest>\n")


def description_xml() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<description xmlns="http://openoffice.org/extensions/description/2006" '
        'xmlns:d="http://openoffice.org/extensions/description/2006" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f' <identifier value="{IDENTIFIER}"/>\n'
        f' <version value="{parc_xl.__version__}"/>\n'
        ' <display-name><name lang="vi">CCHC — theo dõi kế hoạch cải cách hành chính (parc-xl)</name></display-name>\n'
        ' <extension-description><src lang="vi" xlink:href="description-vi.txt"/></extension-description>\n'
        ' <dependencies><d:OpenOffice.org-minimal-version value="4.0" d:name="OpenOffice.org 4.0"/></dependencies>\n'
        '</description>\n'
    )


DESCRIPTION_VI = (
    "Thêm thanh công cụ và trình đơn «CCHC» vào LibreOffice Calc: nhập kế hoạch, tạo mẫu đơn vị, "
    "kiểm tra, tổng hợp, cập nhật trạng thái, báo cáo — cùng các lệnh với thẻ CCHC của Excel.\n"
    "Cần cài gói parc-xl và chạy «parc-xl addin install --target libreoffice».\n"
)


def parts(macros: Path) -> dict[str, bytes]:
    commands = ribbon_commands(macros / "customUI14.xml")
    component = macros / "libreoffice" / COMPONENT
    try:
        code = component.read_bytes()
    except OSError as exc:
        raise OxtError(f"Không tìm thấy {component}: {exc}") from exc
    return {
        "META-INF/manifest.xml": manifest_xml().encode(),
        "description.xml": description_xml().encode(),
        "description-vi.txt": DESCRIPTION_VI.encode(),
        COMPONENT: code,
        "Addons.xcu": addons_xcu(commands).encode(),
        "CalcCommands.xcu": calc_commands_xcu(commands).encode(),
        "CalcWindowState.xcu": calc_window_state_xcu().encode(),
        "ProtocolHandler.xcu": protocol_handler_xcu().encode(),
    }


def oxt_bytes(macros: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(parts(macros).items(), key=lambda kv: (kv[0] != "META-INF/manifest.xml", kv[0])):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever OS builds it
            zf.writestr(info, data)
    return buffer.getvalue()


def build(output: Path, macros: Path) -> Path:
    data = oxt_bytes(macros)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    return output


# --- install ---------------------------------------------------------------------------

def path_file(environ: dict[str, str] | None = None) -> Path:
    """Where the extension's component looks for the folders holding parc-xl (the same rule
    as `cchc_component.path_file`)."""
    import os

    env = dict(os.environ) if environ is None else environ
    if os.name == "nt":
        base = Path(env.get("APPDATA") or Path.home())
    else:
        base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "parc-xl" / "libreoffice-path.txt"


def package_dirs() -> list[str]:
    """The folders LibreOffice's Python must add to import parc-xl and its dependencies as
    installed for this interpreter (site-packages; the source tree for an editable install)."""
    import site
    import sysconfig

    dirs = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()]
    dirs.append(str(Path(parc_xl.__file__).resolve().parents[1]))
    return list(dict.fromkeys(dirs))


def find_unopkg() -> str | None:
    import shutil

    found = shutil.which("unopkg") or shutil.which("unopkg.com")
    if found:
        return found
    for base in (Path(r"C:\Program Files\LibreOffice\program"), Path(r"C:\Program Files (x86)\LibreOffice\program")):
        if (base / "unopkg.com").exists():
            return str(base / "unopkg.com")
    return None


def install(extension: Path, unopkg: str | None = None) -> list[str]:
    """Write the path file, then `unopkg add --force` the extension for this user."""
    import subprocess

    if not extension.exists():
        raise OxtError(f"Không tìm thấy tệp phần mở rộng {extension}. Hãy dựng lại: "
                       "parc-xl addin build --target libreoffice -o parc_xl.oxt")
    tool = unopkg or find_unopkg()
    if tool is None:
        raise OxtError("Không tìm thấy chương trình unopkg của LibreOffice. Hãy cài LibreOffice "
                       "(trên Debian/Ubuntu: gói libreoffice-calc và libreoffice-script-provider-python).")
    target = path_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# folders holding parc-xl for LibreOffice's Python (parc-xl addin install)\n"
                      + "\n".join(package_dirs()) + "\n", encoding="utf-8")
    run = subprocess.run([tool, "add", "--force", str(extension)], capture_output=True, text=True)
    if run.returncode != 0:
        raise OxtError(f"unopkg không cài được phần mở rộng (mã {run.returncode}): "
                       f"{(run.stderr or run.stdout).strip()[:500]}\n"
                       "Hãy đóng hết cửa sổ LibreOffice rồi chạy lại lệnh.")
    return [f"Đã cài phần mở rộng CCHC vào LibreOffice: {extension}",
            f"Đường dẫn tới gói parc-xl đã ghi vào {target}.",
            "Mở lại LibreOffice Calc: thanh công cụ và trình đơn «CCHC» sẽ hiện ra."]
