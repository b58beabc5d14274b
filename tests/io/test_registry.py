"""Registry sheets: read from any workbook (free column order), report bad codes by cell,
and the rows the master writer lays out."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest

from parc_xl.domain.models import Plan, Task
from parc_xl.domain.units import bootstrap_registry, resolve, resolve_plan
from parc_xl.errors import InputError
from parc_xl.io.master_layout import GROUP_COLUMNS, SHEET_GROUPS, SHEET_UNITS, UNIT_COLUMNS
from parc_xl.io.registry import read_registry, registry_rows


def _write(path: Path, units: list[list[object]], groups: list[list[object]], *,
           shuffle: bool = False, extra_sheet: bool = True) -> None:
    """A registry workbook as a clerk might make it: header row 1, columns in any order."""
    wb = openpyxl.Workbook()
    if extra_sheet:
        wb.active.title = "Ghi chú"
        wb.active["A1"] = "Sheet riêng của văn thư"
    else:
        wb.remove(wb.active)
    for title, columns, rows in ((SHEET_UNITS, UNIT_COLUMNS, units), (SHEET_GROUPS, GROUP_COLUMNS, groups)):
        ws = wb.create_sheet(title)
        order = list(range(len(columns)))
        if shuffle:
            random.Random(7).shuffle(order)
        ws.append([columns[i].header for i in order])
        for row in rows:
            ws.append([row[i] if i < len(row) else None for i in order])
    wb.save(path)


def test_bootstrapped_registry_round_trips_through_a_shuffled_workbook(tmp_path: Path) -> None:
    registry = bootstrap_registry([
        "- Ban Chỉ đạo CCHC huyện - Trưởng phòng Nội vụ huyện",
        "- Thủ trưởng các cơ quan, đơn vị - Chủ tịch UBND xã - thị trấn",
        "Trưởng phòng Tư pháp huyện", "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
    ])
    units, groups = registry_rows(registry)
    # the clerk adds two communes to the commune group
    units += [["XTH", "UBND xã Tân Hiệp", "G_XA", "Chủ tịch UBND xã Tân Hiệp", "tanhiep@example.vn"],
              ["TTHM", "UBND thị trấn Hóc Môn", "G_XA", "", ""]]
    path = tmp_path / "don_vi.xlsx"
    _write(path, units, groups, shuffle=True)

    read, problems = read_registry(path)
    assert problems == []
    assert read.units[:len(registry.units)] == registry.units
    assert read.groups == registry.groups
    assert read.members("G_XA") == ["XTH", "TTHM"]
    assert read.unit("XTH").email == "tanhiep@example.vn"
    res = resolve("Trưởng Phòng Tư pháp huyện; Chủ tịch UBND xã - thị trấn; Chủ tịch UBND xã Tân Hiệp", read)
    assert res.codes == ["PTP", "G_XA", "XTH"]
    assert read.expand(res.codes) == ["PTP", "XTH", "TTHM"]

    plan = Plan(year=2024, tasks=[Task(key="1.1", stt="1.1", area="1", task="…",
                                       lead="Chánh Văn phòng HĐND và UBND huyện", coord="Phòng Y tế huyện")])
    problems = resolve_plan(plan, read)
    assert plan.tasks[0].lead_units == ["VPHDUB"]
    assert [p.value for p in problems] == ["Phòng Y tế huyện"]


def test_registry_rows_follow_the_layout() -> None:
    registry = bootstrap_registry(["Trưởng phòng Nội vụ huyện; Thủ trưởng các cơ quan, đơn vị"])
    units, groups = registry_rows(registry)
    assert units == [["PNV", "Phòng Nội vụ huyện", "G_CQ", "Trưởng phòng Nội vụ huyện", ""]]
    assert groups[0][:2] == ["G_CQ", "Các cơ quan, đơn vị"]
    assert groups[0][2].startswith("Thủ trưởng các cơ quan, đơn vị; Các cơ quan, đơn vị; ")
    assert [len(r) for r in units] == [len(UNIT_COLUMNS)]


def test_bad_codes_are_errors_with_their_cell(tmp_path: Path) -> None:
    path = tmp_path / "don_vi.xlsx"
    _write(path, [
        ["PNV", "Phòng Nội vụ", "G_CQ", "", ""],
        [None, None, None, None, None],  # blank row: skipped
        ["PNV", "Phòng Ngoại vụ", "", "", ""],  # duplicate
        ["PTĐ", "Phòng Thể dục", "", "", ""],  # not ASCII
        ["G_CQ", "Một đơn vị trùng mã nhóm", "", "", ""],  # same namespace as groups
        [101, "Đơn vị số", "G_KHAC", "", ""],  # numeric code read as text; unknown group
        ["PTP", "", "", "", ""],  # no name
    ], [["G_CQ", "Các cơ quan, đơn vị", "Thủ trưởng các cơ quan, đơn vị; Các cơ quan, đơn vị"]])
    registry, problems = read_registry(path)
    assert [u.code for u in registry.units] == ["PNV", "101"]
    assert registry.group("G_CQ").phrases == ["Thủ trưởng các cơ quan, đơn vị", "Các cơ quan, đơn vị"]
    assert [(p.code, p.severity.value, p.sheet, p.cell) for p in problems] == [
        ("registry-code-duplicate", "error", SHEET_UNITS, "A4"),
        ("registry-code-invalid", "error", SHEET_UNITS, "A5"),
        ("registry-code-duplicate", "error", SHEET_UNITS, "A6"),
        ("registry-group-unknown", "warning", SHEET_UNITS, "C7"),
        ("registry-name-missing", "error", SHEET_UNITS, "B8"),
    ]
    assert problems[0].message == ("Mã «PNV» bị trùng (đã dùng ở Đơn vị!A2); mỗi đơn vị, nhóm một mã riêng.")


def test_missing_sheet_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "chi_don_vi.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = SHEET_UNITS
    wb.active.append([c.header for c in UNIT_COLUMNS])
    wb.save(path)
    with pytest.raises(InputError) as exc:
        read_registry(path)
    assert str(exc.value) == (
        "Tệp chi_don_vi.xlsx không có sheet «Nhóm đơn vị». Danh mục đơn vị cần hai sheet «Đơn vị» "
        "và «Nhóm đơn vị», dòng 1 là tiêu đề cột."
    )


def test_missing_code_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "don_vi.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = SHEET_UNITS
    wb.active.append(["Tên đơn vị", "Nhóm"])
    wb.create_sheet(SHEET_GROUPS).append([c.header for c in GROUP_COLUMNS])
    wb.save(path)
    with pytest.raises(InputError, match="thiếu cột «Mã đơn vị»"):
        read_registry(path)


@pytest.mark.parametrize("content", [None, b"not a workbook at all"])
def test_missing_or_broken_file_is_an_input_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "don_vi.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_registry(path)
    assert "don_vi.xlsx" in str(exc.value)
    assert "Traceback" not in str(exc.value)
