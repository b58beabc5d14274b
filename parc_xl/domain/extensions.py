"""Deadline extension requests (Đề nghị điều chỉnh): which requests are valid, which
deadline applies once the office decides, and what the clerk reads about it.

Pure logic, no I/O. The unit asks in its workbook (Tiến độ «Đề nghị điều chỉnh», a
proposed deadline «Hạn đề nghị» and a reason «Lý do điều chỉnh»); the merge lists each
request in the master's sheet «Đề nghị điều chỉnh»; the clerk writes the decision there
(«Đồng ý» / «Không đồng ý») and the approved date; status then judges the row against
the approved deadline. The plan's own text (Thời gian hoàn thành, Hạn) never changes:
the extension is a decision about one task × unit, recorded beside the plan.

Decisions:
- A request needs a proposed date strictly after the deadline in force for the period
  (the workbook's «Hạn»), and a reason. A task without a dated deadline (event,
  continuous) may still ask for a date; nothing to compare it with.
- «Đồng ý» without «Hạn được duyệt» approves the date the unit proposed.
- Several approved requests for the same task × unit: the one received last applies.
- A decision is recorded in `Lịch sử` once per (request, decision, approved date): the
  clerk changing it later is a new decision and is recorded again.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from parc_xl.domain.record import Record
from parc_xl.domain.text import ascii_fold, clean


class Decision(StrEnum):
    """What the office decides about a request (the dropdown of «Quyết định»)."""

    APPROVED = "Đồng ý"
    REFUSED = "Không đồng ý"


_DECISION_WORDS: dict[str, Decision] = {
    "dong y": Decision.APPROVED,
    "duyet": Decision.APPROVED,
    "da duyet": Decision.APPROVED,
    "chap thuan": Decision.APPROVED,
    "khong dong y": Decision.REFUSED,
    "khong duyet": Decision.REFUSED,
    "khong chap thuan": Decision.REFUSED,
    "tu choi": Decision.REFUSED,
}


def parse_decision(value: object) -> tuple[Decision | None, bool]:
    """(decision, readable): an empty cell is (None, True), an unknown word (None, False)."""
    text = clean(value)
    if not text:
        return None, True
    folded = ascii_fold(text).strip(" .!")
    found = _DECISION_WORDS.get(folded)
    return found, found is not None


class RequestCheck(Record):
    """What is wrong with one request as the unit wrote it (codes of problems.CATALOGUE)."""

    date_missing: bool = False
    not_after_deadline: bool = False
    reason_missing: bool = False

    @property
    def ok(self) -> bool:
        return not (self.date_missing or self.not_after_deadline or self.reason_missing)


def check_request(proposed: dt.date | None, reason: str, current_due: dt.date | None) -> RequestCheck:
    """A request's validity: a proposed date after the deadline in force, and a reason."""
    return RequestCheck(
        date_missing=proposed is None,
        not_after_deadline=proposed is not None and current_due is not None and proposed <= current_due,
        reason_missing=not clean(reason),
    )


class ExtensionRequest(Record):
    """One row of the master's «Đề nghị điều chỉnh» sheet."""

    row: int = 0  # sheet row (1-based), 0 for a request not written yet
    key: str
    unit: str
    unit_name: str = ""
    period: str = ""
    current_due: dt.date | None = None
    proposed_due: dt.date | None = None
    reason: str = ""
    received_at: dt.datetime | None = None
    decision_text: str = ""  # as the clerk typed it
    approved_text: str = ""  # «Hạn được duyệt» as typed, when it is not a date
    approved_due: dt.date | None = None
    logged: str = ""  # signature of the decision last recorded in Lịch sử

    def identity(self) -> tuple[str, str, dt.date | None]:
        """The same unit asking the same date for the same task is the same request."""
        return self.key, self.unit, self.proposed_due

    @property
    def decision(self) -> Decision | None:
        return parse_decision(self.decision_text)[0]

    def granted_due(self) -> dt.date | None:
        """The deadline the office granted, or None when not (yet) approved."""
        if self.decision is not Decision.APPROVED:
            return None
        return self.approved_due or self.proposed_due

    def signature(self) -> str:
        """What `Lịch sử` has recorded about this decision ("" when nothing is decided)."""
        decision = self.decision
        if decision is None:
            return ""
        granted = self.granted_due()
        return f"{decision.value}|{granted.isoformat() if granted else ''}"


class Approval(Record):
    """The approved deadline of one task × unit and where it came from."""

    key: str
    unit: str
    unit_name: str
    period: str
    due: dt.date
    received_at: dt.datetime | None = None

    def note(self) -> str:
        """The status cell's note: says the task is judged against a moved deadline."""
        when = f" ngày {self.received_at:%d/%m/%Y}" if self.received_at else ""
        return f"Hạn đã điều chỉnh: {self.due:%d/%m/%Y} theo đề nghị của {self.unit_name or self.unit}{when}."


def approvals(requests: list[ExtensionRequest]) -> dict[tuple[str, str], Approval]:
    """{(task key, unit): the approval in force}: the last received approved request."""
    out: dict[tuple[str, str], Approval] = {}
    order = sorted(requests, key=lambda r: (r.received_at or dt.datetime.min, r.row))
    for r in order:
        due = r.granted_due()
        if due is None:
            continue
        out[(r.key, r.unit)] = Approval(key=r.key, unit=r.unit, unit_name=r.unit_name, period=r.period,
                                        due=due, received_at=r.received_at)
    return out


def decisions_to_log(requests: list[ExtensionRequest]) -> list[ExtensionRequest]:
    """Requests whose current decision `Lịch sử` has not recorded yet."""
    return [r for r in requests if r.signature() and r.signature() != r.logged]


def history_text(r: ExtensionRequest) -> str:
    """«Giá trị mới» of the `Lịch sử` row recording a decision."""
    decision = r.decision
    granted = r.granted_due()
    if decision is Decision.APPROVED and granted is not None:
        return f"Đồng ý điều chỉnh hạn đến {granted:%d/%m/%Y}"
    proposed = f" đến {r.proposed_due:%d/%m/%Y}" if r.proposed_due else ""
    return f"Không đồng ý điều chỉnh hạn{proposed}"
