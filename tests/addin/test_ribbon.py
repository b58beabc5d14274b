"""macros/customUI14.xml against the Office 2010 customUI schema.

The schema file itself (customUI14.xsd, namespace http://schemas.microsoft.com/office/
2009/07/customui) ships with Microsoft's "Office 2010 Custom UI Schema" download and is
in no pip or Debian package, so it cannot be had here. Instead every element and
attribute used is checked against an allow-list transcribed from the published
specification [MS-CUSTOMUI2] "Custom UI XML Markup Version 2" (§2.3 elements, §2.4
attributes and simple types): parent/child nesting, ST_UniqueID ids (an NCName, at most
1024 characters), ST_String/ST_LongString lengths (label, screentip ≤ 1024; supertip ≤
1024), ST_Size (normal | large), ST_Keytip (1-3 characters).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[2]
RIBBON = REPO / "macros" / "customUI14.xml"
NS = "{http://schemas.microsoft.com/office/2009/07/customui}"

# element -> (allowed children, allowed attributes), from [MS-CUSTOMUI2] (the subset we use)
COMMON_CONTROL = {"id", "idQ", "tag", "label", "getLabel", "visible", "getVisible", "keytip", "getKeytip",
                  "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ"}
SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    "customUI": ({"commands", "ribbon", "backstage", "contextMenus"}, {"onLoad", "loadImage"}),
    "ribbon": ({"officeMenu", "qat", "tabs", "contextualTabs"}, {"startFromScratch"}),
    "tabs": ({"tab"}, set()),
    "tab": ({"group"}, COMMON_CONTROL | {"idMso"}),
    "group": ({"button", "toggleButton", "separator", "menu", "splitButton", "box", "labelControl", "dialogBoxLauncher"},
              COMMON_CONTROL | {"idMso", "image", "imageMso", "getImage", "screentip", "getScreentip", "supertip",
                                "getSupertip", "autoScale", "centerVertically"}),
    "button": (set(), COMMON_CONTROL | {"idMso", "image", "imageMso", "getImage", "size", "getSize", "onAction",
                                        "enabled", "getEnabled", "description", "getDescription", "screentip",
                                        "getScreentip", "supertip", "getSupertip", "showLabel", "getShowLabel",
                                        "showImage", "getShowImage"}),
}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")

# PRODUCT.md "Jobs, CLI commands and ribbon buttons" and the group names
EXPECTED = {
    "Kế hoạch": ["Nhập kế hoạch", "Điều chỉnh kế hoạch"],
    "Đơn vị": ["Tạo mẫu đơn vị", "Kiểm tra"],
    "Tổng hợp": ["Tổng hợp", "Cập nhật trạng thái", "Đôn đốc"],
    "Báo cáo": ["Báo cáo", "Kiểm tra cài đặt"],
}


def tree() -> etree._Element:
    return etree.parse(str(RIBBON)).getroot()


def local(el: etree._Element) -> str:
    assert el.tag.startswith(NS), f"{el.tag} is not in the customUI 2009/07 namespace"
    return el.tag[len(NS):]


def test_every_element_and_attribute_is_in_the_schema() -> None:
    root = tree()
    assert local(root) == "customUI"
    ids: list[str] = []
    for el in root.iter(etree.Element):
        name = local(el)
        children, attributes = SCHEMA[name]
        for child in el:
            if isinstance(child.tag, str):
                assert local(child) in children, f"<{local(child)}> not allowed in <{name}>"
        for attr, value in el.attrib.items():
            assert attr in attributes, f"{name}/@{attr} is not a customUI attribute"
            if attr in ("id", "idMso"):
                assert NCNAME.match(value) and len(value) <= 1024, value
                ids.append(value)
            if attr in ("label", "screentip", "supertip", "description"):
                assert 1 <= len(value) <= 1024 and value == unicodedata.normalize("NFC", value)
            if attr == "size":
                assert value in ("normal", "large")
            if attr == "keytip":
                assert 1 <= len(value) <= 3
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_tab_groups_and_buttons_are_the_product_s() -> None:
    [tab] = tree().iter(f"{NS}tab")
    assert tab.get("label") == "CCHC"
    got = {g.get("label"): [b.get("label") for b in g.iter(f"{NS}button")] for g in tab.iter(f"{NS}group")}
    assert got == EXPECTED
    for button in tab.iter(f"{NS}button"):
        assert button.get("imageMso") and button.get("screentip") and button.get("supertip")


def test_every_onaction_names_an_existing_ribbon_callback() -> None:
    subs: dict[str, set[str]] = {}
    for bas in (REPO / "macros").glob("*.bas"):
        text = bas.read_text(encoding="ascii")
        module = re.match(r'Attribute VB_Name = "(\w+)"', text).group(1)
        subs[module] = set(re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)", text, re.M))
    actions = [b.get("onAction") for b in tree().iter(f"{NS}button")]
    assert len(actions) == 9
    for action in actions:
        module, _, sub = action.partition(".")
        assert sub in subs.get(module, set()), f"onAction {action} has no Public Sub {sub}(control As IRibbonControl)"


SHARED_OFFICE = REPO.parent / "shared" / "ref" / "office"


def test_ribbon_validates_against_microsoft_s_customui14_schema() -> None:
    xsd = SHARED_OFFICE / "customui14.lxml.xsd"
    if not xsd.is_file():
        import pytest

        pytest.skip(f"{xsd} absent (reference files live outside the repo)")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.parse(str(RIBBON))
    assert schema.validate(doc), schema.error_log


def test_every_icon_is_an_excel_control_id() -> None:
    # imageMso ids of Word/Access/PowerPoint controls render blank in Excel.
    controls = SHARED_OFFICE / "excelcontrols_M365_CurrentChannel.xlsx"
    if not controls.is_file():
        import pytest

        pytest.skip(f"{controls} absent (reference files live outside the repo)")
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(controls)).get_sheet_by_index(0).to_python()
    excel_ids = {str(r[0]) for r in rows[1:] if r and r[0]}
    icons = {e.get("imageMso") for e in etree.parse(str(RIBBON)).iter() if e.get("imageMso")}
    assert icons and not icons - excel_ids, sorted(icons - excel_ids)
