"""The registry's `Thư điện tử` (issue 15 item 5): checked at import and at merge (format,
Vietnamese letters with the fix, duplicates across units), and filled once in the
master's own `Đơn vị` sheet for every later job (drafts, the merge's sender check)."""

from __future__ import annotations

import datetime as dt
import sys
from email import message_from_bytes, policy
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import office  # noqa: E402
from mail_files import VN, save_eml  # noqa: E402

from parc_xl.domain.mail_text import address_problems  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.ooxml import XlsxPackage  # noqa: E402
from parc_xl.jobs import merge, plan_import, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
ADDRESSES = {
    "PNV": "phòngnộivụ@example.gov.vn",  # typed with the Vietnamese keyboard on
    "PTP": "ptp@ubnd",  # no dot in the domain
    "XA1": "vp@example.gov.vn",  # the same mailbox as VP
    "XA2": "xts@example.gov.vn; vanthu.xts@example.gov.vn",  # two addresses: fine
    "PYT": "",
}


def registry_file(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_UNITS
    ws.append([c.header for c in L.UNIT_COLUMNS])
    for code, name, groups, aliases, email in office.UNITS:
        ws.append([code, name, groups, aliases, ADDRESSES.get(code, email)])
    groups_ws = wb.create_sheet(L.SHEET_GROUPS)
    groups_ws.append([c.header for c in L.GROUP_COLUMNS])
    for row in office.GROUPS:
        groups_ws.append(list(row))
    wb.save(path)
    return path


def row_of(code: str) -> int:
    return 2 + [u[0] for u in office.UNITS].index(code)


def test_two_addresses_in_one_cell_and_a_case_difference() -> None:
    problems = address_problems([
        ("A", "a@x.gov.vn, b@x.gov.vn", {"cell": "E2"}),
        ("B", "A@X.gov.vn", {"cell": "E3"}),
        ("C", "đ@x.gov.vn", {"cell": "E4"}),
    ])
    assert [(p.code, p.cell) for p in problems] == [("email-duplicate", "E3"), ("email-not-ascii", "E4")]
    assert "«d@x.gov.vn»" in problems[1].message  # the address spelt without diacritics


def test_addresses_checked_at_import_and_merge_and_filled_once_in_the_master(tmp_path: Path) -> None:
    folder = tmp_path / "vp"
    folder.mkdir()
    appendix = folder / "phu_luc.txt"
    appendix.write_text(office.APPENDIX, encoding="utf-8")
    master = folder / "so_theo_doi.xlsx"
    imported = plan_import.run(appendix, office.YEAR, master, registry_file(folder / "don_vi.xlsx"))
    assert imported.exit_code == 0, imported.summary_vi()
    found = {(p.code, p.cell): p for p in imported.problems if p.code.startswith("email-")}
    assert set(found) == {("email-not-ascii", f"E{row_of('PNV')}"), ("email-invalid", f"E{row_of('PTP')}"),
                          ("email-duplicate", f"E{row_of('XA1')}")}
    hint = found[("email-not-ascii", f"E{row_of('PNV')}")].message
    assert "phòngnộivụ@example.gov.vn" in hint and "«phongnoivu@example.gov.vn»" in hint and "không dấu" in hint
    assert f"VP (ô E{row_of('VP')})" in found[("email-duplicate", f"E{row_of('XA1')}")].message

    # the clerk corrects PNV's address once, in the master's own registry sheet (as in Excel)
    pkg = XlsxPackage.open(master)
    pkg.sheet(L.SHEET_UNITS).set_value(f"E{row_of('PNV')}", "pnv.moi@example.gov.vn")
    pkg.save(master)
    out = tmp_path / "gui"
    generated = units_generate.run(master, Q1, out, ["PNV", "PTP", "XA2"], mail=True)
    to = {d.unit: message_from_bytes(Path(d.eml).read_bytes(), policy=policy.default)["To"]
          for d in generated.drafts}
    assert to == {"PNV": "pnv.moi@example.gov.vn", "XA2": "xts@example.gov.vn, vanthu.xts@example.gov.vn"}
    assert [n.unit for n in generated.no_address] == ["PTP"]

    # the merge uses the corrected address for its sender check and repeats what is still wrong
    book = fill_return(out / f"{Q1}_PNV.xlsx", tmp_path / "lam" / f"{Q1}_PNV.xlsx",
                       {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 10, 9))
    inbox = tmp_path / "hop_thu"
    save_eml(inbox / "pnv.eml", "Phòng Nội vụ <pnv.moi@example.gov.vn>", dt.datetime(2026, 3, 10, 9, tzinfo=VN),
              [(book.name, book.read_bytes())])
    result = merge.run(master, inbox, Q1, as_of=dt.date(2026, 3, 25))
    assert result.exit_code == 0
    codes = {(p.code, p.sheet, p.cell) for p in result.problems}
    assert ("mail-sender-mismatch", "", "") not in {(c, "", "") for c, _, _ in codes}
    assert {(c, s, cell) for c, s, cell in codes if c.startswith("email-")} == {
        ("email-invalid", L.SHEET_UNITS, f"E{row_of('PTP')}"),
        ("email-duplicate", L.SHEET_UNITS, f"E{row_of('XA1')}"),
    }
    assert "ptp@ubnd" in result.summary_vi()
