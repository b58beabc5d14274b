"""Who may write which rows (issue 13 item 4): a unit workbook speaks for a unit only
when it carries the keyed MAC made with the master's secret. Forged returns are refused
by merge and by validate --master, with a Vietnamese record; genuine ones are accepted."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.cli import main  # noqa: E402
from parc_xl.domain.assignments import unit_tasks  # noqa: E402
from parc_xl.domain.fingerprint import plan_fingerprint  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io import unit_book as ub  # noqa: E402
from parc_xl.io.master import MAC_KEY, read_master  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
DONE = {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10), "evidence": "Quyết định số 1/QĐ-UBND"}


def _received(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 9, 0)


def _tracking(master: Path) -> dict[tuple[str, str], str]:
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_TRACKING).to_python()
    h = rows[0]
    return {(str(r[h.index("Khóa")]), str(r[h.index("Mã đơn vị")])): str(r[h.index("Tiến độ")]) for r in rows[1:]}


def _forge_from_public_plan(master: Path, unit: str, dst: Path, key: str | None) -> Path:
    """What a unit can do without the master's secret: rebuild another unit's form from
    the plan (public) with parc-xl itself, digests and all; `key` is its own guess."""
    md = read_master(master, tracking=False)
    ub.write_unit_book(dst, md.plan, md.registry, unit, Q1, unit_tasks(md.plan, md.registry, unit),
                       plan_fingerprint(md.plan), mac_key=key)
    return dst


def test_a_form_rebuilt_from_the_public_plan_cannot_speak_for_another_unit(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, Q1, tmp_path / "gui")
    inbox = tmp_path / "hop_thu"
    forged = _forge_from_public_plan(master, "PTP", tmp_path / "gia.xlsx", key="00" * 32)
    fill_return(forged, inbox / "ptp.xlsx", {"1.2": DONE}, _received(10))
    unsigned = _forge_from_public_plan(master, "PTP", tmp_path / "gia2.xlsx", key=None)
    fill_return(unsigned, inbox / "ptp_cu.xlsx", {"1.2": DONE}, _received(11))
    fill_return(tmp_path / "gui" / f"{Q1}_PNV.xlsx", inbox / "pnv.xlsx", {"1.1": DONE}, _received(10))

    result = merge.run(master, inbox, Q1, as_of=dt.date(2026, 3, 20))
    assert result.exit_code == 1
    assert [Path(f).name for f in result.accepted] == ["pnv.xlsx"]
    codes = {Path(r.file).name: [p.code for p in r.issues] for r in result.rejected}
    assert codes["ptp.xlsx"][0] == "mac-invalid" and codes["ptp_cu.xlsx"][0] == "mac-missing"
    track = _tracking(master)
    assert track[("1.2", "PTP")] == "", "a forged file writes nothing"
    assert track[("1.1", "PNV")] == "Đã hoàn thành"
    log = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_SUBMISSIONS).to_python()
    col = {h: i for i, h in enumerate(log[0])}
    notes = {r[col["Tệp"]]: (r[col["Kết quả"]], r[col["Ghi chú"]]) for r in log[1:]}
    assert notes["ptp.xlsx"][0] == "Từ chối" and "Mã xác thực" in notes["ptp.xlsx"][1]
    assert notes["ptp_cu.xlsx"][0] == "Từ chối" and "mẫu cũ" in notes["ptp_cu.xlsx"][1]


def test_recomputing_the_plain_digests_after_an_edit_is_caught(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    master = make_office(tmp_path / "vp")
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV"])
    genuine = tmp_path / "gui" / f"{Q1}_PNV.xlsx"
    # the unit moves its deadline and recomputes every plain SHA-256 digest the form holds
    wb = load_workbook(genuine)
    ws, meta_ws = wb[ub.SHEET_REPORT], wb[ub.SHEET_META]
    due_col = ub.COLUMN_IDS.index("deadline_text") + 1
    ws.cell(row=ub.FIRST_ROW, column=due_col, value="Quý IV/2026")
    meta = {str(meta_ws.cell(row=i, column=1).value): str(meta_ws.cell(row=i, column=2).value or "")
            for i in range(1, len(ub.META_KEYS) + 1)}
    rows, values = [], []
    for i in range(2, meta_ws.max_row + 1):
        key = meta_ws.cell(row=i, column=4).value
        if not key:
            continue
        r = ub.FIRST_ROW + i - 2
        v = {c.id: ws.cell(row=r, column=ub.COLUMN_IDS.index(c.id) + 1).value for c in ub.PLAN_COLS}
        values.append(v)
        meta_ws.cell(row=i, column=6, value=ub.row_hashes(v))
        rows.append((str(key), str(meta_ws.cell(row=i, column=5).value), ub.row_hashes(v)))
    meta["plan_digest"] = ub.plan_digest(values)
    meta_ws.cell(row=ub.META_KEYS.index("plan_digest") + 1, column=2, value=meta["plan_digest"])
    meta_ws.cell(row=len(ub.META_KEYS) + 1, column=2, value=ub.meta_digest(meta, rows))
    tampered = tmp_path / "pnv_sua.xlsx"
    wb.save(tampered)

    # without the master only the plain checks run, and they are satisfied
    assert main(["validate", str(tampered), "--json"]) == 0
    capsys.readouterr()
    assert main(["validate", str(tampered), str(genuine), "--master", str(master), "--json"]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    assert [f["ok"] for f in files] == [False, True]
    issue = files[0]["issues"][0]
    assert issue["code"] == "mac-invalid" and issue["sheet"] == ub.SHEET_META
    assert "không khớp với sổ theo dõi" in issue["message"] and "PNV" in issue["message"]


def test_the_secret_stays_in_the_master_and_an_older_master_gets_one(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    key = read_master(master, tracking=False).meta[MAC_KEY]
    assert len(key) == 64 and int(key, 16) >= 0
    assert make_office(tmp_path / "vp2") != master
    assert read_master(make_office(tmp_path / "vp3"), tracking=False).meta[MAC_KEY] != key, "one secret per master"
    # an older master (no key row): the first `units generate` creates it, and signs with it
    from parc_xl.io.ooxml import XlsxPackage

    pkg = XlsxPackage.open(master)
    sheet = pkg.sheet(L.SHEET_META)
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_META).to_python()
    sheet.write_table(1, [r if r[0] != MAC_KEY else ["", ""] for r in rows])
    pkg.save(master)
    assert not read_master(master, tracking=False).meta.get(MAC_KEY)
    units_generate.run(master, Q1, tmp_path / "gui", ["PNV"])
    new_key = read_master(master, tracking=False).meta[MAC_KEY]
    assert new_key and new_key != key
    book = tmp_path / "gui" / f"{Q1}_PNV.xlsx"
    ret = ub.read_unit_book(book)
    assert ub.mac_matches(new_key, ret.meta, ret.meta_rows, ret.mac)
    wb = CalamineWorkbook.from_path(str(book))
    every = [str(v) for s in wb.sheet_names for r in wb.get_sheet_by_name(s).to_python() for v in r]
    assert not any(new_key in v for v in every), "the unit's form never carries the secret"
    inbox = tmp_path / "hop_thu"
    fill_return(book, inbox / "pnv.xlsx", {"1.1": DONE}, _received(10))
    assert merge.run(master, inbox, Q1, as_of=dt.date(2026, 3, 20)).exit_code == 0
