"""Đọc thử thời hạn: how parc-xl reads one "Thời gian hoàn thành" cell."""

from __future__ import annotations

from typing import Any

from parc_xl.domain import deadlines
from parc_xl.domain.deadline_describe import describe_vi
from parc_xl.domain.models import Deadline
from parc_xl.jobs._common import JobResult


class DeadlineResult(JobResult):
    text: str
    year: int
    deadline: Deadline

    def to_json(self) -> dict[str, Any]:
        return self.deadline.model_dump(mode="json")

    def summary_vi(self) -> str:
        return "\n".join(describe_vi(self.text, self.deadline, self.year))


def run(text: str, year: int) -> DeadlineResult:
    return DeadlineResult(text=text, year=year, deadline=deadlines.parse(text, year))
