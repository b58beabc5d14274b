"""Job: one workbook per unit for a reporting period (`parc-xl units generate MASTER
--period P -o DIR [--unit CODE…] [--mail]`, ribbon "Tạo mẫu đơn vị").

With `--mail` each unit also gets an unsent `.eml` draft to its registry address with its
workbook attached; a unit whose address is missing or unusable is listed, never skipped silently.

A unit gets a workbook when at least one task falls on it (lead or coordination,
directly or through a group); files are named `<period>_<unit code>.xlsx`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field

from parc_xl.domain.assignments import ROLE_LEAD, tasks_by_unit, units_with_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.mail_text import address_problem, split_addresses, unit_form_mail
from parc_xl.domain.models import Plan, Registry
from parc_xl.domain.periods import Period, plan_period
from parc_xl.domain.record import Record
from parc_xl.errors import InputError
from parc_xl.io.mail_draft import write_draft
from parc_xl.io.unit_book import TEMPLATE_VERSION, write_unit_book
from parc_xl.io.unit_stamp import NotStampable, Template

# Workbooks written by openpyxl (write_unit_book) serve as templates for the next units
# (io/unit_stamp.py: the same book in ~1/20 of the time); a unit no template can show
# (a cell style none of them has) is written, and its book becomes a template too.
MAX_TEMPLATES = 4


def _stamp(templates: list[Template], path: Path, plan: Plan, registry: Registry, code: str,
           tasks: list[Any], fingerprint: str, generated_at: dt.datetime, mac_key: str | None) -> bool:
    for template in templates:
        try:
            template.stamp(path, plan, registry, code, tasks, fingerprint, TEMPLATE_VERSION, generated_at, mac_key)
            return True
        except NotStampable:
            continue
    return False


class GeneratedUnit(Record):
    unit: str
    name: str
    file: str
    lead_tasks: int
    coord_tasks: int


class MailDraft(Record):
    unit: str
    to: str
    eml: str


class NoAddress(Record):
    unit: str
    reason: str


class GenerateResult(Record):
    period: str
    out_dir: str
    fingerprint: str
    generated: list[GeneratedUnit] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)  # requested units with no task
    drafts: list[MailDraft] = Field(default_factory=list)
    no_address: list[NoAddress] = Field(default_factory=list)

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
        if self.drafts:
            lines.append(f"Đã tạo {len(self.drafts)} thư nháp (.eml) gửi kèm tệp mẫu; mở bằng Outlook hoặc "
                         "Thunderbird rồi bấm Gửi.")
        for n in self.no_address:
            lines.append(f"Không tạo thư cho {n.unit}: {n.reason}; hãy sửa cột Thư điện tử của sheet Đơn vị "
                         "rồi tạo lại, hoặc gửi tệp bằng tay.")
        return "\n".join(lines)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "out_dir": self.out_dir,
            "fingerprint": self.fingerprint,
            "files": [g.model_dump() for g in self.generated],
            "skipped": self.skipped,
            "drafts": [d.model_dump() for d in self.drafts],
            "no_address": [n.model_dump() for n in self.no_address],
        }


def run(master: Path, period: str, out_dir: Path, units: list[str] | None = None,
        mail: bool = False) -> GenerateResult:
    """Read the master and write the unit workbooks (and, with `mail`, their e-mail drafts)."""
    from parc_xl.io.master import MAC_KEY, ensure_mac_key, read_master
    from parc_xl.io.master_lock import master_lock

    data = read_master(Path(master), tracking=False)
    if not data.meta.get(MAC_KEY):  # an older master gets its MAC secret: a write, so under the lock
        with master_lock(Path(master), "Tạo mẫu đơn vị"):
            data = read_master(Path(master), tracking=False)
            key = ensure_mac_key(data)
    else:
        key = ensure_mac_key(data)
    result = generate(data.plan, data.registry, period, Path(out_dir), units, mac_key=key)
    if mail:
        per = Period.parse(result.period)
        deadline = data.schedule.submission_deadline(per)
        for g in result.generated:
            unit = data.registry.unit(g.unit)
            # one cell may hold several addresses ("a@x.vn; b@x.vn"): the draft goes to all of them
            addresses = split_addresses(unit.email if unit else "")
            why = next((w for w in map(address_problem, addresses) if w), "") if addresses else address_problem("")
            address = ", ".join(addresses)
            if why:
                result.no_address.append(NoAddress(unit=g.unit, reason=why))
                continue
            book = Path(g.file)
            subject, body = unit_form_mail(g.name, per.label_vi, deadline, book.name, data.plan.year)
            eml = write_draft(book.with_suffix(".eml"), address, subject, body, [book])
            result.drafts.append(MailDraft(unit=g.unit, to=address, eml=str(eml)))
    return result


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
    templates: list[Template] = []
    assigned = tasks_by_unit(plan, registry)
    for code in wanted:
        if code not in with_tasks:
            result.skipped.append(code)
            continue
        tasks = assigned.get(code, [])
        path = out_dir / f"{per.code}_{code}.xlsx"
        if not _stamp(templates, path, plan, registry, code, tasks, fingerprint, generated_at, mac_key):
            write_unit_book(path, plan, registry, code, per, tasks, fingerprint, TEMPLATE_VERSION, generated_at,
                            mac_key=mac_key)
            if len(templates) < MAX_TEMPLATES:
                try:
                    templates.append(Template(path, plan, registry, code, per, tasks))
                except NotStampable:
                    pass
        unit = registry.unit(code)
        lead = sum(role == ROLE_LEAD for _, role in tasks)
        result.generated.append(GeneratedUnit(unit=code, name=unit.name if unit else code, file=str(path),
                                              lead_tasks=lead, coord_tasks=len(tasks) - lead))
    return result
