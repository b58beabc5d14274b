"""Builders for unit-workbook tests: a small plan and registry (no master needed), a
generated workbook, and the edits people make to it (openpyxl and raw zip/XML)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from parc_xl.domain.models import (
    Deadline, DeadlineKind, Plan, Recurrence, Registry, Task, Unit, UnitGroup,
)
from parc_xl.jobs import units_generate

YEAR = 2024
PERIOD = f"{YEAR}-Q1"
AS_OF = dt.date(YEAR, 3, 20)


def _date(due: dt.date) -> Deadline:
    return Deadline(kind=DeadlineKind.DATE, due=due)


def make_plan(year: int = YEAR, *, edit_task: str | None = None) -> Plan:
    tasks = [
        Task(key="1.1", stt="1.1", area="1", task=f"Ban hành Kế hoạch cải cách hành chính năm {year}",
             product="Kế hoạch", lead="Trưởng phòng Nội vụ huyện", coord="Chủ tịch UBND xã - thị trấn",
             deadline_text=f"Quý I/{year}", deadline=_date(dt.date(year, 3, 31)),
             lead_units=["PNV"], coord_units=["G_XA"]),
        Task(key="1.2", stt="1.2", area="1", task="Báo cáo công tác cải cách hành chính định kỳ",
             product="Báo cáo", lead="Trưởng phòng Nội vụ huyện", deadline_text="Hàng quý",
             deadline=Deadline(kind=DeadlineKind.RECURRING, recurrence=Recurrence.QUARTERLY,
                               first_due=dt.date(year, 3, 31), due=dt.date(year, 12, 31)),
             lead_units=["PNV"]),
        Task(key="2.1", stt="2.1", area="2",
             task=edit_task or "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 99% trở lên",
             product="Báo cáo", lead="Thủ trưởng các cơ quan, đơn vị", deadline_text=f"Trong năm {year}",
             deadline=_date(dt.date(year, 12, 31)), lead_units=["G_CQ"]),
        Task(key="2.2", stt="2.2", area="2", task="Rà soát thủ tục hành chính nội bộ", product="Báo cáo",
             lead="Trưởng phòng Tư pháp huyện", coord="Phòng Nội vụ huyện",
             deadline_text="Khi có văn bản chỉ đạo", deadline=Deadline(kind=DeadlineKind.EVENT),
             lead_units=["PTP"], coord_units=["PNV"]),
        Task(key="3.1", stt="3.1", area="3", task="Niêm yết công khai thủ tục hành chính tại bộ phận một cửa",
             product="Báo cáo", lead="Chủ tịch UBND xã - thị trấn", deadline_text="Thường xuyên",
             deadline=Deadline(kind=DeadlineKind.CONTINUOUS), lead_units=["G_XA"]),
        Task(key="3.2", stt="3.2", area="3", task="Tuyên truyền cải cách hành chính", product="- Kế hoạch",
             lead="Trưởng phòng Nội vụ huyện", deadline_text=f"Quý II/{year}",
             deadline=_date(dt.date(year, 6, 30)), lead_units=["PNV"]),
    ]
    return Plan(year=year, title=f"Kế hoạch CCHC năm {year}", tasks=tasks)


def make_registry() -> Registry:
    return Registry(
        units=[
            Unit(code="PNV", name="Phòng Nội vụ huyện", groups=["G_CQ"]),
            Unit(code="PTP", name="Phòng Tư pháp huyện", groups=["G_CQ"]),
            Unit(code="PKT", name="Phòng Kinh tế huyện", groups=[]),
            Unit(code="XA1", name="UBND xã Tân Hiệp", groups=["G_XA"]),
            Unit(code="XA2", name="UBND xã Xuân Thới Sơn", groups=["G_XA"]),
        ],
        groups=[
            UnitGroup(code="G_CQ", name="Các cơ quan chuyên môn", phrases=["Thủ trưởng các cơ quan, đơn vị"]),
            UnitGroup(code="G_XA", name="UBND các xã, thị trấn", phrases=["Chủ tịch UBND xã - thị trấn"]),
        ],
    )


# PNV's rows in the generated workbook (header on row 4, data from row 5)
PNV_ROWS = {"1.1": 5, "1.2": 6, "2.1": 7, "2.2": 8, "3.2": 9}
COL = {"stt": "A", "task": "B", "product": "C", "role": "D", "deadline_text": "E", "due": "F",
       "target": "G", "progress": "H", "completed_on": "I", "evidence": "J", "figure": "K",
       "difficulties": "L", "proposals": "M", "key": "N"}


def generate(folder: Path, unit: str = "PNV", plan: Plan | None = None) -> Path:
    res = units_generate.generate(plan or make_plan(), make_registry(), PERIOD, folder, [unit])
    return Path(res.files[0])


# A correct return for PNV: every lead task reported properly.
GOOD_ANSWERS: dict[str, dict[str, object]] = {
    "1.1": {"progress": "Đã hoàn thành", "completed_on": dt.datetime(YEAR, 1, 15),
            "evidence": f"Kế hoạch số 12/KH-UBND ngày 15/01/{YEAR}"},
    "1.2": {"progress": "Đã hoàn thành", "completed_on": dt.datetime(YEAR, 3, 10),
            "evidence": f"Báo cáo số 30/BC-PNV ngày 10/03/{YEAR}"},
    "2.1": {"progress": "Đang thực hiện", "figure": 99.5, "difficulties": "Hệ thống một cửa chậm"},
    "3.2": {"progress": "Chưa triển khai", "proposals": "Lùi sang quý III"},
}


def fill(path: Path, answers: dict[str, dict[str, object]], dst: Path | None = None) -> Path:
    """Type answers into the fill columns (openpyxl, as a unit would in Excel)."""
    wb = load_workbook(path)
    ws = wb["Báo cáo"]
    for key, fields in answers.items():
        row = PNV_ROWS[key]
        for f, v in fields.items():
            ws[f"{COL[f]}{row}"] = v
            if f == "completed_on" and isinstance(v, dt.datetime):
                ws[f"{COL[f]}{row}"].number_format = "dd/mm/yyyy"
    out = dst or path
    wb.save(out)
    return out


def edit(path: Path, change: Callable) -> Path:
    """Apply `change(wb)` with openpyxl and save in place."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def sheet_part(path: Path, sheet: str = "Báo cáo") -> str:
    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', wb)
    assert rid, wb
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    t = target.group(1) or target.group(2)
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


def edit_xml(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """Rewrite one zip part's text (direct XML edit, as other tools do)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
    shutil.move(tmp, path)
    return path
