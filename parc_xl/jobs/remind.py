"""Job «Đôn đốc»: reminder letters and e-mail drafts for the units to chase in a period
(`parc-xl remind MASTER --period P [--as-of D] -o DIR`, ribbon «Đôn đốc»).

For each unit with a missing return, overdue or due-soon tasks (`domain/reminders.py`):
a letter `<kỳ>_<mã>_don_doc.docx` in Decree 30 form, and an unsent `.eml` draft
`<kỳ>_<mã>_don_doc.eml` to the unit's registry address with the letter attached (a unit
without a usable address gets its letter, no draft, and is listed in `skipped`); one
summary workbook `<kỳ>_don_doc_tong_hop.xlsx` of all letters.

Reading only: the statuses are computed as of the date (`jobs.status.compute`, the same
computation `status` and `report` write), the master is not changed. Nothing is
half-written: every file is written in a temporary folder inside DIR and moved into DIR
only when all are written; on any failure the temporary folder is removed.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from parc_xl.domain.assignments import units_with_tasks
from parc_xl.domain.mail_text import address_problem, reminder_mail
from parc_xl.domain.periods import Period, plan_period
from parc_xl.domain.problems import warning
from parc_xl.domain.record import Record
from parc_xl.domain.reminders import Reminder, select
from parc_xl.errors import InputError
from parc_xl.io import master_layout as L
from parc_xl.jobs._common import JobResult
from parc_xl.jobs.status import DEFAULT_DUE_SOON, compute

if TYPE_CHECKING:
    from parc_xl.io.master import MasterData

SUMMARY_NAME = "{period}_don_doc_tong_hop.xlsx"


class Letter(Record):
    unit: str
    unit_name: str
    file: str
    eml: str | None = None
    to: str = ""
    reminder: Reminder

    def to_json(self) -> dict[str, Any]:
        r = self.reminder.model_dump(mode="json")
        return {"unit": self.unit, "unit_name": self.unit_name, "file": self.file, "eml": self.eml, "to": self.to,
                "overdue": r["overdue"], "due_soon": r["due_soon"], "missing_return": r["missing_return"]}


class Skipped(Record):
    unit: str
    reason: str


class RemindResult(JobResult):
    period: str
    as_of: dt.date
    out_dir: str
    summary: str | None = None
    letters: list[Letter] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "as_of": self.as_of.isoformat(),
            "out_dir": self.out_dir,
            "summary": self.summary,
            "letters": [x.to_json() for x in self.letters],
            "skipped": [s.model_dump() for s in self.skipped],
            "warnings": [p.model_dump(mode="json") for p in self.problems],
        }

    def summary_vi(self) -> str:
        label = Period.parse(self.period).label_vi
        if not self.letters:
            lines = [f"Không có đơn vị nào cần đôn đốc ({label}, tính đến ngày {self.as_of:%d/%m/%Y}): các đơn vị "
                     "đã gửi báo cáo, không có nhiệm vụ quá hạn hoặc sắp đến hạn. Không tạo văn bản nào."]
        else:
            drafts = sum(1 for x in self.letters if x.eml)
            lines = [f"Đã tạo {len(self.letters)} văn bản đôn đốc ({label}, tính đến ngày {self.as_of:%d/%m/%Y}) "
                     f"và {drafts} thư nháp (.eml) trong thư mục {self.out_dir}; danh sách ở tệp "
                     f"{Path(self.summary or '').name}."]
            for x in self.letters:
                r = x.reminder
                parts = []
                if r.missing_return is not None:
                    parts.append("chưa gửi báo cáo" if r.missing_return.refused_at is None
                                 else "báo cáo bị từ chối, chưa gửi lại")
                if r.overdue:
                    parts.append(f"{len(r.overdue)} nhiệm vụ quá hạn")
                if r.due_soon:
                    parts.append(f"{len(r.due_soon)} nhiệm vụ sắp đến hạn")
                lines.append(f"- {x.unit_name}: {', '.join(parts)}.")
            lines.append("Văn bản chưa có số và ngày: ghi số, ngày, ký rồi gửi; thư nháp đính kèm bản dự thảo, "
                         "hãy thay bằng bản đã ký trước khi bấm Gửi.")
        by_reason: dict[str, list[str]] = {}
        for s in self.skipped:  # one line per reason: an office without any address gets one line, not sixty
            by_reason.setdefault(s.reason, []).append(s.unit)
        for reason, units in by_reason.items():
            lines.append(f"Không tạo thư nháp cho {', '.join(units)}: {reason}; văn bản vẫn được tạo, hãy gửi bằng "
                         "tay hoặc sửa cột Thư điện tử của sheet Đơn vị rồi chạy lại.")
        for p in self.problems:
            lines.append(f"Lưu ý: {p.message}")
        return "\n".join(lines)


def _submissions(data: Any, period: Period) -> list[Any]:
    from parc_xl.domain.report_content import Submission

    return [Submission(unit=r.unit, received_at=r.received_at, accepted=r.accepted)
            for r in data.submissions if r.period == period.code]


def run(master: Path, period: str, out_dir: Path, as_of: dt.date | None = None,
        due_soon: int = DEFAULT_DUE_SOON) -> RemindResult:
    from parc_xl.io.master import read_master
    from parc_xl.io.reminder_letter import write_summary

    master, out_dir = Path(master), Path(out_dir)
    try:
        per = Period.parse(period)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"«{out_dir}» là một tệp, không phải thư mục: hãy chọn thư mục để ghi văn bản đôn đốc.")
    data = read_master(master)
    try:
        plan_period(per, data.plan.year)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    day = as_of or dt.date.today()
    outcomes, _, _ = compute(data, day, due_soon, per)
    codes = units_with_tasks(data.plan, data.registry)
    names = {u.code: u.name for u in data.registry.units}
    deadline = data.schedule.submission_deadline(per)
    reminders = select([(c, names.get(c, c)) for c in codes], outcomes, _submissions(data, per), deadline, day,
                       data.calendar, due_soon)
    result = RemindResult(period=per.code, as_of=day, out_dir=str(out_dir))
    for u in data.registry.units:
        if u.code not in set(codes):
            result.problems.append(warning(
                "remind-unit-no-tasks", f"Đơn vị {u.code} ({u.name}) không chủ trì, phối hợp nhiệm vụ nào trong kế hoạch: "
                "không cần đôn đốc.", sheet=L.SHEET_UNITS, value=u.code))
    if not reminders:
        return result

    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".~parc_tmp.don_doc.", dir=out_dir))
    try:
        rows = [_write_unit_papers(r, data, per, day, tmp, out_dir, result) for r in reminders]
        summary = tmp / SUMMARY_NAME.format(period=per.code)
        write_summary(summary, rows, title=f"Đôn đốc thực hiện nhiệm vụ CCHC năm {data.plan.year} — {per.label_vi}, "
                                          f"tính đến ngày {day:%d/%m/%Y}")
        for f in sorted(tmp.iterdir()):
            try:
                os.replace(f, out_dir / f.name)
            except PermissionError as exc:
                raise InputError(f"Không ghi được tệp {f.name} vào thư mục {out_dir}: tệp đang mở (trong Word, "
                                 "Excel hoặc chương trình thư) hoặc thư mục chỉ đọc. Hãy đóng tệp rồi chạy lại.") from exc
        result.summary = str(out_dir / summary.name)
    except OSError as exc:
        result.letters.clear()
        if exc.errno == errno.ENOSPC:
            from parc_xl.io.master_lock import DiskFullError

            raise DiskFullError(f"Ổ đĩa chứa thư mục {out_dir} đã hết chỗ trống; chưa ghi văn bản đôn đốc nào. "
                                "Hãy giải phóng chỗ trống rồi chạy lại.") from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()
    return result


def _write_unit_papers(r: Reminder, data: MasterData, per: Period, day: dt.date, tmp: Path, out_dir: Path,
                       result: RemindResult) -> tuple[Reminder, str, str, str]:
    """One unit's letter (and its e-mail draft when the unit has a usable address), written into `tmp`;
    the row of the summary table that lists it."""
    from parc_xl.io.mail_draft import write_draft
    from parc_xl.io.reminder_letter import write_letter

    unit = data.registry.unit(r.unit)
    address = (unit.email if unit else "").strip()
    stem = f"{per.code}_{r.unit}_don_doc"
    letter = tmp / f"{stem}.docx"
    write_letter(letter, r, issuer=data.plan.issuer, year=data.plan.year, period_label=per.label_vi, as_of=day)
    entry = Letter(unit=r.unit, unit_name=r.unit_name, file=str(out_dir / letter.name), reminder=r)
    why = address_problem(address)
    if why:
        result.skipped.append(Skipped(unit=r.unit, reason=why))
        draft_cell = f"Không có thư: {why}"
    else:
        subject, body = reminder_mail(r.unit_name, data.plan.issuer, per.label_vi, data.plan.year,
                                      letter.name, len(r.overdue), len(r.due_soon),
                                      r.missing_return.deadline if r.missing_return else None)
        write_draft(tmp / f"{stem}.eml", address, subject, body, [letter])
        entry.eml, entry.to, draft_cell = str(out_dir / f"{stem}.eml"), address, f"{stem}.eml"
    result.letters.append(entry)
    return r, address, letter.name, draft_cell
