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

Where things are: the words (phrase tables, with their sources) in `deadline_vocabulary`;
the readers of time expressions in `deadline_scan`; how a cell resolves (recurring, dated,
event, continuous), milestones and recurrence instances here; the Vietnamese description
of a reading in `deadline_describe`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parc_xl.domain.deadline_scan import (
    Scan,
    fold,
    leftover_timeish,
    month_end,
    on_day,
    phrase_spans,
    scan_days,
    scan_document_numbers,
    scan_explicit_dates,
    scan_halves,
    scan_months,
    scan_positions,
    scan_quarters,
    scan_spans,
    scan_years,
)
from parc_xl.domain.deadline_vocabulary import (
    CONTINUOUS_PHRASES,
    DEFAULT_MILESTONE_LABEL,
    DEFERRED_PHRASES,
    EVENT_PHRASES,
    FILLER_PHRASES,
    LABEL_EDGE_WORDS,
    RECURRENCE_COMPANIONS,
    RECURRENCE_MONTHS,
    RECURRENCE_PHRASES,
    RELATIVE_LIMIT,
)
from parc_xl.domain.models import Deadline, DeadlineKind, Milestone, Recurrence
from parc_xl.domain.periods import Period
from parc_xl.domain.text import clean, date_vi, modern_tones

# --------------------------------------------------------------------------- milestones
_SEPARATOR = re.compile(r"(?:^|\s)[-–•+*]\s|[.;]\s|[.;]$|\n|^[-–•+*]")


def _strip_label(label: str) -> str:
    """Remove punctuation and time words at both ends of a label."""
    changed = True
    text = label
    while changed:
        changed = False
        text = text.strip(" \t\n.,;:-–•+*()")
        folded = fold(text)
        for word in LABEL_EDGE_WORDS:
            if folded.startswith(word + " ") or folded == word:
                text, changed = text[len(word):], True
                break
            if folded.endswith(" " + word):
                text, changed = text[: len(text) - len(word)], True
                break
    text = text.strip(" \t\n.,;:-–•+*()")
    return text[:1].lower() + text[1:] if text else ""


def _segments(s: Scan) -> list[tuple[int, int]]:
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


def _milestones(s: Scan) -> list[Milestone]:
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



def _event_years(s: Scan, events: list[tuple[int, int]]) -> None:
    """"Sau khi UBND tỉnh công bố kết quả đánh giá năm 2024": a plain year after an event
    trigger, in the same sentence, says which event — it is not a due date."""
    for e in list(s.exprs):
        if e.kind != "year" or e.pre:
            continue
        for start, end in events:
            if start < e.start and not _SEPARATOR.search(s.original[end:e.start]):
                s.exprs.remove(e)
                break




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


def _recurrence_shape(s: Scan, rec: Recurrence, tracked: str) -> _Shape:
    """The day and months of a recurring cell from the dates it names without a year."""
    shape = _Shape(rec)
    kinds = {"date", "month"} | ({"quarter"} if rec is Recurrence.ANNUAL else set())
    named = [e for e in sorted(s.exprs, key=lambda e: e.start) if e.kind in kinds]
    pairs: list[tuple[int, int | None]] = []
    for e in named:
        for d in e.dates:
            pair = (d.month, None if d == month_end(d.year, d.month) else d.day)
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
        shape.months = [(m - 1 + offset) % 12 + 1 for m in RECURRENCE_MONTHS[rec]]
    if day == 0:  # "trước ngày 01": the end of the month before, i.e. of the cycle's month
        day = None
        if shape.months:
            shape.months = [(m - 2) % 12 + 1 for m in shape.months]
    shape.day = day
    if shape.months == list(RECURRENCE_MONTHS[rec]):
        shape.months = []
    short = [m for m in (shape.months or RECURRENCE_MONTHS[rec]) if month_end(2023, m).day < (day or 0)]
    if day is not None and short:
        shape.warnings.append(f"Ngày {day} hằng kỳ: tháng không có ngày {day} thì hạn là ngày cuối tháng")
    return shape


