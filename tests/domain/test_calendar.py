"""Working days across Tết and the announced swaps, checked against the official calendar.

Sources: Tết 2024 off 8–14/2/2024 (Công văn 8662/VPCP-KGVX); 29/4/2024 off, Saturday
4/5/2024 worked (Công văn 2450/VPCP-KGVX); Tết 2025 off 25/1–2/2/2025 and 2/5/2025 off,
Saturday 26/4/2025 worked (Thông báo 6150/TB-BLĐTBXH); Tết 2026 off 14–22/2/2026
(five statutory days and two weekends, no swap); 31/8/2026 off, Saturday 22/8/2026 worked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from parc_xl.domain.calendar import WorkCalendar

D = dt.date


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize(
    ("first_off", "last_off"),
    [
        (D(2024, 2, 8), D(2024, 2, 14)),  # Tết Giáp Thìn
        (D(2025, 1, 25), D(2025, 2, 2)),  # Tết Ất Tỵ
        (D(2026, 2, 14), D(2026, 2, 22)),  # Tết Bính Ngọ
        (D(2024, 4, 27), D(2024, 5, 1)),  # 30/4–1/5/2024 with the 29/4 swap
        (D(2025, 4, 30), D(2025, 5, 4)),  # 30/4–1/5/2025 with the 2/5 swap
        (D(2024, 8, 31), D(2024, 9, 3)),  # Quốc khánh 2024
        (D(2026, 8, 29), D(2026, 9, 2)),  # Quốc khánh 2026 with the 31/8 swap
    ],
)
def test_official_breaks_are_not_working_days(cal: WorkCalendar, first_off: dt.date, last_off: dt.date) -> None:
    assert [d for d in _days(first_off, last_off) if cal.is_working_day(d)] == []
    # the days around the break are working days (the break is exactly that long)
    assert cal.is_working_day(first_off - dt.timedelta(days=1)) or first_off.weekday() == 0
    after = last_off + dt.timedelta(days=1)
    assert cal.is_working_day(after)


@pytest.mark.parametrize("saturday", [D(2024, 5, 4), D(2025, 4, 26), D(2026, 8, 22)])
def test_swapped_saturdays_are_working_days(cal: WorkCalendar, saturday: dt.date) -> None:
    assert saturday.weekday() == 5
    assert cal.is_working_day(saturday)


def test_ordinary_days(cal: WorkCalendar) -> None:
    assert cal.is_working_day(D(2024, 3, 15))  # Friday
    assert not cal.is_working_day(D(2024, 3, 16))  # Saturday
    assert not cal.is_working_day(D(2024, 3, 17))  # Sunday
    assert not cal.is_working_day(D(2024, 1, 1))  # Tết Dương lịch
    assert not cal.is_working_day(D(2024, 4, 18))  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    assert cal.is_working_day(D(2025, 2, 3))  # first day back after Tết 2025
    assert cal.is_working_day(D(2026, 2, 23))  # first day back after Tết 2026


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 3, 15), 0, D(2024, 3, 15)),
        (D(2024, 3, 16), 0, D(2024, 3, 16)),  # 0 returns the day itself, even a Saturday
        (D(2024, 3, 15), 1, D(2024, 3, 18)),  # Friday + 1 → Monday
        # "không quá 10 ngày làm việc" from Mon 5/2/2024: 6, 7/2, Tết 8–14/2 skipped,
        # 15, 16, 19–23, 26/2
        (D(2024, 2, 5), 10, D(2024, 2, 26)),
        (D(2025, 1, 24), 1, D(2025, 2, 3)),  # Friday before Tết 2025 → Monday 3/2
        (D(2025, 1, 20), 5, D(2025, 2, 3)),
        (D(2026, 2, 13), 1, D(2026, 2, 23)),  # Friday before Tết 2026 → Monday 23/2
        (D(2026, 2, 11), 5, D(2026, 2, 25)),
        (D(2024, 5, 3), 1, D(2024, 5, 4)),  # Friday → the worked Saturday
        (D(2024, 4, 26), 1, D(2024, 5, 2)),  # skips 27/4–1/5/2024
        (D(2025, 4, 25), 1, D(2025, 4, 26)),  # Friday → the worked Saturday 26/4/2025
        (D(2025, 4, 29), 1, D(2025, 5, 5)),  # skips 30/4–4/5/2025
        (D(2026, 8, 28), 1, D(2026, 9, 3)),  # skips 29/8–2/9/2026
        (D(2024, 12, 30), 2, D(2025, 1, 2)),  # across the new year
    ],
)
def test_add_working_days(cal: WorkCalendar, start: dt.date, n: int, expected: dt.date) -> None:
    assert cal.add_working_days(start, n) == expected
    assert cal.working_days_between(start, expected) == n


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(D(2024, 2, 1), D(2024, 2, 29)) == 15  # 20 weekdays − 5 of Tết
    assert cal.working_days_between(D(2024, 2, 29), D(2024, 2, 1)) == -15
    assert cal.working_days_between(D(2024, 3, 15), D(2024, 3, 15)) == 0
    assert cal.working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_negative_count_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(D(2024, 3, 15), -1)


def test_office_override_changes_the_result() -> None:
    plain = WorkCalendar()
    assert plain.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 18)
    # the office closes on Monday 18/3 (e.g. a local event) and works Saturday 23/3
    office = WorkCalendar.from_rows([(D(2024, 3, 18), "Nghỉ"), (D(2024, 3, 23), "Làm việc")])
    assert office.add_working_days(D(2024, 3, 15), 1) == D(2024, 3, 19)
    assert office.working_days_between(D(2024, 3, 15), D(2024, 3, 24)) == 5
    assert plain.working_days_between(D(2024, 3, 15), D(2024, 3, 24)) == 5
    assert office.working_days_between(D(2024, 3, 15), D(2024, 3, 22)) == 4
    # an office may also work on a public holiday's substitute day
    office2 = WorkCalendar(extra_working_days=[D(2024, 4, 29)])
    assert office2.is_working_day(D(2024, 4, 29)) and not plain.is_working_day(D(2024, 4, 29))


def test_from_rows_tolerates_case_and_missing_diacritics() -> None:
    cal = WorkCalendar.from_rows([(D(2024, 3, 18), "nghi"), (D(2024, 3, 23), "LÀM VIỆC")])
    assert not cal.is_working_day(D(2024, 3, 18))
    assert cal.is_working_day(D(2024, 3, 23))


def test_from_rows_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="Loại ngày «Nghỉ phép» không hợp lệ"):
        WorkCalendar.from_rows([(D(2024, 3, 18), "Nghỉ phép")])


def test_a_day_cannot_be_both() -> None:
    with pytest.raises(ValueError, match="18/03/2024"):
        WorkCalendar([D(2024, 3, 18)], [D(2024, 3, 18)])


def test_announced_swaps_hold_without_the_package_knowing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Older `holidays` releases (the floor is 0.50) lack the swaps: our table fills them in."""
    import holidays  # parc_xl.domain.calendar imports it when a year is first needed

    def bare(country: str, years: int) -> dict[dt.date, str]:
        return {D(years, 1, 1): "Tết Dương lịch"}

    monkeypatch.setattr(holidays, "country_holidays", bare)
    cal = WorkCalendar()
    assert not cal.is_working_day(D(2024, 4, 29))
    assert cal.is_working_day(D(2024, 5, 4))
    assert not cal.is_working_day(D(2025, 5, 2))
    assert cal.is_working_day(D(2025, 4, 26))
    assert cal.is_working_day(D(2026, 8, 22))
