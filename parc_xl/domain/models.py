"""The plan, its tasks and the unit registry: the data every job passes around.

Pure data (pydantic), no I/O. Field names follow PRODUCT.md's JSON contract.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import ConfigDict, Field

from parc_xl.domain.record import Record


class DeadlineKind(StrEnum):
    DATE = "date"
    RECURRING = "recurring"
    EVENT = "event"
    CONTINUOUS = "continuous"
    UNSPECIFIED = "unspecified"


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class Milestone(Record):
    """A labelled step inside one deadline cell ("Ban hành kế hoạch: Quý I")."""

    label: str
    due: dt.date


class Deadline(Record):
    """What a "Thời gian" cell means; produced by `domain.deadlines.parse`."""

    kind: DeadlineKind
    first_due: dt.date | None = None
    due: dt.date | None = None
    recurrence: Recurrence | None = None
    relative_days: int | None = None
    working_days: bool = False
    milestones: list[Milestone] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # Recurring deadlines that name a day or months ("trước ngày 22 hằng tháng", "tháng 5
    # và tháng 11 hằng năm"): the day each instance falls on (None: the month's last day;
    # 29–31 stop at a shorter month's end) and the calendar months of the instances in
    # order (empty: the ends of the recurrence's periods; a month smaller than the one
    # before it is in the next year: [4, 7, 10, 1] for "tháng đầu quý sau").
    day_of_month: int | None = None
    months: list[int] = Field(default_factory=list)
    # A multi-year span ("Giai đoạn 2021 - 2025"): its last day; `due` is the plan year's part.
    span_end: dt.date | None = None


class Area(Record):
    """A reform area (lĩnh vực): the grouping rows of the appendix."""

    code: str  # as printed: "1" or "I"
    title: str
    index: int  # 1-based order in the plan


class Task(Record):
    key: str  # stable: printed STT when unique, "<parent>#<n>" for unnumbered sub-tasks
    stt: str  # as printed, "" for unnumbered sub-rows
    area: str  # Area.code
    task: str
    product: str = ""
    lead: str = ""  # the lead cell as written
    coord: str = ""  # the coordination cell as written
    deadline_text: str = ""
    deadline: Deadline | None = None
    lead_units: list[str] = Field(default_factory=list)  # unit or group codes
    coord_units: list[str] = Field(default_factory=list)
    parent: str | None = None  # key of the heading row this task sits under
    source_row: int | None = None  # line (text) or row (sheet/table) it came from


class Plan(Record):
    issuer: str = ""
    title: str = ""
    year: int
    source: str = ""
    areas: list[Area] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    stated_total: int | None = None

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def task(self, key: str) -> Task | None:
        return next((t for t in self.tasks if t.key == key), None)


class Unit(Record):
    code: str
    name: str
    groups: list[str] = Field(default_factory=list)  # UnitGroup codes
    aliases: list[str] = Field(default_factory=list)  # other names and head titles
    email: str = ""


class UnitGroup(Record):
    code: str
    name: str
    phrases: list[str] = Field(default_factory=list)  # how plans name the group


class Registry(Record):
    """The office's danh mục đơn vị. Unit and group codes share one namespace."""

    model_config = ConfigDict(frozen=False)

    units: list[Unit] = Field(default_factory=list)
    groups: list[UnitGroup] = Field(default_factory=list)

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def group(self, code: str) -> UnitGroup | None:
        return next((g for g in self.groups if g.code == code), None)

    def members(self, group_code: str) -> list[str]:
        return [u.code for u in self.units if group_code in u.groups]

    def expand(self, codes: list[str]) -> list[str]:
        """Unit codes named directly or through a group, in registry order, once each."""
        wanted: set[str] = set()
        for code in codes:
            if self.group(code) is not None:
                wanted.update(self.members(code))
            else:
                wanted.add(code)
        return [u.code for u in self.units if u.code in wanted]


class Progress(StrEnum):
    """The "Tiến độ" a unit reports (dropdown of the unit workbook)."""

    NOT_STARTED = "Chưa triển khai"
    IN_PROGRESS = "Đang thực hiện"
    DONE = "Đã hoàn thành"
    ADJUSTMENT_REQUESTED = "Đề nghị điều chỉnh"


class Status(StrEnum):
    """Computed tracking status of a task × unit.

    The first four are the Government Office's states for tracking assigned tasks
    (QĐ 42/2014/QĐ-TTg and its reports) and keep their exact names; the rest refine them.
    """

    DONE_ON_TIME = "Hoàn thành đúng hạn"
    DONE_LATE = "Hoàn thành quá hạn"
    IN_PROGRESS_ON_TIME = "Đang thực hiện trong hạn"
    OVERDUE = "Quá hạn chưa hoàn thành"
    # refinements
    DUE_SOON = "Sắp đến hạn"  # counted as IN_PROGRESS_ON_TIME in official totals
    NO_FIXED_DEADLINE = "Không có hạn cụ thể"
    NOT_REPORTED = "Chưa báo cáo"
