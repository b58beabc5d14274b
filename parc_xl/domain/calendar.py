"""Working days: weekends, Vietnam's public holidays, announced swaps, office overrides.

Public holidays come from the ``holidays`` package (country ``VN``: Tết Dương lịch, Tết
Nguyên đán with the days the government adds before/after, Giỗ Tổ Hùng Vương, 30/4, 1/5,
Quốc khánh, and from 2026 Ngày Văn hóa Việt Nam), loaded lazily one year at a time.

The government also swaps days (a weekday off, a Saturday worked instead). Recent
``holidays`` releases carry these; older ones (the package floor is 0.50) do not, so the
swaps announced for the years this tool tracks are kept here as data, each with its
source. Checked against the official announcements:

- Tết 2024: off Thu 8/2 – Wed 14/2/2024 (Công văn 8662/VPCP-KGVX ngày 03/11/2023).
- 30/4–1/5/2024: off Mon 29/4, Saturday 4/5/2024 worked instead
  (Công văn 2450/VPCP-KGVX năm 2024).
- Tết 2025: off Sat 25/1 – Sun 2/2/2025 (Thông báo 6150/TB-BLĐTBXH năm 2024).
- 30/4–1/5/2025: off Fri 2/5, Saturday 26/4/2025 worked instead (same Thông báo 6150).
- Tết 2026: off Sat 14/2 – Sun 22/2/2026, five statutory days plus two weekends, no swap
  (phương án nghỉ Tết Bính Ngọ do Bộ Nội vụ trình, Thủ tướng đồng ý, 2025).
- Quốc khánh 2026: off Mon 31/8, Saturday 22/8/2026 worked instead.

Office overrides (sheet ``Lịch làm việc`` of the master) come last and win: an extra day
off ("Nghỉ") or a working day ("Làm việc", e.g. a swapped Saturday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

ONE_DAY = dt.timedelta(days=1)

# Government-announced swaps: year → (extra days off, Saturdays worked). Sources above.
ANNOUNCED_SWAPS: dict[int, tuple[tuple[dt.date, ...], tuple[dt.date, ...]]] = {
    # Công văn 2450/VPCP-KGVX năm 2024
    2024: ((dt.date(2024, 4, 29),), (dt.date(2024, 5, 4),)),
    # Thông báo 6150/TB-BLĐTBXH năm 2024
    2025: ((dt.date(2025, 5, 2),), (dt.date(2025, 4, 26),)),
    # Quốc khánh 2026: nghỉ thứ Hai 31/8, làm bù thứ Bảy 22/8
    2026: ((dt.date(2026, 8, 31),), (dt.date(2026, 8, 22),)),
}

# Values of the "Loại" column of `Lịch làm việc` (master_layout.CALENDAR_COLUMNS).
KIND_DAY_OFF = "Nghỉ"
KIND_WORKING_DAY = "Làm việc"


class WorkCalendar:
    """Working-day arithmetic for a Vietnamese public office (Mon–Fri, minus holidays)."""

    def __init__(
        self,
        extra_days_off: Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
    ) -> None:
        self.extra_days_off: frozenset[dt.date] = frozenset(extra_days_off)
        self.extra_working_days: frozenset[dt.date] = frozenset(extra_working_days)
        both = self.extra_days_off & self.extra_working_days
        if both:
            days = ", ".join(f"{d:%d/%m/%Y}" for d in sorted(both))
            raise ValueError(f"Ngày {days} vừa là ngày nghỉ vừa là ngày làm việc")
        self._years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, str]]) -> WorkCalendar:
        """Rows of (date, kind) with kind "Nghỉ" or "Làm việc" (case and diacritics tolerant)."""
        from parc_xl.domain.text import ascii_fold

        off: list[dt.date] = []
        work: list[dt.date] = []
        for day, kind in rows:
            k = ascii_fold(kind)
            if k == ascii_fold(KIND_DAY_OFF):
                off.append(day)
            elif k == ascii_fold(KIND_WORKING_DAY):
                work.append(day)
            else:
                raise ValueError(
                    f"Loại ngày «{kind}» không hợp lệ: chỉ dùng «{KIND_DAY_OFF}» hoặc «{KIND_WORKING_DAY}»"
                )
        return cls(off, work)

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        """(public days off, weekend days worked) of one year, before office overrides."""
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = _public_year(year)
        return cached

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        off, work = self._year(day.year)
        if day in work:
            return True
        if day.weekday() >= 5:
            return False
        return day not in off

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n ≥ 0; n = 0 returns `day` unchanged).

        "không quá 10 ngày làm việc kể từ ngày X" → `add_working_days(X, 10)`.
        """
        if n < 0:
            raise ValueError("Số ngày làm việc phải ≥ 0")
        current = day
        left = n
        while left > 0:
            current += ONE_DAY
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: start excluded, end included.

        So `working_days_between(d, add_working_days(d, n)) == n`. If end < start the
        result is negative: minus the working days in (end, start].
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count


_USER_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_user_date(text: str) -> dt.date:
    """A date typed by a clerk: day first (31/03/2024, 31-03-2024, 31.03.2024) or ISO;
    never month first. ValueError with a Vietnamese message otherwise."""
    text = text.strip()
    for fmt in _USER_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày «{text}» không hợp lệ: cần dạng ngày/tháng/năm, ví dụ 31/03/2024.")


# Shared by every calendar of the process: a merge builds one per period deadline it
# judges (`Period.default_submission_deadline`), and `holidays` takes ≈3 ms a year
# (0.4 s of a 60-file merge). Keyed by the provider too, so a test that swaps it in gets
# its own years.
_PUBLIC_YEARS: dict[tuple[object, int], tuple[frozenset[dt.date], frozenset[dt.date]]] = {}


def _public_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    import holidays  # ~0.1 s to import: only when a working day is computed

    provider = holidays.country_holidays
    cached = _PUBLIC_YEARS.get((provider, year))
    if cached is None:
        vn = provider("VN", years=year)
        off = set(vn.keys())
        work = {d for d in getattr(vn, "weekend_workdays", ()) if d.year == year}
        swaps_off, swaps_work = ANNOUNCED_SWAPS.get(year, ((), ()))
        off.update(swaps_off)
        work.update(swaps_work)
        cached = _PUBLIC_YEARS[(provider, year)] = (frozenset(off), frozenset(work))
    return cached
