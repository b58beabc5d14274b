"""What the sheets look like printed and on screen (issue 14 item 16): rows as tall as
their wrapped text, `Theo dõi`'s print view, the unit guide inside the page, charts
that name every area in colours that differ on a black-and-white printer. Built with
the real demo, rendered with LibreOffice where the check is about the page."""

from __future__ import annotations

import math
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parc_xl.domain.models import Status
from parc_xl.io import master_layout as L
from parc_xl.io.dashboard import CHART_COLOURS
from parc_xl.io.status_format import STATUS_STYLES
from parc_xl.jobs import demo
from tests.jobs import render


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    demo.run(out)
    return out


def _lines(text: str, chars_per_line: int) -> int:
    return sum(max(1, math.ceil(len(part) / chars_per_line)) for part in text.split("\n"))


def test_master_guide_rows_are_as_tall_as_their_wrapped_text(demo_dir: Path) -> None:
    ws = load_workbook(demo_dir / "so_theo_doi.xlsx")[L.SHEET_GUIDE]
    legend = {s.value: r for r in range(1, ws.max_row + 1) if (s := ws.cell(row=r, column=1)).value in
              {st.value for st in Status}}
    assert len(legend) == len(STATUS_STYLES)
    for status, r in legend.items():
        meaning = str(ws.cell(row=r, column=2).value)
        height = ws.row_dimensions[r].height
        # ≈80 characters of 11 pt Times New Roman fit the 80-wide column; 15 pt a line
        assert height is not None and height >= 15 * _lines(meaning, 88), (status, height)
    due_soon = legend[Status.DUE_SOON.value]
    assert ws.row_dimensions[due_soon].height >= 30  # its meaning takes two lines


def test_overdue_rows_fit_their_task_text(demo_dir: Path, tmp_path: Path) -> None:
    # the sheet as the first status run writes it (later runs with the same layout
    # rewrite the rows in place, keeping the clerk's own columns: see jobs/status.py)
    from parc_xl.io.dashboard import build_sheets
    from parc_xl.io.master import read_master
    from parc_xl.jobs.status import compute

    data = read_master(demo_dir / "so_theo_doi.xlsx")
    _, summary, _ = compute(data, demo.AS_OF)
    assert build_sheets(tmp_path / "dash.xlsx", summary, issuer=data.plan.issuer, year=data.plan.year)
    ws = load_workbook(tmp_path / "dash.xlsx")[L.SHEET_OVERDUE]
    assert ws.row_dimensions[1].height == 45
    task_col = L.column_index(L.OVERDUE_COLUMNS, "task") + 1
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=task_col).value]
    assert rows
    long = [r for r in rows if len(str(ws.cell(row=r, column=task_col).value)) > 70]
    assert long, "the demo has overdue tasks longer than one line"
    for r in rows:
        text = str(ws.cell(row=r, column=task_col).value)
        assert ws.row_dimensions[r].height >= 13 * _lines(text, 61), (r, text)
        assert ws.cell(row=r, column=task_col).alignment.wrap_text


def _overdue_row_heights(master: Path) -> dict[int, tuple[float, str]]:
    """{row: (ht, task text)} of `Quá hạn` as its sheet XML has them."""
    from lxml import etree

    from parc_xl.io.ooxml import XlsxPackage

    pkg = XlsxPackage.open(master)
    root = etree.fromstring(pkg.read_part(pkg._sheet_map()[L.SHEET_OVERDUE]))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    tasks = {r: str(row[L.column_index(L.OVERDUE_COLUMNS, "task")])
             for r, row in enumerate(pkg.sheet(L.SHEET_OVERDUE).read_values(), start=1) if r > 1 and row}
    out: dict[int, tuple[float, str]] = {}
    for row in root.iterfind(".//m:sheetData/m:row", ns):
        r = int(row.get("r"))
        if r in tasks and tasks[r]:
            assert row.get("customHeight") in ("1", "true"), r
            out[r] = (float(row.get("ht", "0")), tasks[r])
    return out


