"""Which returns a merge applies, in which order, and what each changes. Pure rules.

- The same file (same SHA-256) merged again changes nothing.
- Returns from one unit for one period are applied oldest first, so the latest
  received supersedes; every accepted change is logged, so history keeps both.
- Two different files from one unit and period received at the same moment are a
  conflict: neither is applied until the clerk chooses (removes one from the inbox, or
  the unit sends a newer one); a refused file is judged again at every merge, so the one
  kept is then merged.
- A receipt time after the merge's own time (a wrong clock) is capped at it (`receive`).
- A return older than one already accepted for that unit and period is recorded but
  does not overwrite the newer values.
- A report for an earlier period never overwrites a row already reported for a later
  period (a late Q1 file must not undo the 6-month report).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

_PERIOD_ORDER = {"Q1": 1, "H1": 2, "Q3": 3, "Y": 4}


def period_rank(code: str) -> tuple[int, int]:
    """Sort key of a period code "2024-Q1"; unknown codes sort first."""
    try:
        year, part = code.split("-", 1)
        return int(year), _PERIOD_ORDER.get(part.upper(), 0)
    except ValueError:
        return 0, 0


class Candidate(BaseModel):
    """A valid return waiting to be applied."""

    file: str
    sha256: str
    unit: str
    period: str
    received_at: dt.datetime


class Ordering(BaseModel):
    apply: list[Candidate]  # in the order to apply
    conflicts: list[Candidate]  # same unit, period and received time, different content
    # conflicts older than a return of the same unit and period applied now or merged before:
    # nothing left to choose
    outdated_conflicts: list[Candidate] = []
    superseded_by_earlier_merge: list[Candidate]  # older than an already-accepted return


def order_candidates(candidates: Iterable[Candidate],
                     latest_accepted: dict[tuple[str, str], dt.datetime]) -> Ordering:
    """Order returns oldest first per unit and period; set aside conflicts and stale files.

    `latest_accepted[(unit, period)]` is the received time of the newest return already
    merged into the master for that unit and period."""
    by_slot: dict[tuple[str, str, dt.datetime], list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_slot[(c.unit, c.period, c.received_at)].append(c)
    apply: list[Candidate] = []
    conflicts: list[Candidate] = []
    stale: list[Candidate] = []
    newest: dict[tuple[str, str], dt.datetime] = dict(latest_accepted)
    for (unit, period, received), group in by_slot.items():
        if len({c.sha256 for c in group}) == 1 and newest.get((unit, period), received) <= received:
            newest[(unit, period)] = received
    outdated: list[Candidate] = []
    for (unit, period, received), group in by_slot.items():
        distinct = {c.sha256 for c in group}
        if len(distinct) > 1:
            (outdated if newest.get((unit, period), received) > received else conflicts).extend(group)
            continue
        c = group[0]
        previous = latest_accepted.get((unit, period))
        if previous is not None and received < previous:
            stale.append(c)
        else:
            apply.append(c)
    apply.sort(key=lambda c: (c.received_at, c.unit, c.file))
    return Ordering(apply=apply, conflicts=conflicts, superseded_by_earlier_merge=stale, outdated_conflicts=outdated)


def comparable(value: Any) -> Any:
    """Values as stored in the master, so that "99.0" and 99 or "" and None compare equal."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def changed_fields(current: dict[str, Any], reported: dict[str, Any],
                   fields: list[str]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field whose reported value differs from the master."""
    return [(f, current.get(f), reported.get(f)) for f in fields
            if comparable(current.get(f)) != comparable(reported.get(f))]


def reports_nothing(reported: dict[str, Any], fields: list[str]) -> bool:
    """A row the unit left entirely blank is no report: it must not wipe earlier values."""
    return all(comparable(reported.get(f)) == "" for f in fields)


def receipt_time(mail_sent: dt.datetime | None, declared: dt.datetime | None,
                 file_time: dt.datetime) -> dt.datetime:
    """When a return reached the office, in order of trust: the `Date` of the e-mail it
    arrived in, a time the clerk declared (`--received`), the file's modification time
    (which a copy of the inbox resets, so it is the last resort)."""
    return mail_sent or declared or file_time


class Receipt(BaseModel):
    """The receipt time a merge uses for one return, and what its source claimed."""

    at: dt.datetime  # used to order the unit's returns, to judge `Đúng hạn`, as `Cập nhật lúc`
    claimed: dt.datetime  # what the e-mail, --received or the file's clock said

    @property
    def in_future(self) -> bool:
        return self.claimed > self.at


def receive(mail_sent: dt.datetime | None, declared: dt.datetime | None, file_time: dt.datetime,
            now: dt.datetime) -> Receipt:
    """The one receipt-time rule (merge, .eml `Date`, `--received`): `receipt_time`, capped
    at `now`, the moment the merge reads the file. A time after it is a wrong clock (the
    unit's PC, a mail server, a typo): the file was received by now at the latest. Taken as
    claimed, it would outrank every later correction from that unit for ever ("older
    return"); capped, any return that reaches the office after this merge is newer. The
    clerk may still type the true time in `Nộp báo cáo` (`review_receipts`)."""
    claimed = receipt_time(mail_sent, declared, file_time)
    return Receipt(at=min(claimed, now), claimed=claimed)


def latest_receipts(rows: Iterable[dict[str, Any]], now: dt.datetime, *,
                    accepted: tuple[str, ...]) -> tuple[dict[tuple[str, str], dt.datetime], list[tuple[int, dt.datetime]]]:
    """{(unit, period): the newest receipt time among the accepted `Nộp báo cáo` rows},
    and the (row, time) of accepted rows whose `Nhận lúc` is after `now`: those come from
    a wrong clock (logged before times were capped, or typed so) and rank nothing, or
    they would freeze the unit's later corrections as older."""
    latest: dict[tuple[str, str], dt.datetime] = {}
    future: list[tuple[int, dt.datetime]] = []
    for r in rows:
        if str(r.get("outcome") or "") not in accepted:
            continue
        at = parse_receipt_time(r.get("received_at"))
        if at is None:
            continue
        if at > now:
            future.append((int(r.get("row") or 0), at))
            continue
        slot = (str(r.get("unit") or ""), str(r.get("period") or ""))
        if slot not in latest or at > latest[slot]:
            latest[slot] = at
    return latest, future


_RECEIPT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y",
                    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_receipt_time(value: Any) -> dt.datetime | None:
    """A `Nhận lúc` cell as the clerk left it: a date-time cell, a date, or text typed day
    first ("16/03/2026 08:30", "16/03/2026"); None when it is empty or unreadable."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value.strip():
        text = " ".join(value.split())
        for fmt in _RECEIPT_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    return None


class ReceiptFix(BaseModel):
    """A `Nộp báo cáo` row whose `Đúng hạn` no longer matches its `Nhận lúc` (the clerk
    corrected the receipt time, or the period's deadline was changed)."""

    row: int  # sheet row number
    unit: str
    period: str
    file: str
    received_at: dt.datetime
    on_time: bool  # judged from `received_at` against the period's deadline
    was: str  # the `Đúng hạn` text before


class ReceiptReview(BaseModel):
    fixes: list[ReceiptFix]
    unreadable: list[tuple[int, str]]  # (row, text) of `Nhận lúc` cells that are no time
    # (unit, period, file) → receipt time of the last accepted row for that file: what
    # `Theo dõi`'s `Cập nhật lúc` of the rows it wrote must say
    accepted_times: dict[tuple[str, str, str], dt.datetime]


def review_receipts(rows: Iterable[dict[str, Any]], deadline_of: Any, *, on_time_label: str,
                    late_label: str, accepted: tuple[str, ...]) -> ReceiptReview:
    """Re-judge every accepted return from its `Nhận lúc` as the sheet has it now: the clerk
    may correct a receipt time there (a file copied late, an e-mail that arrived on time),
    and the next merge honours the correction. `rows`: `Nộp báo cáo` records with "row",
    "unit", "period", "file", "received_at", "on_time", "outcome"; `deadline_of(period
    code)` the submission deadline, or None for a period it cannot judge."""
    fixes: list[ReceiptFix] = []
    unreadable: list[tuple[int, str]] = []
    accepted_times: dict[tuple[str, str, str], dt.datetime] = {}
    for r in rows:
        raw = r.get("received_at")
        at = parse_receipt_time(raw)
        if at is None:
            if raw not in (None, ""):
                unreadable.append((int(r["row"]), str(raw)))
            continue
        period = str(r.get("period") or "")
        slot = (str(r.get("unit") or ""), period, str(r.get("file") or ""))
        if str(r.get("outcome") or "") not in accepted:
            continue  # a refused file's timing decides nothing (it may even be another period's)
        accepted_times[slot] = at  # later rows (a file sent again) win
        deadline = deadline_of(period)
        if deadline is None:
            continue
        on_time = at.date() <= deadline
        was = str(r.get("on_time") or "").strip()
        if was != (on_time_label if on_time else late_label):
            fixes.append(ReceiptFix(row=int(r["row"]), unit=slot[0], period=period, file=slot[2],
                                    received_at=at, on_time=on_time, was=was))
    return ReceiptReview(fixes=fixes, unreadable=unreadable, accepted_times=accepted_times)
