"""What a merge reports: `MergeResult` (the JSON of `merge --json`, the Vietnamese
summary the ribbon and the CLI show) and `RejectedFile`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, BaseModel

from parc_xl.domain.periods import Period
from parc_xl.domain.problems import Problem, Severity
from parc_xl.domain.submissions import LATE, ON_TIME, ReceiptFix
from parc_xl.jobs._common import JobResult


class RejectedFile(BaseModel):
    """A file refused, or applied only in part (its errors): what `merge --json` lists."""

    file: str
    unit: str = ""
    issues: list[Problem] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "unit": self.unit, "issues": [p.to_json() for p in self.issues]}


class MergeResult(JobResult):
    master: str
    period: str
    accepted: list[str] = Field(default_factory=list)
    rejected: list[RejectedFile] = Field(default_factory=list)
    already_merged: list[str] = Field(default_factory=list)  # same SHA-256 as an earlier merge
    # refused before, and a return of the same unit and period received later was accepted since
    superseded: list[str] = Field(default_factory=list)
    # `Nộp báo cáo` rows re-judged from the `Nhận lúc` the clerk corrected there
    receipts_corrected: list[ReceiptFix] = Field(default_factory=list)
    missing_units: list[str] = Field(default_factory=list)
    late_units: list[str] = Field(default_factory=list)
    rows_updated: int = 0
    rows_unchanged: int = 0
    fields_changed: int = 0
    backup: str | None = None
    # luu_tru/ entries of accepted files that were missing or damaged and were rewritten
    archive_repaired: list[str] = Field(default_factory=list)
    # new rows of «Đề nghị điều chỉnh»: {"unit", "key", "proposed_due" (ISO), "file"}
    extension_requests: list[dict[str, str]] = Field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "master": self.master,
            "period": self.period,
            "accepted": self.accepted,
            "rejected": [r.to_json() for r in self.rejected],
            "already_merged": self.already_merged,
            "superseded": self.superseded,
            "receipts_corrected": [f.to_json() for f in self.receipts_corrected],
            "missing_units": self.missing_units,
            "late_units": self.late_units,
            "rows_updated": self.rows_updated,
            "rows_unchanged": self.rows_unchanged,
            "fields_changed": self.fields_changed,
            "backup": self.backup,
            "archive_repaired": self.archive_repaired,
            "extension_requests": self.extension_requests,
            "warnings": [p.to_json() for p in self.problems],
        }

    def summary_vi(self) -> str:
        label = Period.parse(self.period).label_vi
        lines = [
            f"Tổng hợp {label}: nhận {len(self.accepted)} tệp, từ chối {len(self.rejected)} tệp"
            + (f", bỏ qua {len(self.already_merged)} tệp đã tổng hợp trước đó" if self.already_merged else "")
            + (f", bỏ qua {len(self.superseded)} tệp bị từ chối trước đó đã có bản sửa thay thế"
               if self.superseded else "")
            + ".",
            f"Cập nhật {self.rows_updated} dòng ({self.fields_changed} ô thay đổi), "
            f"{self.rows_unchanged} dòng không đổi.",
        ]
        for f in self.receipts_corrected:
            lines.append(f"Theo «Nhận lúc» đã sửa ở Nộp báo cáo (dòng {f.row}): {f.unit} – {Path(f.file).name} "
                         f"nhận {f.received_at:%d/%m/%Y %H:%M} → {ON_TIME if f.on_time else LATE}"
                         + (f" (trước: {f.was})." if f.was else "."))
        if self.extension_requests:
            lines.append(f"Có {len(self.extension_requests)} đề nghị điều chỉnh hạn mới: xem và ghi quyết định ở "
                         "sheet «Đề nghị điều chỉnh».")
        if self.late_units:
            lines.append(f"Nộp trễ hạn: {', '.join(self.late_units)}.")
        if self.missing_units:
            lines.append(f"Chưa nộp ({len(self.missing_units)} đơn vị): {', '.join(self.missing_units)}.")
        for r in self.rejected:
            first = next((p for p in r.issues if p.severity is Severity.ERROR), None)
            reason = f" — {first.message}" if first else ""
            lines.append(f"Từ chối {Path(r.file).name}{reason}")
        if self.backup:
            lines.append(f"Bản sổ trước khi tổng hợp được lưu tại {self.backup}.")
        if self.archive_repaired:
            lines.append(f"Đã bổ sung lại {len(self.archive_repaired)} tệp lưu trữ bị thiếu hoặc hỏng "
                         "trong thư mục luu_tru.")
        for p in self.problems:
            if p.code == "archive-missing" or p.code.startswith("email-"):
                lines.append(p.message)
        return "\n".join(lines)
