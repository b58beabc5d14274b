"""Generating one workbook per unit: who gets which tasks, in which role."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parc_xl.domain.assignments import unit_tasks, units_with_tasks
from parc_xl.domain.text import ascii_fold
from parc_xl.errors import InputError
from parc_xl.io.unit_book import read_unit_book
from parc_xl.jobs import units_generate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import write_registry  # noqa: E402
from unit_books import PERIOD, make_plan, make_registry  # noqa: E402


def roles(path: Path) -> dict[str, str]:
    return {k: role for k, role, _ in read_unit_book(path).meta_rows}


def test_each_unit_gets_its_tasks_directly_or_through_a_group(tmp_path: Path) -> None:
    res = units_generate.generate(make_plan(), make_registry(), PERIOD, tmp_path)
    assert [g.unit for g in res.generated] == ["PNV", "PTP", "XA1", "XA2"]
    assert res.skipped == ["PKT"]  # no task names it
    files = {g.unit: Path(g.file) for g in res.generated}
    assert files["PNV"].name == "2024-Q1_PNV.xlsx"
    assert roles(files["PNV"]) == {"1.1": "Chủ trì", "1.2": "Chủ trì", "2.1": "Chủ trì", "2.2": "Phối hợp",
                                   "3.2": "Chủ trì"}
    assert roles(files["PTP"]) == {"2.1": "Chủ trì", "2.2": "Chủ trì"}
    # a commune receives every "Chủ tịch UBND xã - thị trấn" task
    assert roles(files["XA1"]) == {"1.1": "Phối hợp", "3.1": "Chủ trì"}
    assert roles(files["XA2"]) == roles(files["XA1"])
    by_unit = {g.unit: (g.lead_tasks, g.coord_tasks) for g in res.generated}
    assert by_unit == {"PNV": (4, 1), "PTP": (2, 0), "XA1": (1, 1), "XA2": (1, 1)}
    ws = load_workbook(files["XA1"])["Báo cáo"]
    assert ws["A2"].value == "Đơn vị: UBND xã Tân Hiệp (mã XA1) — Kỳ báo cáo: Quý I/2024"
    assert res.to_json()["files"][0] == {"unit": "PNV", "name": "Phòng Nội vụ huyện",
                                          "file": str(files["PNV"]), "lead_tasks": 4, "coord_tasks": 1}
    assert res.exit_code == 0 and "Đã tạo 4 tệp" in res.summary_vi()


def test_lead_wins_over_coordination_and_units_with_tasks() -> None:
    plan, registry = make_plan(), make_registry()
    assert units_with_tasks(plan, registry) == ["PNV", "PTP", "XA1", "XA2"]
    assert [(t.key, r) for t, r in unit_tasks(plan, registry, "PTP")] == [("2.1", "Chủ trì"), ("2.2", "Chủ trì")]
    assert unit_tasks(plan, registry, "PKT") == []


def test_selected_units_and_unknown_codes(tmp_path: Path) -> None:
    res = units_generate.generate(make_plan(), make_registry(), PERIOD, tmp_path, ["XA2", "PKT"])
    assert [g.unit for g in res.generated] == ["XA2"] and res.skipped == ["PKT"]
    with pytest.raises(InputError, match="Mã đơn vị không có trong danh mục: XYZ"):
        units_generate.generate(make_plan(), make_registry(), PERIOD, tmp_path, ["PNV", "XYZ"])
    with pytest.raises(InputError, match="Kỳ báo cáo «2024-Q2» không hợp lệ"):
        units_generate.generate(make_plan(), make_registry(), "2024-Q2", tmp_path)


# --- end to end on seed 003 (huyện Hóc Môn 2024) --------------------------------------

# An oracle independent of the unit resolver: which lead/coordination cells name the
# unit, by plain text search in the cells as written in the plan (ascii_fold folds
# punctuation to spaces).
ORACLE = {
    "PTP": r"tu phap|thu truong cac co quan|cac co quan don vi",
    "PNV": r"noi vu|thu truong cac co quan|cac co quan don vi",
    "XA1": r"\bxa thi tran\b",
}


@pytest.fixture(scope="module")
def seed_office(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from parc_xl.io.master import read_master
    from parc_xl.jobs import plan_import

    folder = tmp_path_factory.mktemp("seed003")
    registry = write_registry(folder / "don_vi.xlsx")
    master = folder / "so_theo_doi.xlsx"
    imported = plan_import.run(next(seeds_dir.glob("003_*.txt")), 2024, master, registry)
    assert imported.exit_code == 0
    res = units_generate.run(master, PERIOD, folder / "gui")
    return read_master(master), res


def _expected(plan, unit: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in plan.tasks:
        if re.search(ORACLE[unit], ascii_fold(t.lead)):
            out[t.key] = "Chủ trì"
        elif re.search(ORACLE[unit], ascii_fold(t.coord)):
            out[t.key] = "Phối hợp"
    return out


@pytest.mark.parametrize("unit", ["PTP", "PNV"])
def test_seed_003_department_and_phong_noi_vu_get_exactly_their_tasks(seed_office, unit: str) -> None:
    md, res = seed_office
    path = next(Path(g.file) for g in res.generated if g.unit == unit)
    got = roles(path)
    assert set(got) == set(_expected(md.plan, unit))
    assert sum(r == "Chủ trì" for r in got.values()) == next(g.lead_tasks for g in res.generated if g.unit == unit)
    assert list(got) == [t.key for t in md.plan.tasks if t.key in got]  # plan order


def test_seed_003_phong_noi_vu_leads_its_named_tasks(seed_office) -> None:
    md, res = seed_office
    got = roles(next(Path(g.file) for g in res.generated if g.unit == "PNV"))
    named_lead = {t.key for t in md.plan.tasks if "noi vu" in ascii_fold(t.lead)}
    assert named_lead and all(got[k] == "Chủ trì" for k in named_lead)
    assert len(got) == len(md.plan.tasks) == 87  # PNV coordinates everything it does not lead


def test_seed_003_commune_gets_every_commune_task(seed_office) -> None:
    md, res = seed_office
    assert {g.unit for g in res.generated} >= {"XA1", "XA2", "XA3"}
    got = roles(next(Path(g.file) for g in res.generated if g.unit == "XA1"))
    expected = _expected(md.plan, "XA1")
    assert got == expected
    assert sum(r == "Chủ trì" for r in got.values()) >= 20


def test_seed_003_commune_named_mid_cell_in_task_1_11(seed_office) -> None:
    _, res = seed_office
    got = roles(next(Path(g.file) for g in res.generated if g.unit == "XA1"))
    assert got.get("1.11") == "Phối hợp"
