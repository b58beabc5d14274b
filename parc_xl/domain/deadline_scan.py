"""The scanner under `deadlines.parse`: a cell's text, folded, and the time expressions
found in it (dates, months, quarters, halves, years, spans, days without a month).

Each `scan_*` reader finds its expressions in the not yet consumed text, records them on
the `Scan` and consumes their characters, so the readers run in the order `parse` calls
them and no words are read twice. The words themselves are in `deadline_vocabulary`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from parc_xl.domain.deadline_vocabulary import (
    MDIGITS,
    MTOKEN,
    MWORD,
    PERIOD_PREFIX,
    QNUM,
    QWORD,
    ROMAN_QUARTERS,
    SPELLED_MONTH_EXACT,
    SPELLED_MONTHS,
    SPELLED_QUARTERS,
    TIMEISH,
    YEAR_SUFFIX,
)
from parc_xl.domain.models import Recurrence
from parc_xl.domain.text import date_vi


# --------------------------------------------------------------------------- helpers
def _fold_char(ch: str) -> str:
    c = ch.lower()
    if len(c) != 1:
        return ch
    if c == "đ":
        return "d"
    return unicodedata.normalize("NFD", c)[0]


def fold(text: str) -> str:
    """Lower case, no diacritics, same length as `text` (positions line up)."""
    return "".join(_fold_char(ch) for ch in text)


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def on_day(year: int, month: int, day: int | None) -> dt.date:
    """`day` of the month, or its last day when None or past the month's end."""
    end = month_end(year, month)
    return end if day is None or day >= end.day else dt.date(year, month, day)


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)


def _qnum(token: str) -> int:
    token = token.strip().lower()
    if token in ROMAN_QUARTERS:
        return ROMAN_QUARTERS[token]
    return SPELLED_QUARTERS[token] if token in SPELLED_QUARTERS else int(token)


@dataclass
class Expr:
    """One time expression found in the cell."""

    start: int
    end: int
    first: dt.date
    last: dt.date
    explicit_years: list[int] = field(default_factory=list)
    note: str = ""  # how a vague word was read
    kind: str = "date"  # date (day and month), month, quarter, half, year, span
    pre: str | None = None  # the qualifier written before it (trước, trong, cuối…)
    dates: list[dt.date] = field(default_factory=list)  # every date it names, in order
    span_end: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.dates:
            self.dates = sorted({self.first, self.last})


@dataclass
class Day:
    """A day of the month without a month ("trước ngày 22"): only a recurring cell uses it."""

    start: int
    end: int
    day: int  # after the "trước" rule: 0 means the end of the month before
    words: str


