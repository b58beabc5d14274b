"""Nhập kế hoạch: read the plan's appendix (.docx, .xlsx or extracted text) and write a
new master workbook with the plan, the unit registry and an empty tracking sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parc_xl.domain import deadlines
from parc_xl.domain.models import Plan, Registry
from parc_xl.domain.problems import Problem, error, has_errors, warning
from parc_xl.domain.units import bootstrap_registry, plan_cells, resolve_plan
from parc_xl.errors import DataError, InputError
from parc_xl.io import master as master_io
from parc_xl.io.plan_reader import read_appendix
from parc_xl.io.registry import read_registry
from parc_xl.jobs._common import JobResult, backup, ensure_writable, write_atomically


class ImportResult(JobResult):
    master: str
    plan: Plan
    registry: Registry
    registry_source: str  # "bootstrap" | units file | existing master
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        tasks = []
        for t in self.plan.tasks:
            d = t.deadline
            tasks.append({
                "key": t.key, "stt": t.stt, "area": t.area, "task": t.task, "product": t.product,
                "lead": t.lead, "coord": t.coord, "deadline_text": t.deadline_text,
                "deadline": d.model_dump(mode="json") if d else None,
                "lead_units": t.lead_units, "coord_units": t.coord_units,
            })
        return {
            "master": self.master,
            "year": self.plan.year,
            "tasks": tasks,
            "areas": [a.model_dump(mode="json") for a in self.plan.areas],
            "units": [u.model_dump(mode="json") for u in self.registry.units],
            "groups": [g.model_dump(mode="json") for g in self.registry.groups],
            "warnings": [p.model_dump(mode="json") for p in self.problems],
        }

    def summary_vi(self) -> str:
        lines = [
            f"Đã nhập {len(self.plan.tasks)} nhiệm vụ thuộc {len(self.plan.areas)} lĩnh vực "
            f"vào sổ theo dõi {Path(self.master).name}.",
            f"Danh mục đơn vị: {len(self.registry.units)} đơn vị, {len(self.registry.groups)} nhóm"
            + (" (lập từ các ô chủ trì/phối hợp của kế hoạch)." if self.registry_source == "bootstrap" else "."),
        ]
        if self.problems:
            lines.append(f"Cần xem lại {len(self.problems)} điểm:")
            lines += [f"  - {p}" for p in self.problems[:30]]
            if len(self.problems) > 30:
                lines.append(f"  … và {len(self.problems) - 30} điểm khác (xem --json).")
        return "\n".join(lines)


#: A deadline this many years away from the plan's year is a typing mistake ("2204" for
#: "2024"); the status of a whole master cannot be computed on dates near year 9999.
MAX_YEARS_FROM_PLAN = 10


def _deadline_problems(plan: Plan) -> list[Problem]:
    out: list[Problem] = []
    for t in plan.tasks:
        t.deadline = deadlines.parse(t.deadline_text, plan.year)
        years = sorted({d.year for d in (t.deadline.first_due, t.deadline.due) if d is not None})
        absurd = [y for y in years if abs(y - plan.year) > MAX_YEARS_FROM_PLAN]
        if absurd:
            where = f"dòng {t.source_row}" if t.source_row else ""
            out.append(error(
                "deadline-year-absurd",
                f"Nhiệm vụ {t.key}{' (' + where + ')' if where else ''}: thời hạn «{t.deadline_text}» rơi vào năm "
                f"{absurd[0]}, cách năm kế hoạch {plan.year} hơn {MAX_YEARS_FROM_PLAN} năm (có thể gõ nhầm năm). "
                "Hãy sửa ô Thời gian hoàn thành trong tệp kế hoạch rồi nhập lại; sổ theo dõi chưa được tạo.",
                task_key=t.key, cell=where, value=t.deadline_text))
            continue
        for w in t.deadline.warnings:
            out.append(warning("deadline", f"Nhiệm vụ {t.key}: {w}", task_key=t.key,
                               value=t.deadline_text, sheet="Kế hoạch"))
    return out


def _registry_for(plan: Plan, output: Path, units: Path | None) -> tuple[Registry, str, list[Problem]]:
    if units is not None:
        registry, problems = read_registry(units)
        return registry, str(units), problems
    if output.exists():
        registry, problems = read_registry(output)
        return registry, str(output), problems
    found: list[Problem] = []
    registry = bootstrap_registry(plan_cells(plan), found)
    return registry, "bootstrap", found


def _check_existing_master(output: Path) -> None:
    """Re-importing into a master is allowed only while it holds no reports: the new
    plan replaces the tracking sheet, and reported values must never be lost."""
    if not output.exists():
        return
    try:
        existing = master_io.read_master(output)
    except InputError as exc:
        raise InputError(
            f"Tệp {output.name} đã tồn tại và không phải sổ theo dõi của parc-xl; "
            "parc-xl không ghi đè. Hãy chọn tên tệp khác."
        ) from exc
    if existing.submissions or any(r.progress for r in existing.tracking):
        raise InputError(
            f"Sổ theo dõi {output.name} đã có báo cáo của đơn vị; nhập lại kế hoạch sẽ làm mất số liệu. "
            "Hãy nhập vào một sổ mới (chọn tên tệp khác)."
        )


def run(source: Path, year: int, output: Path, units: Path | None = None) -> ImportResult:
    source, output = Path(source), Path(output)
    if not 2000 <= year <= 2100:
        raise InputError(f"Năm kế hoạch {year} không hợp lệ (cần từ 2000 đến 2100).")
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"Sổ theo dõi phải là tệp .xlsx, không phải «{output.name}».")
    if not output.parent.exists():
        raise InputError(f"Thư mục {output.parent} không tồn tại.")
    from parc_xl.io.master_lock import master_lock

    with master_lock(output, "Nhập kế hoạch"):  # one writer at a time, the old master read under it
        return _import(source, year, output, units)


def _empty_group_problems(plan: Plan, registry: Registry, output: Path) -> list[Problem]:
    """One warning per group named in the plan that has no member, naming its tasks by
    STT: until the group is filled the tasks it leads belong to no one."""
    from parc_xl.domain.communes import commune_group
    from parc_xl.domain.units import empty_groups

    def listed(stts: list[str]) -> str:
        return ", ".join(stts[:12]) + (f" và {len(stts) - 12} nhiệm vụ khác" if len(stts) > 12 else "")

    out: list[Problem] = []
    communes = commune_group(registry)
    for g, lead, coord in empty_groups(plan, registry):
        how = (f"thêm các xã bằng «parc-xl units communes {output.name} \"Tên xã\" …» (chỉ cần tên, mã tự tạo) "
               "rồi nhập lại kế hoạch vào sổ này" if g.code == communes else
               f"ghi mã {g.code} vào cột Nhóm của các đơn vị thuộc nhóm trong sheet Đơn vị rồi nhập lại kế hoạch")
        tasks = "; ".join(x for x in (
            f"{len(lead)} nhiệm vụ do nhóm chủ trì (STT {listed(lead)}) chưa thuộc đơn vị nào" if lead else "",
            f"{len(coord)} nhiệm vụ nhóm phối hợp (STT {listed(coord)})" if coord else "") if x)
        out.append(warning(
            "unit-group-empty",
            f"Nhóm «{g.name}» ({g.code}) chưa có đơn vị nào: {tasks}; {how}.",
            sheet="Nhóm đơn vị", value=g.code))
    return out


def _import(source: Path, year: int, output: Path, units: Path | None) -> ImportResult:
    from parc_xl.io.master_lock import guard_unchanged, note_written

    _check_existing_master(output)

    plan, problems = read_appendix(source, year)
    if has_errors(problems) or not plan.tasks:
        reasons = "; ".join(p.message for p in problems if p.severity == "error")
        raise DataError(f"Không nhập được kế hoạch từ {source.name}: {reasons or 'không có nhiệm vụ nào.'}",
                        problems)
    problems += _deadline_problems(plan)
    if has_errors(problems):
        bad = [p for p in problems if p.severity == "error"]
        raise DataError(f"Không nhập được kế hoạch từ {source.name}: " + "; ".join(p.message for p in bad[:5])
                        + (f"; và {len(bad) - 5} lỗi khác" if len(bad) > 5 else ""), problems)
    registry, registry_source, reg_problems = _registry_for(plan, output, units)
    problems += [p for p in reg_problems if p.code != "unit-group-empty"]
    problems += resolve_plan(plan, registry)
    problems += _empty_group_problems(plan, registry, output)

    ensure_writable(output)
    guard_unchanged(output)
    previous = backup(output) if output.exists() else None
    # openpyxl (with numpy) costs ~0.2 s to import: only once the plan is read and checked
    from parc_xl.io.master_writer import create_master

    write_atomically(output, lambda tmp: create_master(tmp, plan, registry))
    note_written(output)
    return ImportResult(master=str(output), plan=plan, registry=registry,
                        registry_source=registry_source, problems=problems,
                        backup=str(previous) if previous else None)
