"""Reporting periods: quý I, 6 tháng, 9 tháng (quý III), năm.

Codes (PRODUCT.md): ``2024-Q1``, ``2024-H1``, ``2024-Q3`` (the nine-month report made in
quý III), ``2024-Y``. Shown to users as "Quý I/2024", "6 tháng/2024", "9 tháng/2024",
"Năm 2024".

Reports are cumulative from 1 January (a "6 tháng" report covers January to June), so
`Period.start` is 1/1 of the year for all four kinds and `Period.end` is the end of the
period's last quarter.

Data cut-off (thời gian chốt số liệu) per Nghị định 09/2019/NĐ-CP, Điều 12: from the
15th of the month before the period to the 14th of the period's last month —
quý I: 15/12 of the prior year to 14/3; 6 tháng: to 14/6; 9 tháng: to 14/9; năm: to
14/12. The default submission deadline is the first working day after the cut-off's end
(weekends and Vietnam's public holidays skipped: 14/3/2026 is a Saturday, so units send by
Monday 16/3/2026, not on the cut-off day itself, which would leave them no time); each
office may set its own in `Kỳ báo cáo` (`PeriodSchedule`), e.g. seed 000 asks for reports
before 1/3, 1/6, 1/9, 1/12.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field

from parc_xl.domain.calendar import WorkCalendar
from parc_xl.domain.record import Record

PeriodKind = Literal["Q1", "H1", "Q3", "Y"]

# kind → (last month of the period, Vietnamese label template). NĐ 09/2019 Điều 12.
_KINDS: dict[str, tuple[int, str]] = {
    "Q1": (3, "Quý I/{year}"),
    "H1": (6, "6 tháng/{year}"),
    "Q3": (9, "9 tháng/{year}"),
    "Y": (12, "Năm {year}"),
}
_KIND_ORDER = list(_KINDS)
_CODE = re.compile(r"^\s*(\d{4})\s*[-–_/ ]?\s*(Q1|H1|Q3|Y)\s*$", re.IGNORECASE)

# Day of the month on which the cut-off ends (NĐ 09/2019/NĐ-CP, Điều 12, khoản 2).
CUTOFF_DAY = 14
# Working days units get after the cut-off to send their return (the office may change the
# date per period in `Kỳ báo cáo`).
SUBMISSION_WORKING_DAYS = 1


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


class Period(Record):
    """One reporting period of a year."""

    code: str
    year: int
    kind: PeriodKind

    @classmethod
    def parse(cls, code: str) -> Period:
        """``"2024-Q1"`` (also ``"2024-q1"``, ``" 2024 - Y "``) → Period; ValueError otherwise."""
        m = _CODE.match(str(code or ""))
        if not m:
            raise ValueError(
                f"Kỳ báo cáo «{code}» không hợp lệ: cần dạng 2024-Q1 (quý I), 2024-H1 (6 tháng), "
                "2024-Q3 (9 tháng) hoặc 2024-Y (năm)"
            )
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise ValueError(f"Kỳ báo cáo «{code}» không hợp lệ: năm {year} ngoài khoảng 2000–2100")
        kind = m.group(2).upper()
        return cls(code=f"{year}-{kind}", year=year, kind=kind)  # type: ignore[arg-type]

    @property
    def last_month(self) -> int:
        return _KINDS[self.kind][0]

    @property
    def label_vi(self) -> str:
        return _KINDS[self.kind][1].format(year=self.year)

    @property
    def start(self) -> dt.date:
        """1/1 of the year for every kind: reports are cumulative."""
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return _month_end(self.year, self.last_month)

    @property
    def cutoff_start(self) -> dt.date:
        """15/12 of the prior year (NĐ 09/2019: from the 15th of the month before the period)."""
        return dt.date(self.year - 1, 12, CUTOFF_DAY + 1)

    @property
    def cutoff_end(self) -> dt.date:
        """The 14th of the period's last month (14/3, 14/6, 14/9, 14/12)."""
        return dt.date(self.year, self.last_month, CUTOFF_DAY)

    @property
    def default_submission_deadline(self) -> dt.date:
        """The first working day after the cut-off's end (public holidays and weekends
        skipped; the office's own days off are set by editing the deadline itself)."""
        return WorkCalendar().add_working_days(self.cutoff_end, SUBMISSION_WORKING_DAYS)

    def __str__(self) -> str:
        return self.code


def all_periods(year: int) -> list[Period]:
    """The four periods of a year in order: Q1, H1, Q3 (9 months), Y."""
    return [Period.parse(f"{year}-{kind}") for kind in _KIND_ORDER]


class PeriodSchedule(Record):
    """Submission deadlines per period code; periods not listed use the default (the first
    working day after the cut-off)."""

    deadlines: dict[str, dt.date] = Field(default_factory=dict)

    def submission_deadline(self, period: Period | str) -> dt.date:
        p = period if isinstance(period, Period) else Period.parse(period)
        fixed = self.deadlines.get(p.code)
        return p.default_submission_deadline if fixed is None else fixed  # the default only when needed

    def with_deadline(self, period: Period | str, deadline: dt.date) -> PeriodSchedule:
        """A copy with one period's deadline set (an office's own rule)."""
        p = period if isinstance(period, Period) else Period.parse(period)
        return PeriodSchedule(deadlines={**self.deadlines, p.code: deadline})


def working_period(today: dt.date) -> Period:
    """The period a clerk most likely works on today: the first whose cut-off (14/3,
    14/6, 14/9, 14/12) is not more than 20 days past; after that in December: the year.
    (The ribbon offers it as the default answer.)"""
    for period in all_periods(today.year):
        if period.cutoff_end + dt.timedelta(days=20) >= today:
            return period
    return Period.parse(f"{today.year}-Y")


def plan_period(period: Period | str, plan_year: int) -> Period:
    """The period, parsed and checked to lie in the plan's year: a 2025 period on a 2024
    plan would head every form "…NĂM 2024 — Kỳ báo cáo: Quý I/2025". ValueError (Vietnamese)."""
    p = period if isinstance(period, Period) else Period.parse(period)
    if p.year != plan_year:
        raise ValueError(
            f"Kỳ báo cáo {p.label_vi} ({p.code}) không thuộc kế hoạch năm {plan_year} của sổ theo dõi; "
            f"hãy chọn một kỳ của năm {plan_year}: {', '.join(q.code for q in all_periods(plan_year))} "
            "(hoặc mở đúng sổ theo dõi của năm đó)."
        )
    return p
