"""A small master with fixed dates for the status / report job tests.

Built with the lead's `create_master` (the real layout), then the units' reports are
patched into `Theo dõi` through `XlsxPackage`, as the merge job would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from parc_xl.domain import deadlines
from parc_xl.domain.models import Area, Plan, Registry, Status, Task, Unit
from parc_xl.io import master_layout as L
from parc_xl.io.master_writer import create_master
from parc_xl.io.ooxml import XlsxPackage, col_letter

D = dt.date
YEAR = 2024
AS_OF = D(2024, 2, 2)  # Friday before Tết Giáp Thìn (8–14/02/2024)

AREAS = [Area(code="1", title="Chỉ đạo, điều hành", index=1),
         Area(code="2", title="Cải cách thủ tục hành chính", index=2)]
UNITS = [Unit(code="VP", name="Văn phòng Sở", email="vanphong@snv.gov.vn"),
         Unit(code="TCBC", name="Phòng Tổ chức, biên chế", email="tcbc@snv.gov.vn"),
         Unit(code="TTLT", name="Trung tâm Lưu trữ lịch sử", email="ttlt@snv.gov.vn")]

# key, area, task text, deadline text, lead units
TASKS = [
    ("1.1", "1", "Ban hành Kế hoạch CCHC năm 2024", "02/02/2024", ["VP"]),
    ("1.2", "1", "Kiểm tra công tác CCHC tối thiểu 40% các cơ quan, tối thiểu 20% xã", "31/01/2024", ["VP"]),
    ("1.3", "1", "Tuyên truyền CCHC", "31/01/2024", ["TCBC"]),
    ("1.4", "1", "Báo cáo CCHC", "Hàng quý", ["VP"]),
    ("2.1", "2", "Giải quyết hồ sơ TTHC đúng hạn đạt 99% trở lên", "23/02/2024", ["VP", "TCBC"]),
    ("2.2", "2", "Rà soát TTHC", "26/02/2024", ["TCBC"]),
    ("2.3", "2", "Cập nhật TTHC khi có văn bản mới", "Khi có phát sinh", ["TTLT"]),
    ("2.4", "2", "Số hóa hồ sơ lưu trữ", "15/01/2024", ["TTLT"]),
]

# (key, unit) → progress, completed_on, figure, period of the report, expected status, days
REPORTS = {
    ("1.1", "VP"): ("Đang thực hiện", None, None, "2024-Q1", Status.DUE_SOON, None),  # due today
    ("1.2", "VP"): ("Đã hoàn thành", D(2024, 1, 31), None, "2024-Q1", Status.DONE_ON_TIME, None),  # on the due date
    ("1.3", "TCBC"): ("Đã hoàn thành", D(2024, 2, 1), None, "2024-Q1", Status.DONE_LATE, 1),  # a day late
    ("1.4", "VP"): ("Đang thực hiện", None, None, "2024-Q1", Status.IN_PROGRESS_ON_TIME, None),
    ("2.1", "VP"): ("Đang thực hiện", None, 0.995, "2024-Q1", Status.DUE_SOON, None),  # 10 wd across Tết
    ("2.1", "TCBC"): ("Đang thực hiện", None, 0.98, "2024-Q1", Status.DUE_SOON, None),
    ("2.2", "TCBC"): ("Đang thực hiện", None, None, "2024-Q1", Status.IN_PROGRESS_ON_TIME, None),  # 11 wd
    ("2.3", "TTLT"): (None, None, None, None, Status.NOT_REPORTED, None),  # event task, unit sent nothing
    ("2.4", "TTLT"): (None, None, None, None, Status.OVERDUE, 14),  # unit sent nothing, past due
}


def build_master(folder: Path) -> Path:
    tasks = [Task(key=k, stt=k, area=a, task=t, deadline_text=dl, deadline=deadlines.parse(dl, YEAR),
                  lead_units=units) for k, a, t, dl, units in TASKS]
    plan = Plan(year=YEAR, issuer="Sở Nội vụ", title="Kế hoạch CCHC năm 2024", areas=AREAS, tasks=tasks)
    path = folder / "so_theo_doi.xlsx"
    create_master(path, plan, Registry(units=UNITS))
    pkg = XlsxPackage.open(path)
    ws = pkg.sheet(L.SHEET_TRACKING)
    col = {c.id: col_letter(i + 1) for i, c in enumerate(L.TRACKING_COLUMNS)}
    rows = ws.read_values()
    for r, values in enumerate(rows[1:], start=2):
        at = {c.id: i for i, c in enumerate(L.TRACKING_COLUMNS)}
        key, unit = str(values[at["key"]]), str(values[at["unit"]])
        progress, done_on, figure, period, *_ = REPORTS[(key, unit)]
        if progress:
            ws.set_value(f"{col['progress']}{r}", progress)
            ws.set_value(f"{col['period']}{r}", period)
        if done_on:
            ws.set_value(f"{col['completed_on']}{r}", done_on)
        if figure is not None:
            ws.set_value(f"{col['figure']}{r}", figure)
    pkg.save(path)
    return path
