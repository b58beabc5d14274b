"""Which tasks fall on which unit, and what a unit is asked to report for each.

A task falls on a unit when the unit is named in the task's lead or coordination cell,
directly or through a group (`Registry.expand`): a commune receives every task whose
cell says "Chủ tịch UBND xã - thị trấn". Lead tasks must be reported ("Chủ trì");
coordination tasks are listed as optional ("Phối hợp"). PRODUCT.md "Unit workbook".
"""

from __future__ import annotations

from parc_xl.domain.models import Plan, Registry, Task
from parc_xl.domain import targets

ROLE_LEAD = "Chủ trì"  # must report
ROLE_COORD = "Phối hợp"  # may report


def unit_tasks(plan: Plan, registry: Registry, unit_code: str) -> list[tuple[Task, str]]:
    """The unit's tasks in plan order, each with its role; lead wins over coordination."""
    out: list[tuple[Task, str]] = []
    for task in plan.tasks:
        if unit_code in registry.expand(task.lead_units):
            out.append((task, ROLE_LEAD))
        elif unit_code in registry.expand(task.coord_units):
            out.append((task, ROLE_COORD))
    return out


def tasks_by_unit(plan: Plan, registry: Registry) -> dict[str, list[tuple[Task, str]]]:
    """`unit_tasks` of every unit at once (each task's cells expanded once, not once per
    unit: 1,000 units × 200 tasks would otherwise expand the registry 200,000 times)."""
    out: dict[str, list[tuple[Task, str]]] = {u.code: [] for u in registry.units}
    for task in plan.tasks:
        lead = registry.expand(task.lead_units)
        for code in lead:
            out.setdefault(code, []).append((task, ROLE_LEAD))
        taken = set(lead)
        for code in registry.expand(task.coord_units):
            if code not in taken:
                out.setdefault(code, []).append((task, ROLE_COORD))
    return out


def units_with_tasks(plan: Plan, registry: Registry) -> list[str]:
    """Unit codes (registry order) that lead or coordinate at least one task."""
    named: set[str] = set()
    for task in plan.tasks:
        named.update(registry.expand(task.lead_units))
        named.update(registry.expand(task.coord_units))
    return [u.code for u in registry.units if u.code in named]


def target_text(task: Task) -> str:
    """The task's numeric target(s) for the `Chỉ tiêu` column ("≥ 40% (…); ≥ 20% (xã)"), or "":
    the same text as the master's `Kế hoạch` sheet and the report (`targets.target_text`)."""
    return targets.target_text(task.task, task.product)
