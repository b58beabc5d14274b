"""Job status on a real master: every row's status, --json = Tổng hợp = Quá hạn, colours
rendered by LibreOffice, the clerk's own sheet kept."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from parc_xl.domain.models import Status
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.io.master import read_master
from parc_xl.io.status_format import STATUS_STYLES
from parc_xl.jobs import status
from tests.jobs import render
from tests.jobs.status_scenario import AS_OF, REPORTS, build_master


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(tmp_path)


def sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_every_row_gets_its_status_due_and_days(master: Path) -> None:
    status.run(master, AS_OF)
    got = {(r.key, r.unit): (r.status, r.days_overdue) for r in read_master(master).tracking}
    expected = {k: (v[4].value, v[5]) for k, v in REPORTS.items()}
    assert got == expected
    target = {(r.key, r.unit): r.target_result for r in read_master(master).tracking if r.target_result}
    assert target == {("2.1", "VP"): "Đạt", ("2.1", "TCBC"): "Không đạt"}  # 99,5% / 98% vs ≥ 99%


def test_json_counts_all_seven_statuses_per_task(master: Path) -> None:
    out = status.run(master, AS_OF).to_json()
    assert out["as_of"] == "2024-02-02"
    assert out["counts"] == {
        "Hoàn thành đúng hạn": 1, "Hoàn thành quá hạn": 1, "Đang thực hiện trong hạn": 2,
        "Quá hạn chưa hoàn thành": 1, "Sắp đến hạn": 2, "Không có hạn cụ thể": 0, "Chưa báo cáo": 1,
    }
    assert out["official"]["Đang thực hiện trong hạn"] == 5  # 2 + due soon 2 + not reported 1
    assert out["by_unit"]["TTLT"]["Quá hạn chưa hoàn thành"] == 1
    assert sum(out["by_area"]["Cải cách thủ tục hành chính"].values()) == 4
    assert out["on_time_rate"] == 0.5


def test_dashboard_and_overdue_sheets_agree_with_json(master: Path) -> None:
    out = status.run(master, AS_OF).to_json()
    dash = sheet(master, L.SHEET_DASHBOARD)
    table = {row[0]: row[1] for row in dash[5:12]}
    assert table == {k: float(v) for k, v in out["counts"].items()}
    area_rows = {row[0]: row for row in dash if row and row[0] in out["by_area"]}
    for area, counts in out["by_area"].items():
        assert area_rows[area][1] == sum(counts.values())
        assert area_rows[area][2:9] == [float(counts[s.value]) for s in Status]
    unit_rows = {str(row[0]).split(" – ")[0]: row for row in dash if row and " – " in str(row[0])}
    for unit, counts in out["by_unit"].items():
        assert unit_rows[unit][2:9] == [float(counts[s.value]) for s in Status]

    overdue = sheet(master, L.SHEET_OVERDUE)
    assert overdue[0] == [c.header for c in L.OVERDUE_COLUMNS]
    assert [(r[0], r[2], r[4]) for r in overdue[1:]] == [
        ("Quá hạn chưa hoàn thành", "TTLT", "2.4"),
        ("Sắp đến hạn", "VP", "1.1"),
        ("Sắp đến hạn", "TCBC", "2.1"),
        ("Sắp đến hạn", "VP", "2.1"),
    ]
    assert overdue[1][1] == 14 and overdue[1][7] == "ttlt@snv.gov.vn"


def test_dashboard_has_two_native_charts_and_prints_on_a4(master: Path) -> None:
    status.run(master, AS_OF)
    ws = load_workbook(master)[L.SHEET_DASHBOARD]  # inspection only; charts: read the package
    with zipfile.ZipFile(master) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        titles = " ".join(z.read(n).decode("utf-8") for n in charts)
    assert "Nhiệm vụ theo lĩnh vực" in titles and "Nhiệm vụ theo đơn vị" in titles
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # 9 = A4


def test_clerk_sheet_survives_and_rerun_is_stable(master: Path) -> None:
    wb = load_workbook(master)
    wb.create_sheet("Ghi chú của tôi")["A1"] = "Nhắc phòng TCBC"
    wb.save(master)
    first = status.run(master, AS_OF).to_json()
    second = status.run(master, AS_OF).to_json()
    assert first["counts"] == second["counts"]
    assert sheet(master, "Ghi chú của tôi")[0][0] == "Nhắc phòng TCBC"
    assert len(list((master.parent / "sao_luu").iterdir())) == 2  # a backup per write


def test_conditional_formatting_covers_the_status_column(master: Path) -> None:
    ws = load_workbook(master)[L.SHEET_TRACKING]
    letter = chr(ord("A") + L.column_index(L.TRACKING_COLUMNS, "status"))
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert {f'${letter}2="{s.value}"' for s in Status} <= set(formulas)


def test_bad_arguments_are_input_errors(tmp_path: Path, master: Path) -> None:
    with pytest.raises(InputError):
        status.run(tmp_path / "khong_co.xlsx", AS_OF)
    with pytest.raises(InputError):
        status.run(master, AS_OF, due_soon=-1)


def test_recurring_task_is_judged_in_the_next_period(master: Path) -> None:
    # 1.4 "Hàng quý" reported in progress for Q1; judged on 10/04 the H1 instance (30/06)
    # has nothing reported yet.
    out = status.run(master, dt.date(2024, 4, 10))
    assert out.to_json()["period"] == "2024-H1"
    rows = {(r.key, r.unit): r for r in read_master(master).tracking}
    assert rows[("1.4", "VP")].status == "Chưa báo cáo"
    assert rows[("1.4", "VP")].due == dt.date(2024, 6, 30)


def test_libreoffice_renders_status_colours(master: Path, soffice: str, tmp_path: Path) -> None:
    status.run(master, AS_OF)
    out = tmp_path / "render"
    out.mkdir()
    pdf = render.to_pdf(soffice, master, out)
    # Theo dõi: the page whose text holds a header only the tracking print view has
    track_page = render.find_page(pdf, "Văn bản / sản phẩm")
    png, pixels = render.render(pdf, track_page, out / "theo_doi")
    assert png.exists()
    for st in (Status.DONE_ON_TIME, Status.DONE_LATE, Status.OVERDUE, Status.DUE_SOON, Status.NOT_REPORTED):
        assert render.count_colour(pixels, STATUS_STYLES[st].fill) > 50, st
    assert render.count_colour(pixels, STATUS_STYLES[Status.NO_FIXED_DEADLINE].fill) == 0  # none in scenario

    dash_page = render.find_page(pdf, "TỔNG HỢP KẾT QUẢ THỰC HIỆN")
    text = render.page_text(pdf, dash_page)
    assert "Nhiệm vụ theo lĩnh vực" in text  # the chart's title
    png, pixels = render.render(pdf, dash_page, out / "tong_hop")
    assert render.count_colour(pixels, STATUS_STYLES[Status.OVERDUE].fill) > 50
    assert render.count_colour(pixels, STATUS_STYLES[Status.DUE_SOON].fill) > 50
    unit_page = render.find_page(pdf, "Nhiệm vụ theo đơn vị")
    assert unit_page == dash_page + 1  # the dashboard prints on two pages
    assert render.page_text(pdf, unit_page).lstrip().startswith("3. Theo đơn vị")
    keep = Path(__file__).resolve().parents[2] / ".render"  # for a person to look at
    if keep.is_dir():
        for p in out.glob("*.png"):
            shutil.copy(p, keep / p.name)


def test_guide_sheet_has_the_colour_legend(master: Path) -> None:
    ws = load_workbook(master)[L.SHEET_GUIDE]
    legend = {c.value: c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row
              if c.value in {s.value for s in Status}}
    assert legend == {s.value: STATUS_STYLES[s].fill for s in Status}
    assert legend["Hoàn thành đúng hạn"] == "C6EFCE" and legend["Sắp đến hạn"] == "FFEB9C"
    assert legend["Quá hạn chưa hoàn thành"] == "FFC7CE"


def test_target_text_is_read_from_task_and_product_each_on_its_own(tmp_path: Path) -> None:
    """Issue 14 item 11: status reads a task's targets as the plan sheet, the unit workbook
    and the report do (`domain.targets.task_targets`): the product cell's words never
    become the label of a target written in the task cell."""
    from parc_xl.domain import deadlines
    from parc_xl.domain.models import Area, Plan, Registry, Task, Unit
    from parc_xl.domain.targets import target_text
    from parc_xl.io.master_writer import create_master

    task = Task(key="1.1", stt="1.1", area="1", task="Tập huấn cho cán bộ đạt 100%",
                product="Báo cáo kết quả; tối thiểu 20% xã", deadline_text="Quý II/2024",
                deadline=deadlines.parse("Quý II/2024", 2024), lead_units=["VP"])
    plan = Plan(year=2024, issuer="Sở Nội vụ", title="Kế hoạch CCHC năm 2024",
                areas=[Area(code="1", title="Chỉ đạo, điều hành", index=1)], tasks=[task])
    path = tmp_path / "so_theo_doi.xlsx"
    create_master(path, plan, Registry(units=[Unit(code="VP", name="Văn phòng Sở")]))
    outcomes, _, _ = status.compute(read_master(path), AS_OF)
    assert [o.target for o in outcomes] == ["= 100% (tập huấn cho cán bộ); ≥ 20% (xã)"]
    assert outcomes[0].target == target_text(task.task, task.product)
