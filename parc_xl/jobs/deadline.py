"""Đọc thử thời hạn: how parc-xl reads one "Thời gian hoàn thành" cell."""

from __future__ import annotations

from typing import Any

from parc_xl.domain import deadlines
from parc_xl.domain.models import Deadline
from parc_xl.jobs._common import JobResult

_KIND_VI = {
    "date": "có hạn cụ thể",
    "recurring": "định kỳ",
    "event": "khi phát sinh sự việc",
    "continuous": "thường xuyên",
    "unspecified": "không xác định được",
}
_RECURRENCE_VI = {"monthly": "hằng tháng", "quarterly": "hằng quý", "semiannual": "6 tháng một lần",
                  "annual": "hằng năm"}


class DeadlineResult(JobResult):
    text: str
    year: int
    deadline: Deadline

    def to_json(self) -> dict[str, Any]:
        return self.deadline.model_dump(mode="json")

    def summary_vi(self) -> str:
        d = self.deadline
        lines = [f"«{self.text}» (kế hoạch năm {self.year}): {_KIND_VI[d.kind.value]}"]
        if d.first_due and d.first_due != d.due:
            lines.append(f"  Hạn đầu: {d.first_due:%d/%m/%Y}")
        if d.due:
            lines.append(f"  Hạn: {d.due:%d/%m/%Y}")
        for m in d.milestones:
            lines.append(f"  Mốc «{m.label}»: {m.due:%d/%m/%Y}")
        if d.recurrence:
            lines.append(f"  Định kỳ: {_RECURRENCE_VI[d.recurrence.value]}")
        if d.relative_days is not None:
            unit = "ngày làm việc" if d.working_days else "ngày"
            lines.append(f"  Trong vòng: {d.relative_days} {unit}")
        lines += [f"  Cảnh báo: {w}" for w in d.warnings]
        return "\n".join(lines)


def run(text: str, year: int) -> DeadlineResult:
    return DeadlineResult(text=text, year=year, deadline=deadlines.parse(text, year))