@dataclass
class _Found:
    """What the scan found besides time expressions (those are on the `Scan`)."""

    relative: list[re.Match[str]]  # "không quá 10 ngày làm việc"
    recurrence: list[tuple[int, int, Recurrence]]  # cycle words, by position
    deferred: list[tuple[int, int]]  # "Theo Kế hoạch …"
    continuous: list[tuple[int, int]]  # "Thường xuyên"
    events: list[tuple[int, int]]  # "Khi có phát sinh"

    @property
    def untracked(self) -> list[tuple[int, int]]:
        """The phrases a dated or recurring reading records without using."""
        return self.events + self.continuous + self.deferred


def parse(text: str | None, plan_year: int) -> Deadline:
    """What a deadline cell means, with warnings in Vietnamese where the reading is unsure.

    The scan runs first (`_scan_all`); the reading is then, in this order of preference,
    recurring, dated, event-driven, continuous, else unspecified (module doc)."""
    original = _normalise(text)
    if not original.strip(" .,;:-–•+*"):
        return Deadline(kind=DeadlineKind.UNSPECIFIED, warnings=["Thời gian hoàn thành để trống"])

    s = Scan(original=original, folded=fold(original), plan_year=plan_year)
    found = _scan_all(s)
    # years the cell names, judged by the dates they lead to ("trước năm 2025" is 2024)
    years = sorted({d.year for e in s.exprs if e.explicit_years for d in (e.first, e.last)})
    warnings: list[str] = []
    for y in years:
        if y < plan_year:
            warnings.append(f"Năm {y} trước năm của kế hoạch ({plan_year})")
        elif y > plan_year:
            warnings.append(f"Năm {y} sau năm của kế hoạch ({plan_year})")

    if found.recurrence:
        return _recurring(s, found, years, warnings)

    # a day without its month, or "tháng sau", means something only in a recurring cell
    s.bad.extend((d.start, d.end) for d in s.days)
    s.bad.extend((a, b) for a, b, _, _ in s.shifts)
    warnings.extend(e.note for e in s.exprs if e.note)

    if s.exprs:
        return _dated(s, found, years, warnings)

    if found.events or found.relative:
        rel = found.relative[0] if found.relative else None
        if rel and not found.events and not re.search(r"(?<![a-z])(?:ke tu|tinh tu)(?![a-z])", s.folded):
            warnings.append(f"«{s.quote(rel.start(), rel.end())}» không nói tính từ khi nào")
        for start, end in s.bad:
            warnings.append(f"Chỉ đọc được một phần: không hiểu «{s.quote(start, end)}»")
        return Deadline(
            kind=DeadlineKind.EVENT,
            relative_days=int(rel["n"]) if rel else None,
            working_days=bool(rel and rel["wd"]),
            warnings=warnings,
        )

    if found.continuous or found.deferred:
        if found.deferred:
            warnings.append(f"Hạn theo văn bản khác («{original}»): kế hoạch không ghi ngày cụ thể")
        return Deadline(kind=DeadlineKind.CONTINUOUS, warnings=warnings)

    return Deadline(
        kind=DeadlineKind.UNSPECIFIED,
        warnings=[f"Không hiểu thời gian hoàn thành «{original}»: cần ghi rõ, ví dụ «Quý I/{plan_year}»"],
    )


def _scan_all(s: Scan) -> _Found:
    """Every reader, in the order that keeps one reading from eating another's words."""
    scan_document_numbers(s)
    scan_explicit_dates(s)
    scan_spans(s)
    scan_days(s)
    scan_positions(s)
    relative = [m for m in re.finditer(rf"(?<![a-z0-9]){RELATIVE_LIMIT}", s.text)]
    for m in relative:
        s.consume(m.start(), m.end())
    recurrence: list[tuple[int, int, Recurrence]] = []
    for pattern, rec in RECURRENCE_PHRASES:
        recurrence.extend((m.start(), m.end(), rec) for m in s.find(pattern))
    # "tháng cuối quý" without a quarter number: every quarter
    recurrence.extend((a, b, r) for a, b, _, r in s.shifts if r is Recurrence.QUARTERLY)
    scan_halves(s)
    scan_quarters(s)
    scan_months(s)
    scan_years(s)
    phrase_spans(s, RECURRENCE_COMPANIONS)  # consumed: "… và tổng kết năm"
    phrase_spans(s, FILLER_PHRASES)
    found = _Found(relative=relative, recurrence=recurrence, deferred=phrase_spans(s, DEFERRED_PHRASES),
                   continuous=phrase_spans(s, CONTINUOUS_PHRASES), events=phrase_spans(s, EVENT_PHRASES))
    _event_years(s, found.events)
    return found


