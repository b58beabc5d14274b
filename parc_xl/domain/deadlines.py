"""Read a "Thời gian hoàn thành" cell the way a clerk does.

`parse(text, plan_year)` → `Deadline`; `describe_vi` says the reading in Vietnamese (the
`parc-xl deadline` command). The families (DOMAIN.md "Deadlines"; seed plans of Sở Nội vụ
TP.HCM and UBND huyện Hóc Môn, 2024; issue 19 for other offices' wording) and the
convention chosen for each:

- period end: the last day of the period named. "Quý I/2024", "Quí 1", "Q.I", "quý
  một" → 31/3; "Tháng 7/2023", "7-2023", "7.2023", "tháng bảy", "tháng mười hai" → the
  month's end (29/2 in a leap year); "Trong năm 2024", "Cả năm", a bare "2024" → 31/12;
  "6 tháng đầu năm" → 30/6; "9 tháng" + year → 30/9. Several periods ("Quý III, IV",
  "tháng 10, 11", "Tháng 8-9/2025") → `first_due` the first end, `due` the last.
- explicit dates, always day first, with "/", "-" or ".": "15/3/2024", "15-3-24",
  "ngày 15 tháng 3 năm 2024", "ngày 15/3 năm 2024" (a year-first "2025-04-15" from a
  system export is read as such; a date cell's time "00:00:00" is ignored); a range of days "ngày 15-20/4" →
  first 15/4, due 20/4. A date without a year, even bare ("20/4"), is in the plan year.
- numbers joined by "-" or "/" are a date only when they can be one: after "tháng"
  ("Tháng 8-9/2025") they are months; "8-9/2025" (two kinds of separator, both numbers
  possible months, the first smaller) is read as months 8–9 with a warning that names
  the date it is not; "15-9/2025" can only be a date; "8/9/2025" and "8-9-2025" (one
  separator throughout) are dates. An impossible date ("29/02/2025", "31/4") gives no
  date and a warning. Document numbers are not dates: "09/2019/NĐ-CP", "12/KH-UBND",
  "Quyết định 1/2025", nor is the date that follows one ("Kế hoạch số 12/KH-UBND ngày
  15/01/2025"); "Theo Nghị định …" defers to that document (below).
- "trước X" is the day before X starts: "trước 30/6" → 29/6, "trước ngày 01/3/2024" →
  29/2, "trước tháng 10" → 30/9, "trước quý III" → 30/6, "trước năm 2025" → 31/12/2024;
  in a list ("trước ngày 01/3, 01/6 và 01/9") it reaches every date. A day it moves out
  of the plan year with no year written ("trước 1/1", "trước quý I") is kept and warned
  about. "Chậm nhất", "không muộn hơn", "hạn", "đến" mean that day itself.
- vague words get a date and a warning saying how they were read: "đầu quý II" → end of
  the quarter's first month (30/4); "giữa quý" → end of its second month; "đầu năm" →
  31/3; "giữa năm" → 30/6; "đầu tháng N" → 10/N; "giữa tháng N" → 15/N. "Cuối năm",
  "cuối quý", "cuối tháng" are the period's end, no warning.
- milestones: "Ban hành kế hoạch: Quý I/2023. Thực hiện: Trong năm 2023." → labelled
  dates; `first_due` is the earliest, `due` the latest.
- recurring: "Hàng quý", "Định kỳ 06 tháng", "hằng tháng", "hằng năm" (the periods of NĐ
  09/2019/NĐ-CP, Điều 12): an instance at the end of each period unless the cell names
  a day or months, which the model carries (`day_of_month`, `months`):
  "trước ngày 22 hằng tháng" → the 21st of every month; "trước ngày 18 của tháng cuối
  mỗi quý" → 17/3, 17/6, 17/9, 17/12; "tháng đầu quý sau" → months 4, 7, 10 and 1 of the
  next year; "ngày 05 của tháng sau" (monthly) → the 5th of the month after; "trước ngày
  01 …" → the last day of the month before; a day past a short month's end (30, 31) is
  that month's last day, with a warning. Named months or dates with "hằng năm" set the
  cycle by their count: one → annual ("trước 10/11 hằng năm" → 9/11), two → semiannual
  ("tháng 5 và tháng 11 hằng năm" → 31/5 and 30/11), four → quarterly, twelve → monthly;
  a count that does not fit the cycle written ("hằng quý, tháng 5 và tháng 11") is
  warned about and the period ends are used. `first_due`/`due` are the first and last
  instance; `instance_due` gives the one a reporting period looks at.
- event-driven: "Khi có phát sinh (không quá 10 ngày làm việc …)", "Sau khi công bố …".
  A plain year inside the event's sentence names the event, not a due date: "Sau khi
  UBND tỉnh công bố kết quả đánh giá năm 2024" is an event. A limit with no start
  ("không quá 10 ngày") is warned about.
- multi-year spans: "Giai đoạn 2022 - 2026", "Năm 2025 - 2026", "từ năm 2024 đến năm
  2026" → `due` 31/12 of the plan year (the part tracked in this year's plan; the first
  or last year of the span when the plan year is outside it, with the year warning) and
  `span_end` 31/12 of the span's last year; a warning says both.
- continuous: "Thường xuyên". Cells that defer to another document ("Theo Kế hoạch",
  "Theo hướng dẫn của Sở Nội vụ", "Theo quy định") are also `continuous` — the work runs
  on someone else's schedule and this plan fixes no date — with a warning saying so,
  because the clerk may want to type the date from that document.
- anything else is `unspecified`, with a warning quoting the text. Never a guess; a day
  without its month ("trước ngày 20") outside a recurring cell is not read either.

Choices a clerk would make, applied consistently:
- A missing year is the plan's year; a year before it is warned about (and after it).
- When a cell mixes a trackable reading with another ("Thường xuyên Quý 1 năm 2024",
  "Khi phát sinh Định kỳ hàng quý"), the trackable one wins (date, else recurring) and a
  warning records the rest.
- Whatever was read only in part is warned about, quoting the words not understood.

Matching runs on a lower-case, diacritic-free copy of the cleaned text (NFC, old tone
marks "hoá" → "hóa", no zero-width characters) that keeps every character's position,
so "quy 1 nam 2024" and decomposed (NFD) text read like "Quý 1 năm 2024" and warnings
can quote the original words. Words that lose their meaning without diacritics ("sau"
after / "sáu" six, "tư") are read as months only when written with them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from parc_xl.domain.models import Deadline, DeadlineKind, Milestone, Recurrence
from parc_xl.domain.periods import Period
from parc_xl.domain.text import clean, modern_tones

# --------------------------------------------------------------------------- vocabulary
# All patterns are written in the folded form (lower case, no diacritics, "đ" → "d").

# Quarter numbers as written in plans: Roman (Quý I…IV, the numbering of NĐ 30/2020/NĐ-CP
# documents and of both seeds), Arabic ("Quý 1", "01"), or spelled out ("quý hai", "quý tư").
ROMAN_QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
SPELLED_QUARTERS: dict[str, int] = {"mot": 1, "nhat": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4}
_QNUM = r"(?:iv|iii|ii|i|0?[1-4]|mot|nhat|hai|ba|bon|tu)(?![a-z0-9])"
# "quý", the common misspelling "quí", and the abbreviation "Q" ("Q.I", "QI", "Q1").
_QWORD = r"(?:quy|qui|q)"
_MNUM = r"(?:1[0-2]|0?[1-9])(?!\d)"
_MDIGITS = _MNUM
# Months written out ("tháng mười hai", "tháng tư"). "năm" (5) only as "tháng năm năm 2024";
# words that fold to another word are read only with their diacritics (SPELLED_MONTH_EXACT).
SPELLED_MONTHS: dict[str, int] = {
    "muoi hai": 12, "muoi mot": 11, "muoi": 10, "chin": 9, "tam": 8, "bay": 7, "sau": 6, "nam": 5,
    "tu": 4, "bon": 4, "ba": 3, "hai": 2, "mot": 1,
}
SPELLED_MONTH_EXACT: dict[str, tuple[str, ...]] = {"sau": ("sáu",), "nam": ("năm",), "tu": ("tư",)}
_MWORD = r"(?<![a-z])(?:muoi\s*hai|muoi\s*mot|muoi|chin|tam|bay|sau|nam(?=\s*nam)|tu|bon|ba|hai|mot)(?![a-z])"
_MTOKEN = rf"(?:{_MDIGITS}|{_MWORD})"
_YEAR = r"(?:\s*(?:/|-|–|,|\.)?\s*(?:nam\s*)?(?P<y>\d{4})(?!\d))?"

# "quý" and not "quy định", "quy chế", "quy trình"… (the same letters without diacritics)
_QUY = r"quy(?!\s*(?:dinh|che|trinh|hoach|mo|uoc|tac|chuan)(?![a-z]))"

# Reporting-cycle words (NĐ 09/2019/NĐ-CP, Điều 12: báo cáo định kỳ hằng tháng, hằng quý,
# 6 tháng, hằng năm); "hằng"/"hàng" fold to the same "hang". Seeds 000 and 003.
RECURRENCE_PHRASES: list[tuple[str, Recurrence]] = [
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*(?:0?6|sau)\s*thang", Recurrence.SEMIANNUAL),
    (r"dinh ky\s*(?:0?6|sau)\s*thang", Recurrence.SEMIANNUAL),
    (r"(?:0?6|sau)\s*thang\s*(?:mot|1)\s*lan", Recurrence.SEMIANNUAL),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*nua\s*nam|dinh ky\s*nua\s*nam", Recurrence.SEMIANNUAL),
    (r"dinh ky\s*(?:0?3|ba)\s*thang", Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*" + _QUY, Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?theo\s*(?:tung\s*)?" + _QUY, Recurrence.QUARTERLY),
    (r"dinh ky\s*" + _QUY + r"|quy\s*(?:mot|1)\s*lan", Recurrence.QUARTERLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*thang|dinh ky\s*(?:0?1\s*)?thang|thang\s*(?:mot|1)\s*lan",
     Recurrence.MONTHLY),
    (r"(?:dinh ky\s*)?(?:hang|moi)\s*nam|dinh ky\s*(?:12\s*thang|nam)|nam\s*(?:mot|1)\s*lan",
     Recurrence.ANNUAL),
]
# Words that go with a recurrence and add nothing to it ("… và tổng kết năm", seed 000).
RECURRENCE_COMPANIONS = [r"(?:va\s*)?tong ket\s*(?:ca\s*)?nam"]

# Event triggers (DOMAIN.md; seeds: "Khi có phát sinh", "Khi có văn bản chỉ đạo của
# Trung ương", "Sau khi công bố Chỉ số CCHC", "Khi có phát sinh, thay đổi nhân sự").
EVENT_PHRASES = [
    r"(?:ngay\s*)?(?:sau\s*)?khi\s*(?:co\s*)?phat sinh",
    r"(?:ngay\s*|ngay sau\s*|sau\s*|ke tu\s*)?khi",
    r"dot xuat",
    r"(?:truoc|sau|tai)?\s*(?:cac\s*)?ky hop",  # "Trước kỳ họp HĐND tỉnh cuối năm": the session's date
    r"theo yeu cau",
    r"phat sinh",
]
# Work that simply goes on all year.
CONTINUOUS_PHRASES = [r"thuong xuyen", r"lien tuc", r"hang ngay", r"hang tuan"]
# Cells that defer to another document's schedule (read as continuous + warning).
DEFERRED_PHRASES = [
    r"theo\s*(?:cac\s*)?ke hoach(?:\s*duoc duyet)?",
    r"theo\s*huong dan",
    r"theo\s*(?:van ban\s*)?chi dao",
    r"theo\s*(?:thoi gian\s*)?quy dinh",
    r"theo\s*(?:tien do|lo trinh)",
    r"theo\s*(?:nghi dinh|thong tu|quyet dinh|chi thi|nghi quyet|cong van|van ban|kh|qd)",
]
# A time limit counted from an event: "không quá 10 ngày làm việc", "trong vòng 05 ngày".
RELATIVE_LIMIT = (
    r"(?:(?:khong qua|trong vong|trong thoi han|trong thoi gian|cham nhat|toi da|sau|trong)\s*)?"
    r"(?P<n>\d{1,3})\s*ngay(?P<wd>\s*lam viec)?(?!\s*(?:\d|/|thang))"
)
# Words that carry no meaning of their own next to a date ("… và các năm tiếp theo").
FILLER_PHRASES = [r"(?:va\s*)?cac\s*nam\s*tiep\s*theo", r"ke tu ngay"]

# Words around a date that are not a milestone label ("Hoàn thành trong tháng 10").
LABEL_EDGE_WORDS = [
    "hoan thanh trong", "hoan thanh", "thuc hien trong", "trong", "vao", "truoc", "cham nhat",
    "han", "den", "tu", "va", "thoi gian", "trong thoi gian", "thuc hien xong",
]
DEFAULT_MILESTONE_LABEL = "hoàn thành"

# Qualifiers before a period: how a clerk turns them into one date.
_PREFIX = r"(?:(?P<pre>truoc|dau|giua|cuoi|het|trong|ca|vao|den)\s*)?"

_TIMEISH = re.compile(r"\d|(?<![a-z])(?:quy|qui|thang|ngay|nam|q)(?![a-z])|(?<![a-z])(?:ii|iii|iv)(?![a-z])")


# --------------------------------------------------------------------------- helpers
def _fold_char(ch: str) -> str:
    c = ch.lower()
    if len(c) != 1:
        return ch
    if c == "đ":
        return "d"
    return unicodedata.normalize("NFD", c)[0]


def _fold(text: str) -> str:
    """Lower case, no diacritics, same length as `text` (positions line up)."""
    return "".join(_fold_char(ch) for ch in text)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _on_day(year: int, month: int, day: int | None) -> dt.date:
    """`day` of the month, or its last day when None or past the month's end."""
    end = _month_end(year, month)
    return end if day is None or day >= end.day else dt.date(year, month, day)


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, quarter * 3)


