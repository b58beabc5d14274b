"""Job: one workbook per unit for a reporting period (`parc-xl units generate MASTER
--period P -o DIR [--unit CODE…]`, ribbon "Tạo mẫu đơn vị").

A unit gets a workbook when at least one task falls on it (lead or coordination,
directly or through a group); files are named `<period>_<unit code>.xlsx`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from parc_xl.domain.assignments import ROLE_LEAD, unit_tasks, units_with_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan, Registry
from parc_xl.domain.periods import Period, plan_period
from parc_xl.errors import InputError
from parc_xl.io.unit_book import TEMPLATE_VERSION, write_unit_book


class GeneratedUnit(BaseModel):
    unit: str
    name: str
    file: str
    lead_tasks: int
    coord_tasks: int


class GenerateResult(BaseModel):
    period: str
    out_dir: str
    fingerprint: str
    generated: list[GeneratedUnit] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)  # requested units with no task

    @property
    def files(self) -> list[str]:
        return [g.file for g in self.generated]

    @property
    def exit_code(self) -> int:
        return 0

    def summary_vi(self) -> str:
        label = Period.parse(self.period).label_vi
        lines = [f"Đã tạo {len(self.generated)} tệp mẫu báo cáo {label} trong thư mục {self.out_dir}."]
        if self.skipped:
            lines.append(f"Không tạo cho {len(self.skipped)} đơn vị không có nhiệm vụ: {', '.join(self.skipped)}.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "out_dir": self.out_dir,
            "fingerprint": self.fingerprint,
            "files": [g.model_dump() for g in self.generated],
            "skipped": self.skipped,
        }


def run(master: Path, period: str, out_dir: Path, units: list[str] | None = None) -> GenerateResult:
    """Read the master and write the unit workbooks."""
    from parc_xl.io.master import ensure_mac_key, read_master

    data = read_master(Path(master), tracking=False)
    return generate(data.plan, data.registry, period, Path(out_dir), units, mac_key=ensure_mac_key(data))


def generate(
    plan: Plan,
    registry: Registry,
    period: str | Period,
    out_dir: Path,
    units: list[str] | None = None,
    generated_at: dt.datetime | None = None,
    *,
    mac_key: str | None = None,
) -> GenerateResult:
    """`run` without the master: plan and registry given directly. Without `mac_key` the
    workbooks are unsigned (validation without a master only; a merge refuses them)."""
    try:
        per = plan_period(period, plan.year)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if units:
        unknown = [u for u in units if registry.unit(u) is None]
        if unknown:
            raise InputError(f"Mã đơn vị không có trong danh mục: {', '.join(unknown)}. "
                             f"Các mã hiện có: {', '.join(u.code for u in registry.units)}.")
    wanted = list(dict.fromkeys(units)) if units else [u.code for u in registry.units]
    with_tasks = set(units_with_tasks(plan, registry))
    fingerprint = plan_fingerprint(plan)
    out_dir = Path(out_dir)
    result = GenerateResult(period=per.code, out_dir=str(out_dir), fingerprint=fingerprint)
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    for code in wanted:
        if code not in with_tasks:
            result.skipped.append(code)
            continue
        tasks = unit_tasks(plan, registry, code)
        path = out_dir / f"{per.code}_{code}.xlsx"
        write_unit_book(path, plan, registry, code, per, tasks, fingerprint, TEMPLATE_VERSION, generated_at,
                        mac_key=mac_key)
        unit = registry.unit(code)
        lead = sum(role == ROLE_LEAD for _, role in tasks)
        result.generated.append(GeneratedUnit(unit=code, name=unit.name if unit else code, file=str(path),
                                              lead_tasks=lead, coord_tasks=len(tasks) - lead))
    return result