def test_overdue_row_heights_survive_a_second_status_run(demo_dir: Path, tmp_path: Path) -> None:
    """A repeat status run rewrites `Quá hạn` in place (same layout, the clerk's columns
    kept): its rows keep heights that fit their wrapped task text, as the first run
    wrote them (read from the sheet XML, what Excel and LibreOffice use)."""
    import shutil

    from parc_xl.jobs import status

    master = Path(shutil.copy(demo_dir / "so_theo_doi.xlsx", tmp_path / "so_theo_doi.xlsx"))
    status.run(master, demo.AS_OF)
    first = _overdue_row_heights(master)
    status.run(master, demo.AS_OF)
    second = _overdue_row_heights(master)
    assert second and second == first
    assert any(len(text) > 70 for _, text in second.values())
    for r, (height, text) in second.items():
        assert height >= 13 * _lines(text, 61), (r, text)


def test_tracking_print_view_is_the_readers_columns_one_page_wide(demo_dir: Path) -> None:
    ws = load_workbook(demo_dir / "so_theo_doi.xlsx")[L.SHEET_TRACKING]
    headers = [c.value for c in ws[1]]
    assert headers[:L.TRACKING_PRINTED] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Tiến độ",
                                            "Ngày hoàn thành", "Văn bản / sản phẩm", "Kết quả",
                                            "Trạng thái", "Số ngày quá hạn"]
    assert headers[-1] == "Khóa"  # kept for the merge, last
    assert ws.print_area == f"'{L.SHEET_TRACKING}'!$A$1:$J${ws.max_row}"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert sum(c.width for c in L.TRACKING_COLUMNS[:L.TRACKING_PRINTED]) <= 200  # ≥ ~70% on A4


def test_unit_guide_fits_the_page_and_its_rows_fit_the_text(demo_dir: Path) -> None:
    ws = load_workbook(demo_dir / "gui_don_vi" / "2026-Q1_PNV.xlsx")["Hướng dẫn"]
    assert ws.column_dimensions["A"].width <= 70
    for r in range(1, ws.max_row + 1):
        text = ws.cell(row=r, column=1).value
        if text and ws.row_dimensions[r].height:
            assert ws.row_dimensions[r].height >= 17 * _lines(str(text), 80), r


def test_charts_name_every_category_in_print_distinct_colours(demo_dir: Path) -> None:
    with zipfile.ZipFile(demo_dir / "so_theo_doi.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    for xml in charts:
        assert 'tickLblSkip val="1"' in xml
        for colour in CHART_COLOURS.values():
            assert f'srgbClr val="{colour}"' in xml
    greys = sorted(0.299 * int(c[:2], 16) + 0.587 * int(c[2:4], 16) + 0.114 * int(c[4:], 16)
                   for c in CHART_COLOURS.values())
    assert min(b - a for a, b in zip(greys, greys[1:])) >= 20  # apart on a grey-scale printer


def test_libreoffice_prints_the_sheets_as_set(demo_dir: Path, soffice: str, tmp_path: Path) -> None:
    master_pdf = render.to_pdf(soffice, demo_dir / "so_theo_doi.xlsx", tmp_path)
    unit_pdf = render.to_pdf(soffice, demo_dir / "gui_don_vi" / "2026-Q1_PNV.xlsx", tmp_path)
    # the unit guide: the end of its longest lines is on the page, not cut at the edge
    guide = render.page_text(unit_pdf, 1)
    assert "sắp xếp lại dòng, cột" in " ".join(guide.split())
    assert "cho cơ quan tổng hợp" in " ".join(guide.split())
    bbox = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(unit_pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', bbox))
    assert right <= 595 - 30, f"the guide's text runs to {right:.0f} pt of a 595 pt wide page"
    # Theo dõi: the printed pages show the reader's columns and not the technical ones
    page = render.find_page(master_pdf, "Số ngày quá")
    text = render.page_text(master_pdf, page)
    assert "Trạng thái" in text and "Tệp nguồn" not in text and "Cập nhật lúc" not in text
    for p, stem in ((1, "huong_dan"), (page, "theo_doi"), (render.page_count(master_pdf), "qua_han")):
        png, _ = render.render(master_pdf, p, tmp_path / stem)
        assert png.stat().st_size > 1000
    png, _ = render.render(unit_pdf, 1, tmp_path / "don_vi_huong_dan")
    assert png.stat().st_size > 1000
