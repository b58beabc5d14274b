"""`status` rewrites only its own cells of `Tổng hợp` and `Quá hạn` (issue 13 item 6):
the clerk's chart, notes and cells on those sheets stay; a «Tổng cộng» row the clerk
adds under `Theo dõi` is not a task."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.comments import Comment
from python_calamine import CalamineWorkbook

from parc_xl.io import master_layout as L
from parc_xl.jobs import status
from tests.jobs.status_scenario import AS_OF, build_master


def values(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{relationship id: target part} of `part`."""
    folder, name = posixpath.split(part)
    try:
        root = ET.fromstring(z.read(f"{folder}/_rels/{name}.rels"))
    except KeyError:
        return {}
    out = {}
    for rel in root:
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return out


def charts_of(path: Path, sheet_name: str) -> list[str]:
    """The chart titles drawn on `sheet_name` (read from the package as Excel would)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rid_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        sheet = next(s for s in wb.iter(f"{ns}sheet") if s.get("name") == sheet_name)
        part = _rels(z, "xl/workbook.xml")[sheet.get(rid_attr, "")]
        titles = []
        for target in _rels(z, part).values():
            if "/drawings/" not in target or target.endswith(".vml"):
                continue
            for chart in _rels(z, target).values():
                if "/charts/chart" in chart:
                    xml = z.read(chart).decode()
                    titles.append(" ".join(re.findall(r"<a:t>([^<]*)</a:t>", xml)))
        return titles


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(tmp_path)


def test_the_clerks_chart_notes_and_cells_on_the_status_sheets_stay(master: Path) -> None:
    status.run(master, AS_OF)
    wb = load_workbook(master)  # the clerk works on the dashboard in Excel
    dash, overdue = wb[L.SHEET_DASHBOARD], wb[L.SHEET_OVERDUE]
    dash["L3"] = "Ghi chú của chuyên viên: số liệu đã đối chiếu"
    dash["B6"].comment = Comment("Đã kiểm tra với phòng TCBC", "Lan")
    chart = LineChart()
    chart.title = "Biểu đồ của chuyên viên"
    chart.add_data(Reference(dash, min_col=2, min_row=6, max_row=12))
    dash.add_chart(chart, "L6")
    last = len(L.OVERDUE_COLUMNS)
    overdue.cell(row=1, column=last + 1, value="Ghi chú")
    overdue.cell(row=2, column=last + 1, value="Đã nhắc qua điện thoại")
    wb.save(master)

    later = AS_OF + dt.timedelta(days=3)
    status.run(master, later)
    grid = values(master, L.SHEET_DASHBOARD)
    assert f"{later:%d/%m/%Y}" in str(grid[1][0]), "our cells are rewritten"
    assert grid[2][11] == "Ghi chú của chuyên viên: số liệu đã đối chiếu"
    assert load_workbook(master)[L.SHEET_DASHBOARD]["B6"].comment.text.startswith("Đã kiểm tra")
    assert "Biểu đồ của chuyên viên" in charts_of(master, L.SHEET_DASHBOARD)
    rows = values(master, L.SHEET_OVERDUE)
    assert rows[0][last] == "Ghi chú" and rows[1][last] == "Đã nhắc qua điện thoại"
    assert rows[1][0] != "", "the overdue list itself is rewritten"


def test_a_fresh_master_keeps_its_generated_charts_on_a_rerun(master: Path) -> None:
    status.run(master, AS_OF)
    first = sorted(charts_of(master, L.SHEET_DASHBOARD))
    status.run(master, AS_OF + dt.timedelta(days=1))
    assert sorted(charts_of(master, L.SHEET_DASHBOARD)) == first and len(first) == 2


def test_a_total_row_the_clerk_adds_under_theo_doi_is_not_a_task(master: Path) -> None:
    before = status.run(master, AS_OF).to_json()
    wb = load_workbook(master)
    ws = wb[L.SHEET_TRACKING]
    row = ws.max_row + 1
    ws.cell(row=row, column=L.column_index(L.TRACKING_COLUMNS, "task") + 1, value="Tổng cộng")
    ws.cell(row=row, column=L.column_index(L.TRACKING_COLUMNS, "stt") + 1, value="Tổng cộng")
    wb.save(master)
    after = status.run(master, AS_OF).to_json()
    assert after["total_rows"] == before["total_rows"] and after["counts"] == before["counts"]
    grid = values(master, L.SHEET_TRACKING)
    total = next(r for r in grid if "Tổng cộng" in r)
    assert total[L.column_index(L.TRACKING_COLUMNS, "status")] == "", "the clerk's row is left alone"
