"""Chuyển tiếp (year end): the old plan's unfinished tasks, with their last progress and
unit, listed in a `Chuyển tiếp` sheet of the new year's master for the office to decide
which continue. The old master is only read; the new one is patched (backup, atomic)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from parc_xl.domain.problems import error
from parc_xl.domain.status import DONE_STATUSES
from parc_xl.errors import InputError
from parc_xl.jobs._common import BACKUP_DIR, JobResult, ensure_writable


class CarryOverResult(JobResult):
    old_master: str
    new_master: str
    old_year: int
    new_year: int
    as_of: dt.date
    rows: int = 0
    tasks: int = 0
    sheet: str = ""
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"old_master": self.old_master, "new_master": self.new_master, "old_year": self.old_year,
                "new_year": self.new_year, "as_of": self.as_of.isoformat(), "rows": self.rows,
                "tasks": self.tasks, "sheet": self.sheet, "backup": self.backup,
                "warnings": [p.model_dump(mode="json") for p in self.problems]}

    def summary_vi(self) -> str:
        return (f"Đã chép {self.tasks} nhiệm vụ chưa hoàn thành ({self.rows} dòng nhiệm vụ × đơn vị) của kế hoạch "
                f"năm {self.old_year} (tính đến {self.as_of:%d/%m/%Y}) vào sheet «{self.sheet}» của sổ "
                f"{Path(self.new_master).name}; văn phòng ghi ở cột cuối nhiệm vụ nào tiếp tục."
                + (f"\nBản sổ trước được lưu tại {self.backup}." if self.backup else ""))


def run(old_master: Path, new_master: Path, as_of: dt.date | None = None) -> CarryOverResult:
    from parc_xl.io.master import read_master
    from parc_xl.io.master_lock import master_lock

    old_master, new_master = Path(old_master), Path(new_master)
    if old_master.resolve() == new_master.resolve():
        raise InputError("Sổ năm cũ và sổ năm mới là cùng một tệp; hãy chọn sổ của năm mới (đã nhập kế hoạch năm mới).")
    old = read_master(old_master)
    new = read_master(new_master, tracking=False)
    if new.year <= old.year:
        raise InputError(
            f"Sổ {new_master.name} theo dõi kế hoạch năm {new.year}, không sau năm {old.year} của sổ "
            f"{old_master.name}; hãy chọn đúng sổ năm mới. Sổ không thay đổi.",
            [error("carry-over-year", f"Năm {new.year} không sau năm {old.year}.", file=str(new_master))])
    with master_lock(new_master, "Chuyển tiếp nhiệm vụ"):
        return _write(old, new_master, new.year, as_of, old_master)


def _write(old: Any, new_master: Path, new_year: int, as_of: dt.date | None, old_master: Path) -> CarryOverResult:
    from parc_xl.io.amend_sheets import SHEET_CARRY_OVER, write_carry_over_sheet
    from parc_xl.io.master_lock import save_guarded
    from parc_xl.io.ooxml import XlsxPackage
    from parc_xl.jobs.status import compute

    ensure_writable(new_master)
    day = as_of or dt.date(old.year, 12, 31)
    outcomes, _summary, problems = compute(old, day)
    by_row = {r.row: r for r in old.tracking}
    rows: list[dict[str, Any]] = []
    for o in outcomes:
        if o.status in DONE_STATUSES:
            continue
        r = by_row[o.row]
        rows.append({"key": r.key, "stt": r.stt, "area": r.area, "task": r.task, "unit": r.unit,
                     "unit_name": r.unit_name, "deadline_text": r.deadline_text, "status": o.status.value,
                     "progress": r.progress or "Chưa báo cáo", "period": r.period, "evidence": r.evidence,
                     "difficulties": r.difficulties, "decision": None})
    title = f"Nhiệm vụ chưa hoàn thành của kế hoạch năm {old.year} (tính đến {day:%d/%m/%Y})"
    pkg = XlsxPackage.open(new_master)
    with tempfile.TemporaryDirectory(prefix="parc_carry_") as tmp:
        generated = Path(tmp) / "chuyen_tiep.xlsx"
        write_carry_over_sheet(generated, rows, title)
        pkg.replace_sheet_from(generated, SHEET_CARRY_OVER)
        saved = save_guarded(pkg, new_master, new_master.parent / BACKUP_DIR)
    return CarryOverResult(old_master=str(old_master), new_master=str(new_master), old_year=old.year,
                           new_year=new_year, as_of=day, rows=len(rows), tasks=len({r["key"] for r in rows}),
                           sheet=SHEET_CARRY_OVER, backup=str(saved) if saved else None,
                           problems=[p for p in problems if p.code != "target-unparseable"])
