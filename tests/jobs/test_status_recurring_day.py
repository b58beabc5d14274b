"""Job status on a real master judges a recurring task on the day its cell names
("trước ngày 18 của tháng cuối mỗi quý" is due 17/3 in quý I), not the quarter's end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from parc_xl.domain import deadlines
from parc_xl.domain.models import Area, Plan, Registry, Task, Unit
from parc_xl.io.master import read_master
from parc_xl.io.master_writer import create_master
from parc_xl.jobs import status

YEAR = 2025
TASKS = [
    ("1.1", "Báo cáo CCHC quý", "trước ngày 18 của tháng cuối mỗi quý"),
    ("1.2", "Báo cáo tình hình giải quyết TTHC", "báo cáo hằng tháng trước ngày 22"),
    ("1.3", "Tự đánh giá Chỉ số CCHC", "tháng 5 và tháng 11 hằng năm"),
    ("1.4", "Báo cáo quý", "Hàng quý"),
]


def _master(folder: Path) -> Path:
    tasks = [Task(key=k, stt=k, area="1", task=t, deadline_text=dl, deadline=deadlines.parse(dl, YEAR),
                  lead_units=["VP"]) for k, t, dl in TASKS]
    plan = Plan(year=YEAR, issuer="Sở Nội vụ", title="Kế hoạch CCHC năm 2025",
                areas=[Area(code="1", title="Chỉ đạo, điều hành", index=1)], tasks=tasks)
    path = folder / "so_theo_doi.xlsx"
    create_master(path, plan, Registry(units=[Unit(code="VP", name="Văn phòng Sở", email="vp@snv.gov.vn")]))
    return path


def test_recurring_days_decide_the_status(tmp_path: Path) -> None:
    master = _master(tmp_path)
    out = status.run(master, dt.date(2025, 3, 20)).to_json()
    assert out["period"] == "2025-Q1"
    rows = {r.key: (r.status, r.due, r.days_overdue) for r in read_master(master).tracking}
    assert rows["1.1"] == ("Quá hạn chưa hoàn thành", dt.date(2025, 3, 17), 3)  # 18, 19, 20 March
    assert rows["1.2"][:2] == ("Sắp đến hạn", dt.date(2025, 3, 21))
    assert rows["1.3"][:2] == ("Chưa báo cáo", dt.date(2025, 5, 31))
    assert rows["1.4"][:2] == ("Sắp đến hạn", dt.date(2025, 3, 31))
