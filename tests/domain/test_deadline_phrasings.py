"""A clerk's reading of deadline cells as other offices write them (issue 19).

Each row: the cell, the plan year, what a clerk reads in it, and why. The phrasings are
written in the style of real CCHC appendices (not copied from the seeds) and cover every
family of DOMAIN.md "Deadlines" plus the readings of issue 19: recurring deadlines with
a day, named months in a year, month ranges written with a hyphen, events that name a
year, multi-year spans, bare "20/4"; spelled-out months, old spellings, odd spacing,
"-" "." "/" dates, leap years, the "trước X" conventions, NFD text and "hoá"/"hóa".

`warnings` lists one expected fragment per warning the reading must carry (the count is
exact): a reading that is unsure says so, a sure one stays quiet.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import NamedTuple

import pytest

from parc_xl.domain.deadlines import instance_due, parse, recurring_instances
from parc_xl.domain.models import Deadline, DeadlineKind, Recurrence
from parc_xl.domain.periods import Period

Y = 2025  # the plan year of most rows


class P(NamedTuple):
    family: str
    text: str
    kind: str
    first: str | None
    due: str | None
    why: str
    year: int = Y
    rec: str | None = None
    day: int | None = None
    months: tuple[int, ...] = ()
    span_end: str | None = None
    rel: int | None = None
    wd: bool = False
    milestones: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()


def R(family: str, text: str, kind: str, first: str | None, due: str | None, why: str, **kw: object) -> P:
    return P(family, text, kind, first, due, why, **kw)  # type: ignore[arg-type]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


AFTER = "sau năm của kế hoạch (2025)"
BEFORE = "trước năm của kế hoạch (2025)"
DEFER = "Hạn theo văn bản khác"

TABLE: list[P] = [
    # ---------------------------------------------------------------- quarters
    R("quarter", "Quý III năm 2025", "date", "2025-09-30", "2025-09-30", "Roman quarter + year: the quarter's end"),
    R("quarter", "Quý 3/2025", "date", "2025-09-30", "2025-09-30", "Arabic quarter number"),
    R("quarter", "quý 04 năm 2025", "date", "2025-12-31", "2025-12-31", "zero-padded Arabic quarter"),
    R("quarter", "Quí IV/2025", "date", "2025-12-31", "2025-12-31", "old spelling Quí"),
    R("quarter", "QUÍ II NĂM 2025", "date", "2025-06-30", "2025-06-30", "old spelling in capitals"),
    R("quarter", "Quý ba năm 2025", "date", "2025-09-30", "2025-09-30", "quarter spelled out"),
    R("quarter", "Q3/2025", "date", "2025-09-30", "2025-09-30", "the Q abbreviation"),
    R("quarter", "Q.IV - 2025", "date", "2025-12-31", "2025-12-31", "abbreviation with a dot, hyphen before the year"),
    R("quarter", "Trong Quý  I  năm  2025", "date", "2025-03-31", "2025-03-31", "doubled spaces"),
    R("quarter", "Quý II.2025", "date", "2025-06-30", "2025-06-30", "a dot between quarter and year"),
    R("quarter", "Quý I, quý II năm 2025", "date", "2025-03-31", "2025-06-30", "two quarters: first and last"),
    R("quarter", "Quý II - III/2025", "date", "2025-06-30", "2025-09-30", "a quarter range"),
    R("quarter", "Q2-Q3/2025", "date", "2025-06-30", "2025-09-30", "abbreviated quarter range"),
    R("quarter", "Cuối quý II", "date", "2025-06-30", "2025-06-30", "cuối quý is the quarter's end: no warning"),
    R("quarter", "Giữa quý III năm 2025", "date", "2025-08-31", "2025-08-31", "giữa quý: end of its second month",
      warnings=("«Giữa quý III năm 2025» được hiểu là hạn 31/08/2025",)),
    R("quarter", "quý IV", "date", "2025-12-31", "2025-12-31", "no year: the plan's"),
    R("quarter", "quý I năm 2026", "date", "2026-03-31", "2026-03-31", "a later year is read and warned about",
      warnings=("Năm 2026 " + AFTER,)),
    # ---------------------------------------------------------------- months
    R("month", "Tháng 9/2025", "date", "2025-09-30", "2025-09-30", "month/year: the month's end"),
    R("month", "tháng 09 năm 2025", "date", "2025-09-30", "2025-09-30", "zero-padded month"),
    R("month", "Trong tháng 11", "date", "2025-11-30", "2025-11-30", "no year: the plan's"),
    R("month", "Hoàn thành trong tháng mười hai", "date", "2025-12-31", "2025-12-31", "month spelled out: mười hai"),
    R("month", "tháng mười một năm 2025", "date", "2025-11-30", "2025-11-30", "month spelled out: mười một"),
    R("month", "Tháng Mười 2025", "date", "2025-10-31", "2025-10-31", "spelled month, capitalised, bare year"),
    R("month", "tháng tư", "date", "2025-04-30", "2025-04-30", "spelled month: tư"),
    R("month", "tháng sáu năm 2025", "date", "2025-06-30", "2025-06-30", "spelled month: sáu (with its accent)"),
    R("month", "tháng hai năm 2028", "date", "2028-02-29", "2028-02-29", "leap year: February has 29 days",
      year=2028),
    R("month", "Tháng 2/2025", "date", "2025-02-28", "2025-02-28", "not a leap year"),
    R("month", "11/2025", "date", "2025-11-30", "2025-11-30", "month/year typed without tháng"),
    R("month", "11-2025", "date", "2025-11-30", "2025-11-30", "month-year with a hyphen"),
    R("month", "11.2025", "date", "2025-11-30", "2025-11-30", "month.year with a dot"),
    R("month", "tháng 10, tháng 11 và tháng 12 năm 2025", "date", "2025-10-31", "2025-12-31",
      "a list of months: first and last"),
    R("month", "Trong tháng 10-11 năm 2025", "date", "2025-10-31", "2025-11-30", "a hyphenated month range"),
    R("month", "đầu tháng 3", "date", "2025-03-10", "2025-03-10", "đầu tháng: the 10th, said in a warning",
      warnings=("được hiểu là hạn 10/03/2025",)),
    R("month", "giữa tháng 7/2025", "date", "2025-07-15", "2025-07-15", "giữa tháng: the 15th, said in a warning",
      warnings=("được hiểu là hạn 15/07/2025",)),
    R("month", "cuối tháng 2", "date", "2025-02-28", "2025-02-28", "cuối tháng: the month's end, no warning"),
    R("month", "trong tháng sáu", "date", "2025-06-30", "2025-06-30", "spelled month after trong"),
    R("month", "TRONG THÁNG 12/2025", "date", "2025-12-31", "2025-12-31", "all capitals"),
    # ---------------------------------------------------------------- hyphen or slash: month range or date
    R("range", "Tháng 8-9/2025", "date", "2025-08-31", "2025-09-30",
      "tháng before the pair: months 8 to 9, not the date 8/9"),
    R("range", "Tháng 8 - 9 / 2025", "date", "2025-08-31", "2025-09-30", "the same with odd spacing"),
    R("range", "8-9/2025", "date", "2025-08-31", "2025-09-30",
      "mixed separators, both readings possible: months, with a warning naming both",
      warnings=("«8-9/2025» được hiểu là tháng 8–9/2025 (hạn 30/09/2025), không phải ngày 08/09/2025",)),
    R("range", "10-11/2025", "date", "2025-10-31", "2025-11-30", "mixed separators, both possible: months, warned",
      warnings=("không phải ngày 10/11/2025",)),
    R("range", "15-9/2025", "date", "2025-09-15", "2025-09-15", "15 is no month: only a date makes sense"),
    R("range", "8/9/2025", "date", "2025-09-08", "2025-09-08", "one separator throughout: a day-first date"),
    R("range", "8-9-2025", "date", "2025-09-08", "2025-09-08", "hyphens throughout: a day-first date"),
    R("range", "ngày 15-20/4/2025", "date", "2025-04-15", "2025-04-20", "a range of days in one month"),
    R("range", "từ 01/3 đến 15/4", "date", "2025-03-01", "2025-04-15", "from one bare date to another"),
    # ---------------------------------------------------------------- years and halves
    R("year", "Năm 2025", "date", "2025-12-31", "2025-12-31", "a year: its last day"),
    R("year", "Cả năm 2025", "date", "2025-12-31", "2025-12-31", "cả năm"),
    R("year", "Trong 2025", "date", "2025-12-31", "2025-12-31", "bare year after trong"),
    R("year", "cuối năm 2025", "date", "2025-12-31", "2025-12-31", "cuối năm: no warning"),
    R("year", "Đầu năm 2025", "date", "2025-03-31", "2025-03-31", "đầu năm: end of quý I, warned",
      warnings=("được hiểu là hạn 31/03/2025",)),
    R("year", "Giữa năm 2025", "date", "2025-06-30", "2025-06-30", "giữa năm: 30/6, warned",
      warnings=("được hiểu là hạn 30/06/2025",)),
    R("year", "6 tháng đầu năm 2025", "date", "2025-06-30", "2025-06-30", "first half"),
    R("year", "06 tháng cuối năm", "date", "2025-12-31", "2025-12-31", "second half, no year"),
    R("year", "Sáu tháng đầu năm", "date", "2025-06-30", "2025-06-30", "half spelled out"),
    R("year", "9 tháng năm 2025", "date", "2025-09-30", "2025-09-30", "nine months (not the 9th of May)"),
    R("year", "nửa đầu năm 2025", "date", "2025-06-30", "2025-06-30", "nửa đầu năm"),
    # ---------------------------------------------------------------- explicit dates
    R("date", "ngày 15/4/2025", "date", "2025-04-15", "2025-04-15", "day first, slashes"),
    R("date", "Ngày 15-4-2025", "date", "2025-04-15", "2025-04-15", "day first, hyphens"),
    R("date", "15.04.2025", "date", "2025-04-15", "2025-04-15", "day first, dots"),
    R("date", "15 / 04 / 2025", "date", "2025-04-15", "2025-04-15", "spaces around slashes"),
    R("date", "ngày 15 tháng 4 năm 2025", "date", "2025-04-15", "2025-04-15", "the written-out form"),
    R("date", "Ngày 05 tháng 12, 2025", "date", "2025-12-05", "2025-12-05", "a comma before the year"),
    R("date", "ngày 20 tháng mười hai năm 2025", "date", "2025-12-20", "2025-12-20", "spelled month in a date"),
    R("date", "15/4/25", "date", "2025-04-15", "2025-04-15", "two-digit year"),
    R("date", "20/4", "date", "2025-04-20", "2025-04-20", "a bare day/month: the plan's year"),
    R("date", "Ngày 20/4", "date", "2025-04-20", "2025-04-20", "ngày + day/month: the plan's year"),
    R("date", "ngày 20-4", "date", "2025-04-20", "2025-04-20", "ngày + day-month with a hyphen"),
    R("date", "ngày 15/3 năm 2025", "date", "2025-03-15", "2025-03-15", "day/month then năm"),
    R("date", "chậm nhất ngày 30/9", "date", "2025-09-30", "2025-09-30", "chậm nhất: that day itself"),
    R("date", "Không muộn hơn ngày 31/10/2025", "date", "2025-10-31", "2025-10-31", "không muộn hơn: that day itself"),
    R("date", "2025-04-15", "date", "2025-04-15", "2025-04-15", "year first (a system export) is unambiguous"),
    R("date", "15/04/2025 00:00:00", "date", "2025-04-15", "2025-04-15", "a date cell's time of day is ignored"),
    R("date", "2025-13-01", "unspecified", None, None, "no month 13: no date (not 31/12/2025), warned",
      warnings=("«2025-13-01»",)),
    R("date", "Đến 30.6", "date", "2025-06-30", "2025-06-30", "đến + day.month with a dot"),
    R("date", "Hoàn thành trong quý II/2025 theo Kế hoạch số 45/KH-UBND ngày 10 tháng 01 năm 2025", "date",
      "2025-06-30", "2025-06-30", "the quarter is the deadline; the plan's number and date only cite it",
      warnings=("«theo Kế hoạch» chỉ ghi nhận",)),
    R("date", "Hạn chót 15/11", "date", "2025-11-15", "2025-11-15", "hạn chót + bare date"),
    R("date", "29/02/2028", "date", "2028-02-29", "2028-02-29", "29 February of a leap year", year=2028),
    R("date", "29/02/2025", "unspecified", None, None, "29 February of a common year: no date, warned",
      warnings=("«29/02/2025»",)),
    R("date", "31/4/2025", "unspecified", None, None, "April has 30 days: no date, warned", warnings=("«31/4/2025»",)),
    R("date", "truoc ngay 15/5/2025", "date", "2025-05-14", "2025-05-14", "typed without diacritics"),
    # ---------------------------------------------------------------- "trước X": the day before X starts
    R("before", "Trước ngày 30/6", "date", "2025-06-29", "2025-06-29", "trước a day: the day before"),
    R("before", "trước ngày 01/3/2025", "date", "2025-02-28", "2025-02-28", "trước 1/3 in a common year: 28/2"),
    R("before", "trước ngày 01/3/2028", "date", "2028-02-29", "2028-02-29", "trước 1/3 in a leap year: 29/2",
      year=2028),
    R("before", "Trước 01/01/2026", "date", "2025-12-31", "2025-12-31", "trước New Year: the plan year's last day"),
    R("before", "trước tháng 7", "date", "2025-06-30", "2025-06-30", "trước a month: end of the month before"),
    R("before", "Trước 7/2025", "date", "2025-06-30", "2025-06-30", "trước month/year"),
    R("before", "Trước quý II năm 2025", "date", "2025-03-31", "2025-03-31", "trước a quarter: end of the one before"),
    R("before", "Trước Quý I năm 2026", "date", "2025-12-31", "2025-12-31", "trước next year's quý I: this year"),
    R("before", "Trước năm 2026", "date", "2025-12-31", "2025-12-31", "trước a year: the year before's end"),
    R("before", "Trước quý I", "date", "2024-12-31", "2024-12-31",
      "trước quý I without a year falls in the year before: read, warned",
      warnings=("Hạn 31/12/2024 ở năm 2024, trước năm của kế hoạch (2025), dù ô không ghi năm",)),
    R("before", "Hoàn thành trước 30/6/2025, báo cáo kết quả trước 15/7/2025", "date", "2025-06-29", "2025-07-14",
      "two trước dates, each label before its date",
      milestones=(("hoàn thành", "2025-06-29"), ("báo cáo kết quả", "2025-07-14"))),
    R("before", "Trước ngày 22 hằng tháng", "recurring", "2025-01-21", "2025-12-21",
      "trước a day of every month: the day before, every month", rec="monthly", day=21),
    # ---------------------------------------------------------------- milestones
    R("milestone", "Xây dựng kế hoạch: tháng 2/2025; Tổ chức thực hiện: quý II - III/2025; Báo cáo: tháng 11/2025",
      "date", "2025-02-28", "2025-11-30", "three labelled steps",
      milestones=(("xây dựng kế hoạch", "2025-02-28"), ("tổ chức thực hiện", "2025-09-30"),
                  ("báo cáo", "2025-11-30"))),
    R("milestone", "- Tháng 3: ban hành kế hoạch\n- Tháng 10: tổng kết", "date", "2025-03-31", "2025-10-31",
      "bulleted lines, label after the date",
      milestones=(("ban hành kế hoạch", "2025-03-31"), ("tổng kết", "2025-10-31"))),
    R("milestone", "Trình dự thảo trước 15/5/2025; ban hành trong quý III/2025", "date", "2025-05-14", "2025-09-30",
      "label before each date, trước applied",
      milestones=(("trình dự thảo", "2025-05-14"), ("ban hành", "2025-09-30"))),
    R("milestone", "Khảo sát: Quý 2. Báo cáo kết quả: Quý 4", "date", "2025-06-30", "2025-12-31",
      "Arabic quarters in milestones, plan year",
      milestones=(("khảo sát", "2025-06-30"), ("báo cáo kết quả", "2025-12-31"))),
    # ---------------------------------------------------------------- recurring
    R("recurring", "Hằng quý", "recurring", "2025-03-31", "2025-12-31", "every quarter's end", rec="quarterly"),
    R("recurring", "Định kỳ hằng tháng", "recurring", "2025-01-31", "2025-12-31", "every month's end",
      rec="monthly"),
    R("recurring", "Báo cáo định kỳ 6 tháng và năm", "recurring", "2025-06-30", "2025-12-31", "6-month reports",
      rec="semiannual"),
    R("recurring", "Mỗi quý một lần", "recurring", "2025-03-31", "2025-12-31", "mỗi quý", rec="quarterly"),
    R("recurring", "báo cáo hằng tháng trước ngày 22", "recurring", "2025-01-21", "2025-12-21",
      "a day of the month: trước 22 is the 21st of every month", rec="monthly", day=21),
    R("recurring", "hang thang truoc ngay 22", "recurring", "2025-01-21", "2025-12-21", "the same without diacritics",
      rec="monthly", day=21),
    R("recurring", "ngày 20 hàng tháng", "recurring", "2025-01-20", "2025-12-20", "on the 20th of every month",
      rec="monthly", day=20),
    R("recurring", "Chậm nhất ngày 05 hằng tháng", "recurring", "2025-01-05", "2025-12-05", "chậm nhất: that day",
      rec="monthly", day=5),
    R("recurring", "trước ngày 18 của tháng cuối mỗi quý", "recurring", "2025-03-17", "2025-12-17",
      "a day of each quarter's last month", rec="quarterly", day=17),
    R("recurring", "Hằng quý, trước ngày 20 tháng cuối quý", "recurring", "2025-03-19", "2025-12-19",
      "hằng quý with its day", rec="quarterly", day=19),
    R("recurring", "Báo cáo quý trước ngày 15 của tháng đầu quý sau", "recurring", "2025-04-14", "2026-01-14",
      "the first month of the next quarter: quý IV's report falls in January", rec="quarterly", day=14,
      months=(4, 7, 10, 1)),
    R("recurring", "Hằng tháng, trước ngày 05 của tháng sau", "recurring", "2025-02-04", "2026-01-04",
      "the month after each month", rec="monthly", day=4, months=(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1)),
    R("recurring", "trước 10/11 hằng năm", "recurring", "2025-11-09", "2025-11-09", "a day of the year, every year",
      rec="annual", day=9, months=(11,)),
    R("recurring", "Ngày 15/12 hằng năm", "recurring", "2025-12-15", "2025-12-15", "the 15th of December, every year",
      rec="annual", day=15),
    R("recurring", "tháng 5 và tháng 11 hằng năm", "recurring", "2025-05-31", "2025-11-30",
      "two named months a year: semiannual", rec="semiannual", months=(5, 11)),
    R("recurring", "Tháng 6 và tháng 12 hàng năm", "recurring", "2025-06-30", "2025-12-31",
      "two months a year at the halves' ends", rec="semiannual"),
    R("recurring", "ngày 15/6 và 15/12 hằng năm", "recurring", "2025-06-15", "2025-12-15",
      "two dates a year: semiannual with its day", rec="semiannual", day=15),
    R("recurring", "trước ngày 01/3, 01/6, 01/9 và 01/12 hằng năm", "recurring", "2025-02-28", "2025-11-30",
      "four dates a year: quarterly; trước reaches every date of the list", rec="quarterly", months=(2, 5, 8, 11)),
    R("recurring", "Hằng năm vào tháng 3", "recurring", "2025-03-31", "2025-03-31", "one named month a year",
      rec="annual", months=(3,)),
    R("recurring", "Hằng năm vào quý III", "recurring", "2025-09-30", "2025-09-30", "one named quarter a year",
      rec="annual", months=(9,)),
    R("recurring", "Định kỳ hằng năm trước ngày 15 tháng 12", "recurring", "2025-12-14", "2025-12-14",
      "annual with its day", rec="annual", day=14),
    R("recurring", "trước ngày 1 hằng tháng", "recurring", "2025-01-31", "2025-12-31",
      "trước the 1st: the end of each month", rec="monthly"),
    R("recurring", "Hằng quý, trước ngày 01 của tháng đầu quý sau", "recurring", "2025-03-31", "2025-12-31",
      "trước the 1st of the next quarter: each quarter's end", rec="quarterly"),
    R("recurring", "ngày 31 hằng tháng", "recurring", "2025-01-31", "2025-12-31",
      "day 31: shorter months end earlier, said", rec="monthly", day=31,
      warnings=("tháng không có ngày 31 thì hạn là ngày cuối tháng",)),
    R("recurring", "Trước ngày 15/12/2025 hằng năm", "recurring", "2025-12-14", "2025-12-14",
      "a yearly date written with the plan's year", rec="annual", day=14),
    R("recurring", "Hằng năm, trước ngày 31/3", "recurring", "2025-03-30", "2025-03-30",
      "day 30 in March: no short-month warning", rec="annual", day=30, months=(3,)),
    R("recurring", "ngày 29 hằng tháng", "recurring", "2025-01-29", "2025-12-29",
      "day 29: February is shorter, said", rec="monthly", day=29,
      warnings=("tháng không có ngày 29 thì hạn là ngày cuối tháng",)),
    R("recurring", "ngày 10 tháng đầu quý", "recurring", "2025-01-10", "2025-10-10",
      "a day of each quarter's first month", rec="quarterly", day=10, months=(1, 4, 7, 10)),
    R("recurring", "Trước 20/4 và 20/10 hằng năm", "recurring", "2025-04-19", "2025-10-19",
      "two bare dates a year after trước: semiannual", rec="semiannual", day=19, months=(4, 10)),
    R("recurring", "Hằng quý (tháng 3, 6, 9, 12)", "recurring", "2025-03-31", "2025-12-31",
      "months that are the quarters' ends", rec="quarterly"),
    R("recurring", "Định kỳ hằng quý năm 2026", "recurring", "2026-03-31", "2026-12-31",
      "a recurrence in a later year, warned", rec="quarterly", warnings=("Năm 2026 " + AFTER,)),
    R("recurring", "Hàng quý, tháng 5 và tháng 11", "recurring", "2025-03-31", "2025-12-31",
      "months that do not fit the cycle: quarter ends, warned", rec="quarterly",
      warnings=("không khớp chu kỳ «Hàng quý»",)),
    # ---------------------------------------------------------------- events
    R("event", "Sau khi UBND tỉnh công bố kết quả đánh giá năm 2024", "event", None, None,
      "the year names the event, not a due date"),
    R("event", "Sau khi Bộ Nội vụ công bố Chỉ số CCHC năm 2024 của các tỉnh", "event", None, None,
      "a year inside the event's description"),
    R("event", "Khi có kết quả Chỉ số hài lòng 2024", "event", None, None, "a bare year inside the event"),
    R("event", "Sau khi công bố Chỉ số CCHC năm 2024; hoàn thành trong quý III/2025", "date", "2025-09-30",
      "2025-09-30", "the event's year is not a date; the stated quarter is tracked",
      warnings=("«Sau khi» chỉ ghi nhận",)),
    R("event", "Trong vòng 07 ngày làm việc kể từ ngày nhận được yêu cầu", "event", None, None,
      "a limit counted from a stated event", rel=7, wd=True),
    R("event", "Trước kỳ họp HĐND tỉnh cuối năm", "date", "2025-12-31", "2025-12-31",
      "the session's own date is unknown: the year end is kept and the session named",
      warnings=("«Trước kỳ họp» chỉ ghi nhận",)),
    R("event", "Đột xuất khi có yêu cầu của cấp trên", "event", None, None, "on demand"),
    R("event", "Ngay sau khi có quyết định công bố", "event", None, None, "ngay sau khi"),
    R("event", "Khi Trung ương ban hành văn bản hướng dẫn", "event", None, None, "when a document is issued"),
    R("event", "Theo yêu cầu của UBND tỉnh", "event", None, None, "theo yêu cầu: on demand"),
    R("event", "Không quá 15 ngày", "event", None, None, "a limit without its start, warned", rel=15,
      warnings=("không nói tính từ khi nào",)),
    # ---------------------------------------------------------------- continuous and deferred
    R("continuous", "Theo Nghị định 09/2019/NĐ-CP", "continuous", None, None,
      "a document number is no date (not 30/09/2019): another document's schedule", warnings=(DEFER,)),
    R("continuous", "Theo KH số 12/KH-UBND ngày 15/01/2025", "continuous", None, None,
      "the date after a document number is the document's, not a deadline", warnings=(DEFER,)),
    R("continuous", "Thực hiện thường xuyên, liên tục", "continuous", None, None, "ongoing work"),
    R("continuous", "Hằng ngày", "continuous", None, None, "daily work is continuous"),
    R("continuous", "Thường xuyên trong năm", "date", "2025-12-31", "2025-12-31",
      "ongoing but bounded by the year: the year is tracked", warnings=("«Thường xuyên» chỉ ghi nhận",)),
    R("continuous", "Theo lộ trình của tỉnh", "continuous", None, None, "another document's schedule",
      warnings=(DEFER,)),
    R("continuous", "Theo quy định", "continuous", None, None, "the law's schedule", warnings=(DEFER,)),
    R("continuous", "Theo tiến độ của dự án", "continuous", None, None, "the project's schedule", warnings=(DEFER,)),
    # ---------------------------------------------------------------- multi-year spans
    R("span", "Giai đoạn 2022 - 2026", "date", "2025-12-31", "2025-12-31",
      "a span around the plan year: the plan year's end is tracked, the span's end kept",
      span_end="2026-12-31", warnings=("theo dõi hạn của năm 2025 là 31/12/2025; giai đoạn kết thúc ngày 31/12/2026",)),
    R("span", "Năm 2025 - 2026", "date", "2025-12-31", "2025-12-31", "a two-year span starting this year",
      span_end="2026-12-31", warnings=("giai đoạn 2025–2026",)),
    R("span", "2021 – 2025", "date", "2025-12-31", "2025-12-31", "a span ending this year (en dash)",
      span_end="2025-12-31", warnings=("hạn là ngày kết thúc giai đoạn 31/12/2025",)),
    R("span", "Từ năm 2024 đến năm 2026", "date", "2025-12-31", "2025-12-31", "từ … đến …",
      span_end="2026-12-31", warnings=("giai đoạn 2024–2026",)),
    R("span", "Giai đoạn 2026-2030", "date", "2026-12-31", "2026-12-31", "a span that starts after the plan year",
      span_end="2030-12-31", warnings=("Năm 2026 " + AFTER, "giai đoạn 2026–2030")),
    R("span", "Giai đoạn 2021-2023", "date", "2023-12-31", "2023-12-31", "a span already over: a mistake, warned",
      span_end="2023-12-31", warnings=("Năm 2023 " + BEFORE, "kết thúc giai đoạn 31/12/2023")),
    # ---------------------------------------------------------------- mistakes
    R("mistake", "Quý I/2024", "date", "2024-03-31", "2024-03-31", "last year's date: read, warned",
      warnings=("Năm 2024 " + BEFORE,)),
    R("mistake", "  -  ", "unspecified", None, None, "only a dash: empty", warnings=("để trống",)),
    R("mistake", "trước ngày 20", "unspecified", None, None, "a day without its month: no date, warned",
      warnings=("«trước ngày 20»",)),
    R("mistake", "Quý III/2025 hoặc tháng 13", "date", "2025-09-30", "2025-09-30",
      "read in part: the warning names the words not read and the date kept",
      warnings=("không hiểu «tháng 13»; hạn lấy theo phần đọc được: 30/09/2025",)),
    R("mistake", "Báo cáo theo Quyết định 1/2025", "unspecified", None, None,
      "a decision's number is no month: no date, warned", warnings=("«Báo cáo theo Quyết định 1/2025»",)),
    R("mistake", "Hoàn thành sớm", "unspecified", None, None, "no time at all", warnings=("«Hoàn thành sớm»",)),
    # ---------------------------------------------------------------- text forms
    R("text", nfd("Quý II năm 2025"), "date", "2025-06-30", "2025-06-30", "decomposed (NFD) text reads the same"),
    R("text", nfd("Trước ngày 15 hằng tháng"), "recurring", "2025-01-14", "2025-12-14", "NFD recurring with a day",
      rec="monthly", day=14),
    R("text", "Sau khi số hoá hồ sơ năm 2024", "event", None, None, "old tone placement hoá"),
    R("text", "Sau khi số hóa hồ sơ năm 2024", "event", None, None, "modern tone placement hóa"),
    R("text", "Theo kế hoạch chuyển đổi số hoá", "continuous", None, None, "warning quotes the modern form",
      warnings=("«Theo kế hoạch chuyển đổi số hóa»",)),
    R("text", "Quý\u00a0III/2025", "date", "2025-09-30", "2025-09-30", "a non-breaking space"),
    R("text", "Quý I\u200b/2025", "date", "2025-03-31", "2025-03-31", "a zero-width space pasted from the web"),
    R("text", "Qúy II năm 2025", "date", "2025-06-30", "2025-06-30", "tone mark on the wrong vowel"),
]


def _check(row: P, got: Deadline) -> None:
    assert got.kind == DeadlineKind(row.kind), got
    assert got.first_due == (dt.date.fromisoformat(row.first) if row.first else None), got
    assert got.due == (dt.date.fromisoformat(row.due) if row.due else None), got
    assert got.recurrence == (Recurrence(row.rec) if row.rec else None), got
    assert got.day_of_month == row.day, got
    assert got.months == list(row.months), got
    assert got.span_end == (dt.date.fromisoformat(row.span_end) if row.span_end else None), got
    assert got.relative_days == row.rel, got
    assert got.working_days is row.wd, got
    if row.milestones or got.milestones:
        assert [(m.label, m.due.isoformat()) for m in got.milestones] == list(row.milestones), got
    assert len(got.warnings) == len(row.warnings), got.warnings
    for expected, warning in zip(row.warnings, got.warnings, strict=True):
        assert expected in warning, got.warnings


@pytest.mark.parametrize("row", TABLE, ids=[f"{i:03d}-{r.family}-{r.text[:40]}" for i, r in enumerate(TABLE)])
def test_phrasing(row: P) -> None:
    _check(row, parse(row.text, row.year))


def test_the_table_is_wide_and_covers_every_family() -> None:
    texts = [r.text for r in TABLE]
    assert len(set(texts)) == len(texts)
    assert len(texts) >= 120
    assert all(r.why for r in TABLE)
    assert {r.family for r in TABLE} >= {
        "quarter", "month", "range", "year", "date", "before", "milestone", "recurring", "event", "continuous",
        "span", "mistake", "text",
    }


def test_a_recurring_day_sets_the_period_instances() -> None:
    quarterly = parse("trước ngày 18 của tháng cuối mỗi quý", 2025)
    assert [instance_due(quarterly, p) for p in map(Period.parse, ("2025-Q1", "2025-H1", "2025-Q3", "2025-Y"))] == [
        dt.date(2025, 3, 17), dt.date(2025, 6, 17), dt.date(2025, 9, 17), dt.date(2025, 12, 17)]
    twice = parse("tháng 5 và tháng 11 hằng năm", 2025)
    assert [instance_due(twice, p) for p in map(Period.parse, ("2025-Q1", "2025-H1", "2025-Q3", "2025-Y"))] == [
        dt.date(2025, 5, 31), dt.date(2025, 5, 31), dt.date(2025, 11, 30), dt.date(2025, 11, 30)]
    monthly = parse("báo cáo hằng tháng trước ngày 22", 2025)
    assert instance_due(monthly, Period.parse("2025-H1")) == dt.date(2025, 6, 21)
    next_quarter = parse("Báo cáo quý trước ngày 15 của tháng đầu quý sau", 2025)
    assert instance_due(next_quarter, Period.parse("2025-Q1")) == dt.date(2025, 4, 14)
    assert instance_due(next_quarter, Period.parse("2025-Y")) == dt.date(2026, 1, 14)
    yearly = parse("trước 10/11 hằng năm", 2025)
    assert instance_due(yearly, Period.parse("2025-Q1")) == dt.date(2025, 11, 9)


def test_a_recurring_day_follows_the_period_year_and_short_months() -> None:
    monthly = parse("ngày 30 hàng tháng", 2028)
    assert recurring_instances(Recurrence.MONTHLY, 2028, monthly.day_of_month)[1] == dt.date(2028, 2, 29)
    assert recurring_instances(Recurrence.MONTHLY, 2027, monthly.day_of_month)[1] == dt.date(2027, 2, 28)
    assert instance_due(monthly, Period.parse("2027-Q1")) == dt.date(2027, 3, 30)


def test_status_judges_the_instance_on_its_day() -> None:
    from parc_xl.domain.calendar import WorkCalendar
    from parc_xl.domain.models import Status
    from parc_xl.domain.status import compute_status

    deadline = parse("trước ngày 18 của tháng cuối mỗi quý", 2025)
    period = Period.parse("2025-Q1")
    inst = instance_due(deadline, period)
    calendar = WorkCalendar()
    common = {"deadline": deadline, "period": period.code, "row_period": period.code, "instance_due": inst,
              "calendar": calendar}
    late = compute_status(progress="Đang thực hiện", completed_on=None, as_of=dt.date(2025, 3, 20), **common)
    assert late.status is Status.OVERDUE and late.due == dt.date(2025, 3, 17)
    on_time = compute_status(progress="Đã hoàn thành", completed_on=dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 20),
                             **common)
    assert on_time.status is Status.DONE_ON_TIME


def test_json_carries_the_day_months_and_span() -> None:
    data = parse("tháng 5 và tháng 11 hằng năm", 2025).model_dump(mode="json")
    assert (data["recurrence"], data["months"], data["day_of_month"]) == ("semiannual", [5, 11], None)
    data = parse("Giai đoạn 2022 - 2026", 2025).model_dump(mode="json")
    assert (data["due"], data["span_end"]) == ("2025-12-31", "2026-12-31")