def _only_recorded(s: Scan, spans: list[tuple[int, int]], tracked: str) -> list[str]:
    return [f"Theo dõi theo {tracked}; «{s.quote(start, end)}» chỉ ghi nhận, không dùng để tính hạn"
            for start, end in spans]


def _recurring(s: Scan, found: _Found, years: list[int], warnings: list[str]) -> Deadline:
    """A recurring reading: the first cycle written is the one tracked."""
    spans = sorted(found.recurrence)
    rec = spans[0][2]
    tracked = f"«{s.quote(spans[0][0], spans[0][1])}»"
    shape = _recurrence_shape(s, rec, tracked)
    warnings.extend(e.note for e in s.exprs if e.note)
    year = years[-1] if years else s.plan_year
    instances = recurring_instances(shape.recurrence, year, shape.day, shape.months)
    warnings.extend(_only_recorded(s, found.untracked, tracked))
    if len({r for _, _, r in spans}) > 1:
        others = ", ".join(f"«{s.quote(a, b)}»" for a, b, r in spans[1:] if r != rec)
        warnings.append(f"Có nhiều chu kỳ; theo dõi theo {tracked}, bỏ qua {others}")
    warnings.extend(shape.warnings)
    return Deadline(
        kind=DeadlineKind.RECURRING, recurrence=shape.recurrence, first_due=instances[0], due=instances[-1],
        day_of_month=shape.day, months=shape.months, warnings=warnings,
    )


def _dated(s: Scan, found: _Found, years: list[int], warnings: list[str]) -> Deadline:
    """A dated reading: `first_due` the earliest date named, `due` the latest, milestones."""
    plan_year = s.plan_year
    # "trước 1/1", "trước quý I": no year written, yet the day falls outside the plan's year
    implicit = sorted({d for e in s.exprs if not e.explicit_years for d in e.dates if d.year not in years})
    for d in implicit:
        if d.year != plan_year:
            where = "trước" if d.year < plan_year else "sau"
            warnings.append(f"Hạn {date_vi(d)} ở năm {d.year}, {where} năm của kế hoạch ({plan_year}), "
                            "dù ô không ghi năm: cần kiểm tra lại")
    milestones = _milestones(s)
    due = max(e.last for e in s.exprs)
    if not milestones:
        warnings.extend(_only_recorded(s, found.untracked, "ngày " + date_vi(due)))
    for chunk in leftover_timeish(s):
        warnings.append(f"Chỉ đọc được một phần: không hiểu «{chunk}»; hạn lấy theo phần đọc được: {date_vi(due)}")
    spans = [e.span_end for e in s.exprs if e.span_end]
    return Deadline(
        kind=DeadlineKind.DATE,
        first_due=min(e.first for e in s.exprs),
        due=due,
        milestones=milestones,
        span_end=max(spans) if spans else None,
        warnings=warnings,
    )



# --------------------------------------------------------------------------- recurrence
def recurring_instances(
    recurrence: Recurrence, year: int, day_of_month: int | None = None, months: list[int] | None = None,
) -> list[dt.date]:
    """Every due date of a recurring deadline in a year, in order: on `day_of_month` (the
    month's last day when None) of `months` (the ends of the recurrence's periods when
    empty). A month smaller than the one before it falls in the next year."""
    out: list[dt.date] = []
    y, previous = year, 0
    for month in months or RECURRENCE_MONTHS[recurrence]:
        if month < previous:
            y += 1
        previous = month
        out.append(on_day(y, month, day_of_month))
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
        ends = RECURRENCE_MONTHS[deadline.recurrence]
        days = recurring_instances(deadline.recurrence, period.year, deadline.day_of_month, deadline.months)
        for end_month, day in zip(ends, days, strict=False):
            if month_end(period.year, end_month) >= period.end:
                return day
        return None
    return deadline.due