def _vi(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def _qnum(token: str) -> int:
    token = token.strip().lower()
    if token in ROMAN_QUARTERS:
        return ROMAN_QUARTERS[token]
    return SPELLED_QUARTERS[token] if token in SPELLED_QUARTERS else int(token)


@dataclass
class _Expr:
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
class _Day:
    """A day of the month without a month ("trước ngày 22"): only a recurring cell uses it."""

    start: int
    end: int
    day: int  # after the "trước" rule: 0 means the end of the month before
    words: str


@dataclass
class _Scan:
    original: str  # cleaned text (NFC), what warnings quote
    folded: str
    plan_year: int
    work: list[str] = field(init=False)  # folded copy; consumed characters become \0
    exprs: list[_Expr] = field(default_factory=list)
    bad: list[tuple[int, int]] = field(default_factory=list)  # unreadable time-like spans
    days: list[_Day] = field(default_factory=list)
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


def _month_value(s: _Scan, start: int, end: int) -> int | None:
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


def _months_in(s: _Scan, m: re.Match[str], first_group: str) -> list[int] | None:
    """The months of a "tháng A, B và C" match, or None when a word is not a month."""
    values = [_month_value(s, m.start(first_group), m.end(first_group))]
    if m["more"]:
        base = m.start("more")
        for t in re.finditer(_MTOKEN, m["more"]):
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


def _scan_document_numbers(s: _Scan) -> None:
    s.find(_DOCUMENT_NUMBER)


# a time of day after a date copied from a date cell ("15/04/2025 00:00:00"): ignored
_CLOCK = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DPRE = r"(?:(?P<pre>truoc|cham nhat|muon nhat|khong muon hon|han|den|vao|trong)\s*)?"


def _scan_explicit_dates(s: _Scan) -> None:
    """Day-first dates. A number pair joined by "-" or "/" is a date only when it can be
    one; see the module doc for "tháng 8-9/2025" (months) and "8-9/2025" (ambiguous)."""
    # "ngày 15-20/3/2024": a range of days → first and last
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
        s.exprs.append(_Expr(m.start(), m.end(), _before_day(a, m["pre"]), _before_day(b, m["pre"]), explicit,
                             pre=m["pre"]))
    # "2025-04-15", "2025-04-15 00:00:00": year first (pasted from a system export) is unambiguous
    for m in s.matches(_DPRE + r"(?:ngay\s*)?(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _CLOCK):
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            s.consume(m.start(), m.end())
            s.bad.append((m.start(), m.end()))
            continue
        s.consume(m.start(), m.end())
        s.exprs.append(_Expr(m.start(), m.end(), _before_day(day, m["pre"]), _before_day(day, m["pre"]),
                             [day.year], pre=m["pre"]))
    patterns = [
        # "ngày 15 tháng 3 năm 2024", "15 tháng 3 năm 2024", "ngày 18 của tháng 6", "ngày 5 tháng mười hai"
        _DPRE + r"(?:ngay\s*)?(?P<d>\d{1,2})\s*(?:cua\s*)?thang\s*(?P<m>" + _MTOKEN + r")(?!\s*lan)"
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
            if m.group(0)[:1].isdigit() and re.search(r"(?:thang|(?<![a-z])" + _QWORD + r")\s*\.?\s*$|(?<![a-z])so\s*$|[/.\-]$", before):
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
                first, last = _month_end(year, d), _month_end(year, month)
                words = s.quote(m.start(), m.end())
                note = (f"«{words}» được hiểu là tháng {d}–{month}/{year} (hạn {_vi(last)}), "
                        f"không phải ngày {d:02d}/{month:02d}/{year}")
                s.exprs.append(_Expr(m.start(), m.end(), first, last, explicit, note, kind="month",
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
            s.exprs.append(_Expr(m.start(), m.end(), day, day, explicit, pre=gd.get("pre")))
    _spread_before(s)


def _spread_before(s: _Scan) -> None:
    """"trước ngày 01/3, 01/6 và 01/9": "trước" reaches every date of the list."""
    dated = sorted((e for e in s.exprs if e.kind == "date"), key=lambda e: e.start)
    for prev, cur in zip(dated, dated[1:], strict=False):
        gap = s.folded[prev.end:cur.start]
        if prev.pre == "truoc" and cur.pre is None and re.fullmatch(r"[\s,;&]*(?:va\s*)?(?:ngay\s*)?", gap):
            cur.pre = "truoc"
            cur.first -= dt.timedelta(days=1)
            cur.last -= dt.timedelta(days=1)
            cur.dates = [d - dt.timedelta(days=1) for d in cur.dates]


def _scan_days(s: _Scan) -> None:
    """"trước ngày 22", "ngày 18 của": a day without its month (for recurring cells)."""
    pattern = _DPRE + r"ngay\s*(?P<d>\d{1,2})(?!\s*(?:[/.\-]\s*\d|\d|ngay))"
    for m in s.find(pattern):
        d = int(m["d"])
        if not 1 <= d <= 31:
            s.bad.append((m.start(), m.end()))
            continue
        s.days.append(_Day(m.start(), m.end(), d - 1 if m["pre"] == "truoc" else d, s.quote(m.start(), m.end())))


# "tháng cuối (của mỗi) quý", "tháng đầu quý sau", "tháng sau": where in each cycle it falls
_POSITION = {"dau": -2, "thu nhat": -2, "giua": -1, "thu hai": -1, "cuoi": 0, "thu ba": 0}


def _scan_positions(s: _Scan) -> None:
    quarter = (
        r"(?:cua\s*)?thang\s*(?P<pos>dau|cuoi|giua|thu\s*(?:nhat|hai|ba))(?:\s*cua)?(?:\s*(?:moi|hang|tung))?"
        r"\s*quy(?:\s*(?P<next>sau|tiep theo|ke tiep|tiep))?(?!\s*\.?\s*(?:" + _QNUM + r"))"
    )
    for m in s.find(quarter):
        pos = re.sub(r"\s+", " ", m["pos"])
        s.shifts.append((m.start(), m.end(), _POSITION[pos] + (3 if m["next"] else 0), Recurrence.QUARTERLY))
    for m in s.matches(r"(?:cua\s*)?thang\s*(?P<next>sau|tiep theo|ke tiep|tiep)"):
        if m["next"] == "sau" and s.original[m.start("next"):m.end("next")].lower() != "sau":
            continue  # "tháng sáu" is June
        s.consume(m.start(), m.end())
        s.shifts.append((m.start(), m.end(), 1, Recurrence.MONTHLY))


def _scan_spans(s: _Scan) -> None:
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
            note = f"«{words}» là giai đoạn {y1}–{y2}: hạn là ngày kết thúc giai đoạn {_vi(end)}"
        else:
            note = (f"«{words}» là giai đoạn {y1}–{y2}: theo dõi hạn của năm {year} là {_vi(due)}; "
                    f"giai đoạn kết thúc ngày {_vi(end)}")
        explicit = [] if y1 <= s.plan_year <= y2 else [year]
        s.exprs.append(_Expr(m.start(), m.end(), due, due, explicit, note, kind="span", pre=m["pre"],
                             span_end=end))


def _scan_halves(s: _Scan) -> None:
    # "6 tháng đầu năm", "06 tháng cuối năm 2024", "9 tháng/2024", "nửa đầu năm"
    pattern = (
        r"(?:(?P<pre>truoc|trong|het)\s*)?(?:(?P<n>0?6|0?9|sau|chin)\s*thang|nua)"
        r"(?:\s*(?P<pos>dau|cuoi)\s*nam)?" + _YEAR
    )
    for m in list(re.finditer(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", s.text)):
        if not m["pos"] and not m["y"]:
            continue  # "6 tháng" alone: a duration or a recurrence, not a date
        s.consume(m.start(), m.end())
        year, explicit = _year_of(m, s.plan_year)
        n = m["n"] or "6"
        months = 9 if n.lstrip("0") == "9" or n == "chin" else 6
        end_month = 12 if m["pos"] == "cuoi" else months
        day = _month_end(year, end_month)
        s.exprs.append(_Expr(m.start(), m.end(), day, day, explicit, kind="half", pre=m["pre"]))


def _scan_quarters(s: _Scan) -> None:
    q = rf"{_QWORD}\s*\.?\s*(?P<q>{_QNUM})"
    more = rf"(?P<more>(?:\s*(?:,|va|&|-|–|den|toi|\+)\s*(?:{_QWORD}\s*\.?\s*)?{_QNUM})*)"
    for m in s.find(_PREFIX + q + more + _YEAR):
        year, explicit = _year_of(m, s.plan_year)
        quarters = [_qnum(m["q"])] + [
            _qnum(t) for t in re.findall(rf"(?<![a-z0-9])({_QNUM})", re.sub(_QWORD, " ", m["more"] or ""))
        ]
        pre, note = m["pre"], ""
        words = s.quote(m.start(), m.end())
        dates: list[dt.date] = []
        for quarter in quarters:
            if pre == "truoc":
                day = _quarter_end(year, quarter - 1) if quarter > 1 else dt.date(year - 1, 12, 31)
            elif pre == "dau":
                day = _month_end(year, quarter * 3 - 2)
                note = f"«{words}» được hiểu là hạn {_vi(day)} (cuối tháng đầu của quý)"
            elif pre == "giua":
                day = _month_end(year, quarter * 3 - 1)
                note = f"«{words}» được hiểu là hạn {_vi(day)} (cuối tháng thứ hai của quý)"
            else:
                day = _quarter_end(year, quarter)
            dates.append(day)
        s.exprs.append(_Expr(m.start(), m.end(), min(dates), max(dates), explicit, note, kind="quarter", pre=pre,
                             dates=dates))


def _scan_months(s: _Scan) -> None:
    more = rf"(?P<more>(?:\s*(?:,|va|&|-|–|den|toi)\s*(?:thang\s*{_MWORD}|(?:thang\s*)?{_MDIGITS}))*)"
    pattern = _PREFIX + rf"thang\s*(?P<mo>{_MTOKEN})" + more + _YEAR
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
                day = _month_end(year, month - 1) if month > 1 else dt.date(year - 1, 12, 31)
            elif pre == "dau":
                day = dt.date(year, month, 10)
                note = f"«{words}» được hiểu là hạn {_vi(day)}"
            elif pre == "giua":
                day = dt.date(year, month, 15)
                note = f"«{words}» được hiểu là hạn {_vi(day)}"
            else:
                day = _month_end(year, month)
            dates.append(day)
        s.exprs.append(_Expr(m.start(), m.end(), min(dates), max(dates), explicit, note, kind="month", pre=pre,
                             dates=dates))
    # "tháng 13", "tháng 0": time-like but not a month
    for m in re.finditer(r"(?<![a-z])thang\s*\d+", s.text):
        s.bad.append((m.start(), m.end()))
        s.consume(m.start(), m.end())
    # "12/2024", "12-2024", "12.2024": month and year without the word "tháng" (not "Quý 5/2024")
    pattern = (r"(?<![a-z0-9/.\-])(?:(?P<pre>truoc|trong|het|cuoi)\s*)?(?P<mo>1[0-2]|0?[1-9])\s*[/.\-]\s*"
               r"(?P<y>\d{4})(?!\d)")
    for m in list(re.finditer(pattern, s.text)):
        if re.search(rf"(?<![a-z]){_QWORD}\s*\.?\s*$", s.folded[: m.start()]):
            continue
        s.consume(m.start(), m.end())
        year, month = int(m["y"]), int(m["mo"])
        if m["pre"] == "truoc":
            day = _month_end(year, month - 1) if month > 1 else dt.date(year - 1, 12, 31)
        else:
            day = _month_end(year, month)
        s.exprs.append(_Expr(m.start(), m.end(), day, day, [year], kind="month", pre=m["pre"]))


def _scan_years(s: _Scan) -> None:
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
            note = f"«{words}» được hiểu là hạn {_vi(day)} (hết quý I)"
        elif pre == "giua":
            day = dt.date(year, 6, 30)
            note = f"«{words}» được hiểu là hạn {_vi(day)}"
        else:
            day = dt.date(year, 12, 31)
        s.exprs.append(_Expr(m.start(), m.end(), day, day, explicit, note, kind="year", pre=pre))
    # a bare year: "2024", "Trong 2024"
    for m in s.find(r"(?<![/.\-])(?:(?P<pre>trong|het|cuoi|ca)\s*)?(?P<y>20\d\d)"):
        year = int(m["y"])
        s.exprs.append(_Expr(m.start(), m.end(), dt.date(year, 12, 31), dt.date(year, 12, 31), [year],
                             kind="year", pre=m["pre"]))


# --------------------------------------------------------------------------- milestones
_SEPARATOR = re.compile(r"(?:^|\s)[-–•+*]\s|[.;]\s|[.;]$|\n|^[-–•+*]")


def _strip_label(label: str) -> str:
    """Remove punctuation and time words at both ends of a label."""
    changed = True
    text = label
    while changed:
        changed = False
        text = text.strip(" \t\n.,;:-–•+*()")
        folded = _fold(text)
        for word in LABEL_EDGE_WORDS:
            if folded.startswith(word + " ") or folded == word:
                text, changed = text[len(word):], True
                break
            if folded.endswith(" " + word):
                text, changed = text[: len(text) - len(word)], True
                break
    text = text.strip(" \t\n.,;:-–•+*()")
    return text[:1].lower() + text[1:] if text else ""


def _segments(s: _Scan) -> list[tuple[int, int]]:
    """Spans of the cell between separators (bullets, sentence ends, ';'), outside dates."""
    inside = [False] * len(s.original)
    for e in s.exprs:
        for i in range(e.start, e.end):
            inside[i] = True
    cuts = [0]
    for m in _SEPARATOR.finditer(s.original):
        if not any(inside[m.start():m.end()]):
            cuts.extend([m.start(), m.end()])
    cuts.append(len(s.original))
    spans = []
    for i in range(0, len(cuts) - 1, 2):
        if cuts[i] < cuts[i + 1]:
            spans.append((cuts[i], cuts[i + 1]))
    return spans


def _milestones(s: _Scan) -> list[Milestone]:
    exprs = sorted(s.exprs, key=lambda e: e.start)
    labels: list[str] = []
    for seg_start, seg_end in _segments(s):
        inside = [e for e in exprs if seg_start <= e.start < seg_end]
        if not inside:
            continue
        bounds = [seg_start] + [p for e in inside for p in (e.start, e.end)] + [seg_end]
        gaps = [_strip_label(s.original[bounds[i]:bounds[i + 1]]) for i in range(0, len(bounds), 2)]
        # gaps[k] is the text before inside[k]; gaps[-1] the text after the last one
        if gaps[0] or s.original[seg_start:inside[0].start].strip(" \t\n.,;:-–•+*()"):
            labels.extend(gaps[: len(inside)])  # labels written before their dates
        else:
            labels.extend(gaps[1:])  # labels written after their dates
    has_colon = ":" in s.original
    named = [label for label in labels if label]
    if len(exprs) >= 2 and named or has_colon and named:
        return [
            Milestone(label=label or DEFAULT_MILESTONE_LABEL, due=e.last)
            for label, e in zip(labels, exprs, strict=False)
        ]
    return []


# --------------------------------------------------------------------------- parse
def _normalise(text: object) -> str:
    s = clean(text, keep_newlines=True)
    s = modern_tones(s)
    s = s.replace("\n", " ; ")
    s = re.sub(r"\s+", " ", s).strip()
    return s


def _phrase_spans(s: _Scan, patterns: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        spans.extend((m.start(), m.end()) for m in s.find(pattern))
    return sorted(spans)


def _leftover_timeish(s: _Scan) -> list[str]:
    """Original words that look like time (digits, quý, tháng…) but were not read."""
    chunks: list[str] = []
    for m in re.finditer(r"[^\0]+", s.text):
        piece = m.group(0)
        if _TIMEISH.search(piece):
            chunks.append(s.quote(m.start(), m.end()))
    for start, end in s.bad:
        quoted = s.quote(start, end)
        if quoted not in " ".join(chunks):
            chunks.append(quoted)
    return [c for c in chunks if c]


def _event_years(s: _Scan, events: list[tuple[int, int]]) -> None:
    """"Sau khi UBND tỉnh công bố kết quả đánh giá năm 2024": a plain year after an event
    trigger, in the same sentence, says which event — it is not a due date."""
    for e in list(s.exprs):
        if e.kind != "year" or e.pre:
            continue
        for start, end in events:
            if start < e.start and not _SEPARATOR.search(s.original[end:e.start]):
                s.exprs.remove(e)
                break


# How many instances a year each cycle has; "hằng năm" with 2, 4 or 12 named months is
# that cycle ("tháng 5 và tháng 11 hằng năm" is semiannual).
_PER_YEAR: dict[Recurrence, int] = {
    Recurrence.MONTHLY: 12, Recurrence.QUARTERLY: 4, Recurrence.SEMIANNUAL: 2, Recurrence.ANNUAL: 1,
}
_BY_COUNT = {n: rec for rec, n in _PER_YEAR.items()}


@dataclass
class _Shape:
    recurrence: Recurrence
    day: int | None = None
    months: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _recurrence_shape(s: _Scan, rec: Recurrence, tracked: str) -> _Shape:
    """The day and months of a recurring cell from the dates it names without a year."""
    shape = _Shape(rec)
    kinds = {"date", "month"} | ({"quarter"} if rec is Recurrence.ANNUAL else set())
    named = [e for e in sorted(s.exprs, key=lambda e: e.start) if e.kind in kinds]
    pairs: list[tuple[int, int | None]] = []
    for e in named:
        for d in e.dates:
            pair = (d.month, None if d == _month_end(d.year, d.month) else d.day)
            if pair not in pairs:
                pairs.append(pair)
    day: int | None = None
    days = sorted({d.day for d in s.days})
    if days:
        day = days[0]
        if len(days) > 1:
            shape.warnings.append(f"Có nhiều ngày ({', '.join(d.words for d in s.days)}); theo dõi theo ngày {day}")
    if pairs:
        months = sorted({m for m, _ in pairs})
        if rec is Recurrence.ANNUAL and len(months) in _BY_COUNT:
            rec = shape.recurrence = _BY_COUNT[len(months)]
        if len(months) != _PER_YEAR[rec]:
            words = ", ".join(f"«{s.quote(e.start, e.end)}»" for e in named)
            shape.warnings.append(
                f"{words} không khớp chu kỳ {tracked} ({_PER_YEAR[rec]} lần một năm): theo dõi theo cuối mỗi kỳ")
            pairs, months = [], []
        else:
            shape.months = months
            own = sorted({d for _, d in pairs if d is not None})
            if own:
                if len(own) > 1 or len(own) < len({d for _, d in pairs}):
                    shape.warnings.append(
                        f"Các kỳ có ngày khác nhau ({', '.join(f'«{s.quote(e.start, e.end)}»' for e in named)}); "
                        f"theo dõi theo ngày {own[0]} của mỗi tháng hạn")
                day = own[0]
    shift = [sh for sh in s.shifts if sh[3] in (rec, Recurrence.QUARTERLY) or rec is Recurrence.MONTHLY]
    if shift and not shape.months:
        offset = shift[0][2]
        shape.months = [(m - 1 + offset) % 12 + 1 for m in _RECURRENCE_MONTHS[rec]]
    if day == 0:  # "trước ngày 01": the end of the month before, i.e. of the cycle's month
        day = None
        if shape.months:
            shape.months = [(m - 2) % 12 + 1 for m in shape.months]
    shape.day = day
    if shape.months == list(_RECURRENCE_MONTHS[rec]):
        shape.months = []
    short = [m for m in (shape.months or _RECURRENCE_MONTHS[rec]) if _month_end(2023, m).day < (day or 0)]
    if day is not None and short:
        shape.warnings.append(f"Ngày {day} hằng kỳ: tháng không có ngày {day} thì hạn là ngày cuối tháng")
    return shape


def parse(text: str | None, plan_year: int) -> Deadline:
    """What a deadline cell means, with warnings in Vietnamese where the reading is unsure."""
    original = _normalise(text)
    if not original.strip(" .,;:-–•+*"):
        return Deadline(kind=DeadlineKind.UNSPECIFIED, warnings=["Thời gian hoàn thành để trống"])

    s = _Scan(original=original, folded=_fold(original), plan_year=plan_year)
    _scan_document_numbers(s)
    _scan_explicit_dates(s)
    _scan_spans(s)
    _scan_days(s)
    _scan_positions(s)
    relative = [m for m in re.finditer(rf"(?<![a-z0-9]){RELATIVE_LIMIT}", s.text)]
    for m in relative:
        s.consume(m.start(), m.end())
    recurrence_spans: list[tuple[int, int, Recurrence]] = []
    for pattern, rec in RECURRENCE_PHRASES:
        recurrence_spans.extend((m.start(), m.end(), rec) for m in s.find(pattern))
    # "tháng cuối quý" without a quarter number: every quarter
    recurrence_spans.extend((a, b, r) for a, b, _, r in s.shifts if r is Recurrence.QUARTERLY)
    _scan_halves(s)
    _scan_quarters(s)
    _scan_months(s)
    _scan_years(s)
    _phrase_spans(s, RECURRENCE_COMPANIONS)  # consumed: "… và tổng kết năm"
    _phrase_spans(s, FILLER_PHRASES)
    deferred = _phrase_spans(s, DEFERRED_PHRASES)
    continuous = _phrase_spans(s, CONTINUOUS_PHRASES)
    events = _phrase_spans(s, EVENT_PHRASES)
    _event_years(s, events)

    warnings: list[str] = []
    # years the cell names, judged by the dates they lead to ("trước năm 2025" is 2024)
    years = sorted({d.year for e in s.exprs if e.explicit_years for d in (e.first, e.last)})
    for y in years:
        if y < plan_year:
            warnings.append(f"Năm {y} trước năm của kế hoạch ({plan_year})")
        elif y > plan_year:
            warnings.append(f"Năm {y} sau năm của kế hoạch ({plan_year})")

    def also(spans: list[tuple[int, int]], tracked: str) -> None:
        for start, end in spans:
            warnings.append(f"Theo dõi theo {tracked}; «{s.quote(start, end)}» chỉ ghi nhận, không dùng để tính hạn")

    def partial(due: dt.date) -> None:
        for chunk in _leftover_timeish(s):
            warnings.append(f"Chỉ đọc được một phần: không hiểu «{chunk}»; hạn lấy theo phần đọc được: {_vi(due)}")

    if recurrence_spans:
        recurrence_spans.sort()  # the first cycle written is the one tracked
        rec = recurrence_spans[0][2]
        tracked = f"«{s.quote(recurrence_spans[0][0], recurrence_spans[0][1])}»"
        shape = _recurrence_shape(s, rec, tracked)
        warnings.extend(e.note for e in s.exprs if e.note)
        year = years[-1] if years else plan_year
        instances = recurring_instances(shape.recurrence, year, shape.day, shape.months)
        also(events + continuous + deferred, tracked)
        if len({r for _, _, r in recurrence_spans}) > 1:
            others = ", ".join(f"«{s.quote(a, b)}»" for a, b, r in recurrence_spans[1:] if r != rec)
            warnings.append(f"Có nhiều chu kỳ; theo dõi theo {tracked}, bỏ qua {others}")
        warnings.extend(shape.warnings)
        return Deadline(
            kind=DeadlineKind.RECURRING, recurrence=shape.recurrence, first_due=instances[0], due=instances[-1],
            day_of_month=shape.day, months=shape.months, warnings=warnings,
        )

    # a day without its month, or "tháng sau", means something only in a recurring cell
    s.bad.extend((d.start, d.end) for d in s.days)
    s.bad.extend((a, b) for a, b, _, _ in s.shifts)
    warnings.extend(e.note for e in s.exprs if e.note)

    if s.exprs:
        # "trước 1/1", "trước quý I": no year written, yet the day falls outside the plan's year
        implicit = sorted({d for e in s.exprs if not e.explicit_years for d in e.dates if d.year not in years})
        for d in implicit:
            if d.year != plan_year:
                where = "trước" if d.year < plan_year else "sau"
                warnings.append(f"Hạn {_vi(d)} ở năm {d.year}, {where} năm của kế hoạch ({plan_year}), "
                                "dù ô không ghi năm: cần kiểm tra lại")
        milestones = _milestones(s)
        tracked = "ngày " + _vi(max(e.last for e in s.exprs))
        if not milestones:
            also(events + continuous + deferred, tracked)
        partial(max(e.last for e in s.exprs))
        spans = [e.span_end for e in s.exprs if e.span_end]
        return Deadline(
            kind=DeadlineKind.DATE,
            first_due=min(e.first for e in s.exprs),
            due=max(e.last for e in s.exprs),
            milestones=milestones,
            span_end=max(spans) if spans else None,
            warnings=warnings,
        )

    if events or relative:
        rel = relative[0] if relative else None
        if rel and not events and not re.search(r"(?<![a-z])(?:ke tu|tinh tu)(?![a-z])", s.folded):
            warnings.append(f"«{s.quote(rel.start(), rel.end())}» không nói tính từ khi nào")
        for start, end in s.bad:
            warnings.append(f"Chỉ đọc được một phần: không hiểu «{s.quote(start, end)}»")
        return Deadline(
            kind=DeadlineKind.EVENT,
            relative_days=int(rel["n"]) if rel else None,
            working_days=bool(rel and rel["wd"]),
            warnings=warnings,
        )

    if continuous or deferred:
        if deferred:
            warnings.append(f"Hạn theo văn bản khác («{original}»): kế hoạch không ghi ngày cụ thể")
        return Deadline(kind=DeadlineKind.CONTINUOUS, warnings=warnings)

    return Deadline(
        kind=DeadlineKind.UNSPECIFIED,
        warnings=[f"Không hiểu thời gian hoàn thành «{original}»: cần ghi rõ, ví dụ «Quý I/{plan_year}»"],
    )


# --------------------------------------------------------------------------- recurrence
_RECURRENCE_MONTHS: dict[Recurrence, tuple[int, ...]] = {
    Recurrence.MONTHLY: tuple(range(1, 13)),
    Recurrence.QUARTERLY: (3, 6, 9, 12),
    Recurrence.SEMIANNUAL: (6, 12),
    Recurrence.ANNUAL: (12,),
}


def recurring_instances(
    recurrence: Recurrence, year: int, day_of_month: int | None = None, months: list[int] | None = None,
) -> list[dt.date]:
    """Every due date of a recurring deadline in a year, in order: on `day_of_month` (the
    month's last day when None) of `months` (the ends of the recurrence's periods when
    empty). A month smaller than the one before it falls in the next year."""
    out: list[dt.date] = []
    y, previous = year, 0
    for month in months or _RECURRENCE_MONTHS[recurrence]:
        if month < previous:
            y += 1
        previous = month
        out.append(_on_day(y, month, day_of_month))
    return out


def instance_due(deadline: Deadline, period: Period) -> dt.date | None:
    """The due date a reporting period looks at.

    Recurring: the i-th instance of the year belongs to the i-th period of its cycle
    (month, quarter, half, year); a reporting period looks at the instance of the first
    cycle period that ends on or after the period's end. With the default day and months
    that is the period's end for quarterly and monthly (31/3, 30/6, 30/9, 31/12);
    semiannual: 30/6 for quý I and 6 tháng, 31/12 for 9 tháng and năm; annual: 31/12.
    "Trước ngày 18 của tháng cuối mỗi quý": 17/3 for quý I; "tháng 5 và tháng 11 hằng
    năm": 31/5 for quý I and 6 tháng, 30/11 for 9 tháng and năm. Anything else: `due`.
    """
    if deadline.kind is DeadlineKind.RECURRING and deadline.recurrence is not None:
        ends = _RECURRENCE_MONTHS[deadline.recurrence]
        days = recurring_instances(deadline.recurrence, period.year, deadline.day_of_month, deadline.months)
        for end_month, day in zip(ends, days, strict=False):
            if _month_end(period.year, end_month) >= period.end:
                return day
        return None
    return deadline.due


# --------------------------------------------------------------------------- in Vietnamese
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
        months = d.months or list(_RECURRENCE_MONTHS[d.recurrence])
        named: list[str] = []
        previous, later = 0, False
        for month in months:
            later = later or month < previous
            previous = month
            named.append(f"{month} (năm sau)" if later else str(month))
        lines.append(f"  Hạn mỗi kỳ: {day}, tháng {', '.join(named)}")
        days = recurring_instances(d.recurrence, d.first_due.year if d.first_due else plan_year,
                                   d.day_of_month, d.months)
        lines.append(f"  Các hạn: {', '.join(_vi(x) for x in days)}")
    else:
        if d.first_due and d.first_due != d.due:
            lines.append(f"  Hạn đầu: {_vi(d.first_due)}")
        if d.due:
            lines.append(f"  Hạn: {_vi(d.due)}")
    for m in d.milestones:
        lines.append(f"  Mốc «{m.label}»: {_vi(m.due)}")
    if d.span_end:
        lines.append(f"  Kết thúc giai đoạn: {_vi(d.span_end)}")
    if d.relative_days is not None:
        unit = "ngày làm việc" if d.working_days else "ngày"
        lines.append(f"  Trong vòng: {d.relative_days} {unit}")
    lines += [f"  Cảnh báo: {w}" for w in d.warnings] or ["  Không có cảnh báo"]
    return lines