@dataclass
class Scan:
    original: str  # cleaned text (NFC), what warnings quote
    folded: str
    plan_year: int
    work: list[str] = field(init=False)  # folded copy; consumed characters become \0
    exprs: list[Expr] = field(default_factory=list)
    bad: list[tuple[int, int]] = field(default_factory=list)  # unreadable time-like spans
    days: list[Day] = field(default_factory=list)
    shifts: list[tuple[int, int, int, Recurrence]] = field(default_factory=list)  # months moved, per cycle
    notes: list[str] = field(default_factory=list)  # warnings about readings chosen

    def __post_init__(self) -> None:
        self.work = list(self.folded)

    @property
    def text(self) -> str:
        return "".join(self.work)

    def consume(self, start: int, end: int) -> None:
        for i in range(start, end):
            self.work[i] = "\0"

    def matches(self, pattern: str) -> list[re.Match[str]]:
        """Matches of `pattern` (word-bounded) in the not yet consumed text, not consumed."""
        return list(re.finditer(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", self.text))

    def find(self, pattern: str) -> list[re.Match[str]]:
        """Matches of `pattern` (word-bounded) in the not yet consumed text, consuming them."""
        found = self.matches(pattern)
        for m in found:
            self.consume(m.start(), m.end())
        return found

    def quote(self, start: int, end: int) -> str:
        return self.original[start:end].strip(" .,;:-–()")

    def before(self, pos: int) -> str:
        """The folded text before `pos` (consumed or not)."""
        return self.folded[:pos]


def _year_of(m: re.Match[str], plan_year: int) -> tuple[int, list[int]]:
    y = m.groupdict().get("y")
    return (int(y), [int(y)]) if y else (plan_year, [])


def _month_value(s: Scan, start: int, end: int) -> int | None:
    """A month written as digits or a word ("mười hai"); None for a word that, without
    its diacritics, is another word ("sau" is "sau" = after unless written "sáu")."""
    token = s.folded[start:end]
    if token.isdigit():
        return int(token)
    word = re.sub(r"\s+", " ", token)
    if word in SPELLED_MONTH_EXACT:
        if s.original[start:end].lower() not in SPELLED_MONTH_EXACT[word]:
            return None
    return SPELLED_MONTHS.get(word)


def _months_in(s: Scan, m: re.Match[str], first_group: str) -> list[int] | None:
    """The months of a "tháng A, B và C" match, or None when a word is not a month."""
    values = [_month_value(s, m.start(first_group), m.end(first_group))]
    if m["more"]:
        base = m.start("more")
        for t in re.finditer(MTOKEN, m["more"]):
            values.append(_month_value(s, base + t.start(), base + t.end()))
    if any(v is None for v in values):
        return None
    return [v for v in values if v is not None]


def _before_day(day: dt.date, pre: str | None) -> dt.date:
    return day - dt.timedelta(days=1) if pre == "truoc" else day


# --------------------------------------------------------------------------- time expressions
# Document numbers are not dates: "09/2019/NĐ-CP", "12/KH-UBND", "Quyết định 1/2025", and
# neither is the date that follows one ("Kế hoạch số 12/KH-UBND ngày 15/01/2025").
_DOCUMENT_DATE = (r"(?:\s*,?\s*ngay\s*\d{1,2}\s*(?:[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}"
                  r"|thang\s*\d{1,2}\s*nam\s*\d{4}))?")
_DOCUMENT_NUMBER = (
    r"(?:\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?(?!nam(?![a-z]))[a-z]{1,8}(?:\s*-\s*[a-z]{1,10})*"
    r"|(?:so|quyet dinh|nghi dinh|thong tu|chi thi|nghi quyet|cong van|to trinh|thong bao|ke hoach)\s*"
    r"(?:so\s*)?\d{1,5}\s*/\s*\d{2,4}(?![\d/.\-]))" + _DOCUMENT_DATE
)


def scan_document_numbers(s: Scan) -> None:
    s.find(_DOCUMENT_NUMBER)


# a time of day after a date copied from a date cell ("15/04/2025 00:00:00"): ignored
_CLOCK = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DPRE = r"(?:(?P<pre>truoc|cham nhat|muon nhat|khong muon hon|han|den|vao|trong)\s*)?"


def scan_explicit_dates(s: Scan) -> None:
    """Day-first dates. A number pair joined by "-" or "/" is a date only when it can be
    one; see the module doc for "tháng 8-9/2025" (months) and "8-9/2025" (ambiguous)."""
    _scan_day_ranges(s)
    _scan_year_first(s)
    _scan_day_first(s)
    _spread_before(s)


def _scan_day_ranges(s: Scan) -> None:
    """"ngày 15-20/3/2024": a range of days → first and last."""
    for m in s.matches(
        _DPRE + r"(?:(?:tu\s*)?ngay\s*)?(?<![\d/.])(?P<d1>\d{1,2})\s*(?:-|–|den)\s*(?:ngay\s*)?(?P<d>\d{1,2})\s*/\s*"
        r"(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?!\s*/?\s*\d)"
    ):
        if re.search(r"thang\s*$", s.before(m.start())):
            continue
        year, explicit = _year_of(m, s.plan_year)
        try:
            a = dt.date(year, int(m["m"]), int(m["d1"]))
            b = dt.date(year, int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        if a >= b:
            continue
        s.consume(m.start(), m.end())
        s.exprs.append(Expr(m.start(), m.end(), _before_day(a, m["pre"]), _before_day(b, m["pre"]), explicit,
                             pre=m["pre"]))


def _scan_year_first(s: Scan) -> None:
    """"2025-04-15", "2025-04-15 00:00:00": year first (pasted from a system export) is unambiguous."""
    for m in s.matches(_DPRE + r"(?:ngay\s*)?(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _CLOCK):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            s.consume(m.start(), m.end())
            s.bad.append((m.start(), m.end()))
            continue
        s.consume(m.start(), m.end())
        s.exprs.append(Expr(m.start(), m.end(), _before_day(day, m["pre"]), _before_day(day, m["pre"]),
                             [day.year], pre=m["pre"]))


def _scan_day_first(s: Scan) -> None:
    """Day-first dates with and without a year, most explicit form first."""
    patterns = [
        # "ngày 15 tháng 3 năm 2024", "15 tháng 3 năm 2024", "ngày 18 của tháng 6", "ngày 5 tháng mười hai"
        _DPRE + r"(?:ngay\s*)?(?P<d>\d{1,2})\s*(?:cua\s*)?thang\s*(?P<m>" + MTOKEN + r")(?!\s*lan)"
        r"(?:\s*(?:nam|/|,)?\s*(?P<y>\d{4}))?",
        # "ngày 15/3 năm 2024"
        _DPRE + r"ngay\s*(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*,?\s*nam\s*(?P<y>\d{4})",
        # "15/3/2024", "15.03.2024", "15-3-24"
        _DPRE + r"(?:ngay\s*)?(?P<d>\d{1,2})\s*(?P<s1>[/.\-])\s*(?P<m>\d{1,2})\s*(?P<s2>[/.\-])\s*"
        r"(?P<y>\d{4}|\d{2})(?!\d)" + _CLOCK,
        # "ngày 15/3", "ngày 20-4" (no year: the plan's)
        _DPRE + r"ngay\s*(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})(?!\s*[/.\-]?\s*\d)",
        # "trước 15/12", "chậm nhất 20/4", "đến 30.6"
        r"(?P<pre>truoc|cham nhat|muon nhat|khong muon hon|han|den|vao)\s*(?P<d>\d{1,2})\s*[/.\-]\s*"
        r"(?P<m>\d{1,2})(?!\s*[/.\-]?\s*\d|\s*%)",
        # a bare "20/4": the plan's year
        r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?!\s*/?\s*\d)",
    ]
    for n, pattern in enumerate(patterns):
        for m in s.matches(pattern):
            before = s.before(m.start())
            if m.group(0)[:1].isdigit() and re.search(r"(?:thang|(?<![a-z])" + QWORD + r")\s*\.?\s*$|(?<![a-z])so\s*$|[/.\-]$", before):
                continue  # "tháng 8-9/2025", "Quý 1/4", "số 20/4": not a day
            gd = m.groupdict()
            year, explicit = _year_of(m, s.plan_year)
            if year < 100:
                year += 2000
                explicit = [year]
            month = _month_value(s, m.start("m"), m.end("m"))
            if month is None:
                continue
            d = int(m["d"])
            s1, s2 = gd.get("s1"), gd.get("s2")
            if s1 and s2 and s1 != s2 and len(m["y"]) == 4 and d <= 12 and month <= 12 and d < month:
                # "8-9/2025": months 8 to 9 (a date would keep one separator); say so
                s.consume(m.start(), m.end())
                first, last = month_end(year, d), month_end(year, month)
                words = s.quote(m.start(), m.end())
                note = (f"«{words}» được hiểu là tháng {d}–{month}/{year} (hạn {date_vi(last)}), "
                        f"không phải ngày {d:02d}/{month:02d}/{year}")
                s.exprs.append(Expr(m.start(), m.end(), first, last, explicit, note, kind="month",
                                     pre=gd.get("pre")))
                continue
            try:
                day = dt.date(year, month, d)
            except ValueError:
                if n == len(patterns) - 1:
                    continue  # a bare pair that is no date: left for the other readers
                s.consume(m.start(), m.end())
                s.bad.append((m.start(), m.end()))
                continue
            s.consume(m.start(), m.end())
            day = _before_day(day, gd.get("pre"))
            s.exprs.append(Expr(m.start(), m.end(), day, day, explicit, pre=gd.get("pre")))


def _spread_before(s: Scan) -> None:
    """"trước ngày 01/3, 01/6 và 01/9": "trước" reaches every date of the list."""
    dated = sorted((e for e in s.exprs if e.kind == "date"), key=lambda e: e.start)
    for prev, cur in zip(dated, dated[1:], strict=False):
        gap = s.folded[prev.end:cur.start]
        if prev.pre == "truoc" and cur.pre is None and re.fullmatch(r"[\s,;&]*(?:va\s*)?(?:ngay\s*)?", gap):
            cur.pre = "truoc"
            cur.first -= dt.timedelta(days=1)
            cur.last -= dt.timedelta(days=1)
            cur.dates = [d - dt.timedelta(days=1) for d in cur.dates]


def scan_days(s: Scan) -> None:
    """"trước ngày 22", "ngày 18 của": a day without its month (for recurring cells)."""
    pattern = _DPRE + r"ngay\s*(?P<d>\d{1,2})(?!\s*(?:[/.\-]\s*\d|\d|ngay))"
    for m in s.find(pattern):
        d = int(m["d"])
        if not 1 <= d <= 31:
            s.bad.append((m.start(), m.end()))
            continue
        s.days.append(Day(m.start(), m.end(), d - 1 if m["pre"] == "truoc" else d, s.quote(m.start(), m.end())))


# "tháng cuối (của mỗi) quý", "tháng đầu quý sau", "tháng sau": where in each cycle it falls
_POSITION = {"dau": -2, "thu nhat": -2, "giua": -1, "thu hai": -1, "cuoi": 0, "thu ba": 0}


def scan_positions(s: Scan) -> None:
    quarter = (
        r"(?:cua\s*)?thang\s*(?P<pos>dau|cuoi|giua|thu\s*(?:nhat|hai|ba))(?:\s*cua)?(?:\s*(?:moi|hang|tung))?"
        r"\s*quy(?:\s*(?P<next>sau|tiep theo|ke tiep|tiep))?(?!\s*\.?\s*(?:" + QNUM + r"))"
    )
    for m in s.find(quarter):
        pos = re.sub(r"\s+", " ", m["pos"])
        s.shifts.append((m.start(), m.end(), _POSITION[pos] + (3 if m["next"] else 0), Recurrence.QUARTERLY))
    for m in s.matches(r"(?:cua\s*)?thang\s*(?P<next>sau|tiep theo|ke tiep|tiep)"):
        if m["next"] == "sau" and s.original[m.start("next"):m.end("next")].lower() != "sau":
            continue  # "tháng sáu" is June
        s.consume(m.start(), m.end())
        s.shifts.append((m.start(), m.end(), 1, Recurrence.MONTHLY))


def scan_spans(s: Scan) -> None:
    """"Giai đoạn 2021 - 2025", "Năm 2025 - 2026", "từ năm 2024 đến năm 2026"."""
    pattern = (
        r"(?:(?P<pre>trong giai doan|giai doan|thoi ky|tu|trong|ca)\s*)?(?:nam\s*)?(?P<y1>(?:19|20)\d\d)\s*"
        r"(?:-|–|—|den het|den|toi)\s*(?:nam\s*)?(?P<y2>(?:19|20)\d\d)(?!\d)"
    )
    for m in s.matches(pattern):
        y1, y2 = int(m["y1"]), int(m["y2"])
        if not 0 < y2 - y1 <= 20 or re.search(r"[/.\-]$", s.before(m.start())):
            continue
        s.consume(m.start(), m.end())
        year = min(max(s.plan_year, y1), y2)
        due, end = dt.date(year, 12, 31), dt.date(y2, 12, 31)
        words = s.quote(m.start(), m.end())
        if year == y2:
            note = f"«{words}» là giai đoạn {y1}–{y2}: hạn là ngày kết thúc giai đoạn {date_vi(end)}"
        else:
            note = (f"«{words}» là giai đoạn {y1}–{y2}: theo dõi hạn của năm {year} là {date_vi(due)}; "
                    f"giai đoạn kết thúc ngày {date_vi(end)}")
        explicit = [] if y1 <= s.plan_year <= y2 else [year]
        s.exprs.append(Expr(m.start(), m.end(), due, due, explicit, note, kind="span", pre=m["pre"],
                             span_end=end))


def scan_halves(s: Scan) -> None:
    # "6 tháng đầu năm", "06 tháng cuối năm 2024", "9 tháng/2024", "nửa đầu năm"
    pattern = (
        r"(?:(?P<pre>truoc|trong|het)\s*)?(?:(?P<n>0?6|0?9|sau|chin)\s*thang|nua)"
        r"(?:\s*(?P<pos>dau|cuoi)\s*nam)?" + YEAR_SUFFIX
    )
    for m in list(re.finditer(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", s.text)):
        if not m["pos"] and not m["y"]:
            continue  # "6 tháng" alone: a duration or a recurrence, not a date
        s.consume(m.start(), m.end())
        year, explicit = _year_of(m, s.plan_year)
        n = m["n"] or "6"
        months = 9 if n.lstrip("0") == "9" or n == "chin" else 6
        end_month = 12 if m["pos"] == "cuoi" else months
        day = month_end(year, end_month)
        s.exprs.append(Expr(m.start(), m.end(), day, day, explicit, kind="half", pre=m["pre"]))


def scan_quarters(s: Scan) -> None:
    q = rf"{QWORD}\s*\.?\s*(?P<q>{QNUM})"
    more = rf"(?P<more>(?:\s*(?:,|va|&|-|–|den|toi|\+)\s*(?:{QWORD}\s*\.?\s*)?{QNUM})*)"
    for m in s.find(PERIOD_PREFIX + q + more + YEAR_SUFFIX):
        year, explicit = _year_of(m, s.plan_year)
        quarters = [_qnum(m["q"])] + [
            _qnum(t) for t in re.findall(rf"(?<![a-z0-9])({QNUM})", re.sub(QWORD, " ", m["more"] or ""))
        ]
        pre, note = m["pre"], ""
        words = s.quote(m.start(), m.end())
        dates: list[dt.date] = []
        for quarter in quarters:
            if pre == "truoc":
                day = quarter_end(year, quarter - 1) if quarter > 1 else dt.date(year - 1, 12, 31)
            elif pre == "dau":
                day = month_end(year, quarter * 3 - 2)
                note = f"«{words}» được hiểu là hạn {date_vi(day)} (cuối tháng đầu của quý)"
            elif pre == "giua":
                day = month_end(year, quarter * 3 - 1)
                note = f"«{words}» được hiểu là hạn {date_vi(day)} (cuối tháng thứ hai của quý)"
            else:
                day = quarter_end(year, quarter)
            dates.append(day)
        s.exprs.append(Expr(m.start(), m.end(), min(dates), max(dates), explicit, note, kind="quarter", pre=pre,
                             dates=dates))


def scan_months(s: Scan) -> None:
    more = rf"(?P<more>(?:\s*(?:,|va|&|-|–|den|toi)\s*(?:thang\s*{MWORD}|(?:thang\s*)?{MDIGITS}))*)"
    pattern = PERIOD_PREFIX + rf"thang\s*(?P<mo>{MTOKEN})" + more + YEAR_SUFFIX
    for m in s.matches(pattern):
        months = _months_in(s, m, "mo")
        if months is None:
            continue
        s.consume(m.start(), m.end())
        year, explicit = _year_of(m, s.plan_year)
        pre, note = m["pre"], ""
        words = s.quote(m.start(), m.end())
        dates: list[dt.date] = []
        for month in months:
            if pre == "truoc":
                day = month_end(year, month - 1) if month > 1 else dt.date(year - 1, 12, 31)
            elif pre == "dau":
                day = dt.date(year, month, 10)
                note = f"«{words}» được hiểu là hạn {date_vi(day)}"
            elif pre == "giua":
                day = dt.date(year, month, 15)
                note = f"«{words}» được hiểu là hạn {date_vi(day)}"
            else:
                day = month_end(year, month)
            dates.append(day)
        s.exprs.append(Expr(m.start(), m.end(), min(dates), max(dates), explicit, note, kind="month", pre=pre,
                             dates=dates))
    # "tháng 13", "tháng 0": time-like but not a month
    for m in re.finditer(r"(?<![a-z])thang\s*\d+", s.text):
        s.bad.append((m.start(), m.end()))
        s.consume(m.start(), m.end())
    # "12/2024", "12-2024", "12.2024": month and year without the word "tháng" (not "Quý 5/2024")
    pattern = (r"(?<![a-z0-9/.\-])(?:(?P<pre>truoc|trong|het|cuoi)\s*)?(?P<mo>1[0-2]|0?[1-9])\s*[/.\-]\s*"
               r"(?P<y>\d{4})(?!\d)")
    for m in list(re.finditer(pattern, s.text)):
        if re.search(rf"(?<![a-z]){QWORD}\s*\.?\s*$", s.folded[: m.start()]):
            continue
        s.consume(m.start(), m.end())
        year, month = int(m["y"]), int(m["mo"])
        if m["pre"] == "truoc":
            day = month_end(year, month - 1) if month > 1 else dt.date(year - 1, 12, 31)
        else:
            day = month_end(year, month)
        s.exprs.append(Expr(m.start(), m.end(), day, day, [year], kind="month", pre=m["pre"]))


def scan_years(s: Scan) -> None:
    pattern = r"(?:(?P<pre>truoc|dau|giua|cuoi|het|trong|ca|vao|den)\s*)?nam\s*(?P<y>\d{4})"
    bare = r"(?P<pre>dau|giua|cuoi|het|trong|ca)\s*nam(?!\s*\d)"
    for m in s.find(pattern) + s.find(bare):
        year, explicit = _year_of(m, s.plan_year)
        pre, note = m["pre"], ""
        words = s.quote(m.start(), m.end())
        if pre == "truoc":
            day = dt.date(year - 1, 12, 31)
        elif pre == "dau":
            day = dt.date(year, 3, 31)
            note = f"«{words}» được hiểu là hạn {date_vi(day)} (hết quý I)"
        elif pre == "giua":
            day = dt.date(year, 6, 30)
            note = f"«{words}» được hiểu là hạn {date_vi(day)}"
        else:
            day = dt.date(year, 12, 31)
        s.exprs.append(Expr(m.start(), m.end(), day, day, explicit, note, kind="year", pre=pre))
    # a bare year: "2024", "Trong 2024"
    for m in s.find(r"(?<![/.\-])(?:(?P<pre>trong|het|cuoi|ca)\s*)?(?P<y>20\d\d)"):
        year = int(m["y"])
        s.exprs.append(Expr(m.start(), m.end(), dt.date(year, 12, 31), dt.date(year, 12, 31), [year],
                             kind="year", pre=m["pre"]))



def phrase_spans(s: Scan, patterns: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend((m.start(), m.end()) for m in s.find(pattern))
    return sorted(spans)


def leftover_timeish(s: Scan) -> list[str]:
    """Original words that look like time (digits, quý, tháng…) but were not read."""
    chunks: list[str] = []
    for m in re.finditer(r"[^\0]+", s.text):
        piece = m.group(0)
        if TIMEISH.search(piece):
            chunks.append(s.quote(m.start(), m.end()))
    for start, end in s.bad:
        quoted = s.quote(start, end)
        if quoted not in " ".join(chunks):
            chunks.append(quoted)
    return [c for c in chunks if c]

