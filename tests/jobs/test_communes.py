"""Communes from names only (issue 14 item 19): the clerk types or pastes the list, codes
are generated, the import names exactly which groups are still empty and their tasks."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parc_xl import cli  # noqa: E402
from parc_xl.domain.communes import commune_units, split_commune_list  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import plan_import, units_registry  # noqa: E402
from parc_xl.samples import SAMPLE_APPENDIX  # noqa: E402

YEAR = 2026


def _units(master: Path) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_UNITS).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v != "" for v in r)]


def test_pasted_lists_split_and_get_codes() -> None:
    pasted = "1. Tân Hiệp\n2. xã Xuân Thới Sơn\n- UBND thị trấn Hóc Môn\n• Phường 1; Tân Hiệp\n\n"
    names = split_commune_list(pasted)
    assert names == ["Tân Hiệp", "xã Xuân Thới Sơn", "UBND thị trấn Hóc Môn", "Phường 1", "Tân Hiệp"]
    new, skipped = commune_units(names, taken={"PNV"}, known_names=set())
    assert [(c.code, c.name) for c in new] == [("XTH", "UBND xã Tân Hiệp"), ("XXTS", "UBND xã Xuân Thới Sơn"),
                                               ("TTHM", "UBND thị trấn Hóc Môn"), ("P1", "UBND phường 1")]
    assert new[0].aliases == ["Chủ tịch UBND xã Tân Hiệp", "Xã Tân Hiệp"]
    assert skipped == [("Tân Hiệp", "đã có trong danh mục")]


def test_import_names_the_empty_group_and_its_tasks_then_communes_fill_it(tmp_path: Path) -> None:
    master = tmp_path / "so_theo_doi.xlsx"
    first = plan_import.run(SAMPLE_APPENDIX, YEAR, master)
    empty = [p for p in first.problems if p.code == "unit-group-empty"]
    xa = [p for p in empty if "(G_XA)" in p.message]
    assert len(xa) == 1, [p.message for p in empty]
    stts = [t.stt for t in first.plan.tasks if "G_XA" in t.lead_units]
    assert stts and f"{len(stts)} nhiệm vụ do nhóm chủ trì (STT {', '.join(stts[:12])}" in xa[0].message
    assert "parc-xl units communes so_theo_doi.xlsx" in xa[0].message

    result = units_registry.run(master, "Tân Hiệp\nXuân Thới Sơn\nthị trấn Hóc Môn\n")
    assert [(a.code, a.group) for a in result.added] == [("XTH", "G_XA"), ("XXTS", "G_XA"), ("TTHM", "G_XA")]
    rows = {r["Mã đơn vị"]: r for r in _units(master)}
    assert rows["XTH"]["Tên đơn vị"] == "UBND xã Tân Hiệp" and rows["XTH"]["Nhóm"] == "G_XA"
    assert "Chủ tịch UBND xã Tân Hiệp" in str(rows["XTH"]["Tên gọi khác"])
    assert "Chạy lại «Nhập kế hoạch»" in result.summary_vi()

    # re-import into the same master: the group is filled, each commune has its rows
    again = plan_import.run(SAMPLE_APPENDIX, YEAR, master)
    assert not [p for p in again.problems if p.code == "unit-group-empty" and "(G_XA)" in p.message]
    track = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_TRACKING).to_python()
    col = track[0].index("Mã đơn vị")
    assert sum(1 for r in track[1:] if r[col] == "XTH") == len(stts)

    # the same names again: nothing added, each one said why
    twice = units_registry.run(master, ["Tân Hiệp"])
    assert twice.added == [] and twice.skipped == [{"name": "Tân Hiệp", "reason": "đã có trong danh mục"}]


def test_cli_reads_names_from_arguments_or_pasted_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    master = tmp_path / "so.xlsx"
    plan_import.run(SAMPLE_APPENDIX, YEAR, master)
    assert cli.main(["units", "communes", str(master), "Tân Hiệp", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == [{"code": "XTH", "name": "UBND xã Tân Hiệp", "group": "G_XA"}]
    monkeypatch.setattr(sys, "stdin", io.StringIO("Xuân Thới Sơn\nThị trấn Hóc Môn\n"))
    assert cli.main(["units", "communes", str(master)]) == 0
    text = capsys.readouterr().out
    assert "Đã thêm 2 xã vào nhóm G_XA của so.xlsx:" in text and "TTHM: UBND thị trấn Hóc Môn" in text
    assert cli.main(["units", "communes", str(master), "--group", "KHONG_CO", "Tân Thới Nhì"]) == 2
