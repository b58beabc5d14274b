"""A deadline's reading in Vietnamese, line by line (the `parc-xl deadline` command).

The reading itself is `deadlines.parse`; this module only says it.
"""

from __future__ import annotations

from parc_xl.domain.deadline_vocabulary import RECURRENCE_MONTHS
from parc_xl.domain.deadlines import recurring_instances
from parc_xl.domain.models import Deadline, DeadlineKind, Recurrence
from parc_xl.domain.text import date_vi

KIND_VI: dict[DeadlineKind, str] = {
    DeadlineKind.DATE: "có hạn cụ thể",
    DeadlineKind.RECURRING: "định kỳ",
    DeadlineKind.EVENT: "khi phát sinh sự việc",
    DeadlineKind.CONTINUOUS: "thường xuyên",
    DeadlineKind.UNSPECIFIED: "không xác định được",
}
RECURRENCE_VI: dict[Recurrence, str] = {
    Recurrence.MONTHLY: "hằng tháng",
    Recurrence.QUARTERLY: "hằng quý",
    Recurrence.SEMIANNUAL: "6 tháng một lần",
    Recurrence.ANNUAL: "hằng năm",
}


def describe_vi(text: str, deadline: Deadline, plan_year: int) -> list[str]:
    """The reading as a clerk reads it, one line each: kind, dates (dd/mm/yyyy), the
    recurrence's day and months, milestones, a span's end, a limit, then every warning."""
    d = deadline
    kind = KIND_VI[d.kind] + (f" — {RECURRENCE_VI[d.recurrence]}" if d.recurrence else "")
    lines = [f"«{text}» (kế hoạch năm {plan_year})", f"  Loại: {kind}"]
    if d.kind is DeadlineKind.RECURRING and d.recurrence is not None:
        day = f"ngày {d.day_of_month}" if d.day_of_month else "ngày cuối tháng"
        months = d.months or list(RECURRENCE_MONTHS[d.recurrence])
        named: list[str] = []
        previous, later = 0, False
        for month in months:
            later = later or month < previous
            previous = month
            named.append(f"{month} (năm sau)" if later else str(month))
        lines.append(f"  Hạn mỗi kỳ: {day}, tháng {', '.join(named)}")
        days = recurring_instances(d.recurrence, d.first_due.year if d.first_due else plan_year,
                                   d.day_of_month, d.months)
        lines.append(f"  Các hạn: {', '.join(date_vi(x) for x in days)}")
    else:
        if d.first_due and d.first_due != d.due:
            lines.append(f"  Hạn đầu: {date_vi(d.first_due)}")
        if d.due:
            lines.append(f"  Hạn: {date_vi(d.due)}")
    for m in d.milestones:
        lines.append(f"  Mốc «{m.label}»: {date_vi(m.due)}")
    if d.span_end:
        lines.append(f"  Kết thúc giai đoạn: {date_vi(d.span_end)}")
    if d.relative_days is not None:
        unit = "ngày làm việc" if d.working_days else "ngày"
        lines.append(f"  Trong vòng: {d.relative_days} {unit}")
    lines += [f"  Cảnh báo: {w}" for w in d.warnings] or ["  Không có cảnh báo"]
    return lines
