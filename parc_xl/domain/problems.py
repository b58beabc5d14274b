"""Problems found in a user's file, as data (frictionless-style records).

Every check yields `Problem`s; jobs collect them into their result instead of raising
past the user. Messages are plain Vietnamese saying what is wrong and how to fix it.

`CATALOGUE` is the one list of problem codes: each code names one fault, has the short
Vietnamese label people see (in `Nộp báo cáo`, the annotated copy, the CLI) and, where the
same fault is reported from several places, the message template they share. Codes are
for machines (`--json`); people never see them. Adding a code is one entry below; a
`Problem` with a code that is not in the catalogue cannot be built, and
`tests/domain/test_problems.py` checks every code written in the code base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict, Unpack

from pydantic import ConfigDict, field_validator

from parc_xl.domain.record import Record


class Severity(StrEnum):
    ERROR = "error"  # Lỗi: blocks the file / row
    WARNING = "warning"  # Cảnh báo: informs

    @property
    def label_vi(self) -> str:
        return "Lỗi" if self is Severity.ERROR else "Cảnh báo"


@dataclass(frozen=True)
class ProblemType:
    """One fault: its Vietnamese label and, when shared, its message template."""

    label: str  # short Vietnamese name of the fault, shown to people instead of the code
    template: str = ""  # "{placeholders}" filled by `message(**params)`; "" = written at the call site

    def message(self, **params: object) -> str:
        return self.template.format(**params)


_T = ProblemType

# Excel menu names in messages are those of the Vietnamese Office UI (Tệp › Lưu thành).
CATALOGUE: dict[str, ProblemType] = {
    # --- the file itself (io/unit_book/read.py, domain/return_checks.py, jobs/merge.py) ---
    "file-missing": _T("Không tìm thấy tệp", "Không tìm thấy tệp «{file}»."),
    "not-xlsx": _T("Không phải tệp .xlsx"),
    "mail-unreadable": _T("Thư điện tử không đọc được"),
    "mail-no-workbook": _T("Thư không có mẫu báo cáo"),
    "mail-not-workbook": _T("Tệp đính kèm không phải mẫu báo cáo"),
    "mail-date-missing": _T("Thư không ghi ngày gửi"),
    "mail-sender-mismatch": _T("Người gửi khác địa chỉ của đơn vị"),
    "mail-two-workbooks": _T("Thư có hai mẫu báo cáo của cùng đơn vị"),
    "email-invalid": _T("Địa chỉ thư điện tử sai dạng"),
    "email-not-ascii": _T("Địa chỉ thư điện tử có dấu"),
    "email-duplicate": _T("Địa chỉ thư điện tử trùng"),
    "xls-format": _T("Định dạng Excel cũ (.xls)",
                     "Tệp «{file}» là định dạng Excel cũ (.xls); hãy dùng đúng mẫu .xlsx đã được gửi, hoặc "
                     "mở tệp và lưu lại dạng .xlsx (Tệp › Lưu thành › Sổ làm việc Excel (*.xlsx))."),
    "encrypted": _T("Tệp có mật khẩu",
                    "Tệp «{file}» được đặt mật khẩu; hãy bỏ mật khẩu (Tệp › Thông tin › Bảo vệ Sổ làm việc › "
                    "Mã hóa bằng Mật khẩu, xóa mật khẩu) rồi gửi lại."),
    "too-large": _T("Tệp quá lớn"),
    # a package refused before reading, or a reader that failed on it (io/package_guard.py,
    # jobs/_isolation.py): that file's record, the rest of the inbox goes on
    "package-damaged": _T("Tệp bị hỏng"),
    "package-unsafe": _T("Tệp có cấu trúc bất thường"),
    "reader-crashed": _T("Bộ đọc dừng đột ngột khi đọc tệp"),
    "read-timeout": _T("Đọc tệp quá lâu"),
    "read-failed": _T("Không đọc được tệp"),
    "cell-too-long": _T("Ô trong tệp gửi về dài quá giới hạn"),
    "not-parc-xl": _T("Không phải mẫu báo cáo"),
    "metadata-tampered": _T("Thông tin nhận diện bị sửa"),
    "template-version": _T("Mẫu phiên bản cũ"),
    "mac-missing": _T("Mẫu cũ, không có mã xác thực"),
    "mac-invalid": _T("Mã xác thực không khớp"),
    "annotate-failed": _T("Không ghi được bản đánh dấu"),
    # --- which plan, unit and period the file belongs to (jobs/validate.py, jobs/merge.py) ---
    "wrong-year": _T("Mẫu của năm khác"),
    "fingerprint-mismatch": _T("Mẫu của kế hoạch khác"),
    "unit-unknown": _T("Đơn vị không có trong danh mục",
                       "Mã đơn vị «{unit}» trong tệp không có trong danh mục đơn vị của sổ theo dõi."),
    "wrong-period": _T("Sai kỳ báo cáo"),
    "unit-file-name": _T("Tên tệp ghi đơn vị khác"),
    "period-file-name": _T("Tên tệp ghi kỳ khác"),
    "already-rejected": _T("Tệp đã bị từ chối trước đó"),
    "conflict": _T("Hai tệp cùng lúc"),
    "received-in-future": _T("Thời điểm nhận ở tương lai"),
    "partial-dropped": _T("Dòng bị bỏ khi nhận một phần"),
    "older-return": _T("Tệp cũ hơn bản đã tổng hợp"),
    "receipt-time-unreadable": _T("Thời điểm nhận không đọc được"),
    "older-period": _T("Số liệu kỳ trước"),
    "archive-missing": _T("Thiếu tệp lưu trữ"),
    "foreign-row": _T("Nhiệm vụ không giao cho đơn vị"),
    # --- the sheet's structure (jobs/validate.py) ---
    "extra-sheet": _T("Sheet thêm ngoài mẫu"),
    "sheet-missing": _T("Thiếu sheet báo cáo"),
    "header-missing": _T("Thiếu dòng tiêu đề"),
    "column-removed": _T("Cột bị xóa"),
    "column-inserted": _T("Cột chèn thêm"),
    "column-duplicated": _T("Cột bị lặp"),
    "columns-reordered": _T("Thứ tự cột thay đổi"),
    "row-added": _T("Dòng thêm ngoài mẫu"),
    "row-duplicated": _T("Dòng bị lặp"),
    "row-deleted": _T("Dòng bị xóa"),
    "rows-reordered": _T("Thứ tự dòng thay đổi"),
    "locked-cell-changed": _T("Sửa nội dung kế hoạch"),
    "merged-cells": _T("Gộp ô"),
    "hidden-rows": _T("Dòng bị ẩn"),
    "hidden-columns": _T("Cột bị ẩn"),
    # --- the values a unit fills (domain/validation.py) ---
    "formula-in-fill": _T("Công thức trong ô điền"),
    "formula-like-text": _T("Nội dung giống công thức"),
    "progress-invalid": _T("Tiến độ không hợp lệ"),
    "progress-synonym": _T("Tiến độ ghi khác danh sách"),
    "progress-missing": _T("Thiếu tiến độ"),
    "not-reported": _T("Chưa báo cáo"),
    "date-invalid": _T("Ngày không hợp lệ"),
    "date-month-first": _T("Ngày viết tháng trước"),
    "date-in-future": _T("Ngày ở tương lai"),
    "date-before-plan-year": _T("Ngày trước năm kế hoạch"),
    "date-without-done": _T("Có ngày nhưng chưa hoàn thành"),
    "completion-date-missing": _T("Thiếu ngày hoàn thành"),
    "not-started-with-date": _T("Chưa triển khai mà có ngày"),
    "extension-date-missing": _T("Đề nghị điều chỉnh thiếu hạn mới"),
    "extension-date-not-later": _T("Hạn đề nghị không sau hạn hiện tại"),
    "extension-reason-missing": _T("Đề nghị điều chỉnh thiếu lý do"),
    "extension-not-requested": _T("Có hạn đề nghị nhưng không đề nghị điều chỉnh"),
    "extension-decision-unreadable": _T("Quyết định điều chỉnh hạn không đọc được"),
    "evidence-missing": _T("Thiếu văn bản, sản phẩm"),
    "figure-invalid": _T("Kết quả không phải số"),
    "figure-as-fraction": _T("Kết quả ghi dạng phân số"),
    "figure-missing": _T("Thiếu kết quả chỉ tiêu"),
    "target-unparseable": _T("Không đọc được chỉ tiêu"),
    # --- importing the plan (domain/appendix.py, io/plan_*.py, domain/units.py) ---
    "plan-no-table": _T("Không tìm thấy bảng phụ lục"),
    "plan-no-header": _T("Không tìm thấy dòng tiêu đề"),
    "plan-empty": _T("Phụ lục không có nhiệm vụ"),
    "plan-total-mismatch": _T("Tổng số nhiệm vụ không khớp"),
    "plan-duplicate-stt": _T("Số thứ tự trùng"),
    "plan-row-unrecognised": _T("Số thứ tự không rõ"),
    "plan-orphan-continuation": _T("Dòng không thuộc nhiệm vụ nào"),
    "deadline": _T("Thời hạn cần xem lại"),
    "deadline-year-absurd": _T("Năm của thời hạn không hợp lý"),
    "plan-zero-width": _T("Ký tự vô hình đã bị xóa"),
    "plan-bidi-control": _T("Ký tự điều khiển hướng chữ đã bị xóa"),
    "plan-cell-too-long": _T("Ô dài quá giới hạn của Excel"),
    "plan-pdf-scanned": _T("PDF là bản scan, không có chữ"),
    "plan-pdf-encrypted": _T("PDF có mật khẩu"),
    "plan-pdf-damaged": _T("PDF bị hỏng"),
    "plan-not-pdf": _T("Tệp .pdf không phải PDF"),
    "unit-unresolved": _T("Không nhận ra đơn vị"),
    "unit-note-ignored": _T("Phần ghi chú không phải đơn vị"),
    "unit-lead-coordination": _T("Đơn vị phối hợp trong ô chủ trì"),
    "unit-group-empty": _T("Nhóm đơn vị chưa có đơn vị"),
    "unit-group-guessed": _T("Nhóm đơn vị suy ra từ kế hoạch"),
    # --- amending the plan mid-year (domain/plan_amend.py, jobs/plan_amend.py, jobs/merge.py) ---
    "amend-other-plan": _T("Bản điều chỉnh của kế hoạch khác"),
    "amend-ambiguous": _T("Hai nhiệm vụ cùng khớp một nhiệm vụ"),
    "amend-uncertain": _T("Chưa chắc hai nhiệm vụ là một"),
    "amend-old-form": _T("Mẫu trước khi điều chỉnh kế hoạch"),
    "amend-old-form-late": _T("Mẫu cũ cho kỳ sau điều chỉnh"),
    "amend-task-dropped": _T("Nhiệm vụ đã bãi bỏ"),
    "amend-task-changed": _T("Nhiệm vụ đã được sửa đổi"),
    "carry-over-year": _T("Sổ năm mới không sau sổ năm cũ"),
    # --- chasing units (jobs/remind.py) ---
    "remind-unit-no-tasks": _T("Đơn vị không có nhiệm vụ"),
    # --- the office's own sheets (io/registry.py, io/calendar_sheets.py) ---
    "registry-code-missing": _T("Thiếu mã"),
    "registry-code-invalid": _T("Mã không hợp lệ"),
    "registry-code-long": _T("Mã quá dài"),
    "registry-code-duplicate": _T("Mã bị trùng"),
    "registry-name-missing": _T("Thiếu tên"),
    "registry-group-unknown": _T("Nhóm không có trong danh mục"),
    "sheet-missing-column": _T("Sheet thiếu cột"),
    "calendar-bad-date": _T("Ngày trong lịch không hợp lệ"),
    "calendar-bad-kind": _T("Loại ngày không hợp lệ"),
    "calendar-conflict": _T("Ngày ghi hai loại"),
    "period-bad-code": _T("Mã kỳ không hợp lệ"),
    "period-bad-date": _T("Hạn nộp không phải ngày"),
    "period-other-year": _T("Kỳ của năm khác"),
    "period-duplicate": _T("Kỳ ghi hai lần"),
}


def label(code: str) -> str:
    """The Vietnamese label of a code (the code itself only if it is not catalogued)."""
    kind = CATALOGUE.get(code)
    return kind.label if kind else code


class Problem(Record):
    model_config = ConfigDict(extra="forbid")

    code: str  # stable slug from CATALOGUE, e.g. "date-month-first"
    severity: Severity
    message: str  # Vietnamese, for the clerk
    file: str = ""
    sheet: str = ""
    cell: str = ""  # A1 style, "" when the problem is about the whole file
    task_key: str = ""
    value: str | None = None  # the offending input, as text

    @field_validator("code")
    @classmethod
    def _catalogued(cls, code: str) -> str:
        if code not in CATALOGUE:
            raise ValueError(f"problem code {code!r} is not in parc_xl.domain.problems.CATALOGUE")
        return code

    @property
    def label(self) -> str:
        return CATALOGUE[self.code].label

    @property
    def where(self) -> str:
        """"Sheet!A1", "Sheet", "A1" or ""."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell

    def to_json(self) -> dict[str, str]:
        """The one JSON shape of a problem (validate's and merge's `--json` "issues", "warnings")."""
        return {"code": self.code, "severity": self.severity.value, "sheet": self.sheet, "cell": self.cell,
                "task_key": self.task_key, "message": self.message}

    def __str__(self) -> str:
        prefix = f"{self.severity.label_vi} ({self.label})"
        return f"{prefix} {self.where}: {self.message}" if self.where else f"{prefix}: {self.message}"


class Where(TypedDict, total=False):
    """Where a problem sits (the location fields of `Problem`); call sites build one and unpack it."""

    file: str
    sheet: str
    cell: str
    task_key: str


class _Fields(Where, total=False):
    """The keyword arguments of `error`/`warning`: a place and the offending value."""

    value: str | None


def error(code: str, message: str | None = None, /, *, params: Mapping[str, object] | None = None,
          **where: Unpack[_Fields]) -> Problem:
    """An error; `message=None` fills the code's catalogue template with `params`."""
    return _make(code, Severity.ERROR, message, params, where)


def warning(code: str, message: str | None = None, /, *, params: Mapping[str, object] | None = None,
            **where: Unpack[_Fields]) -> Problem:
    """A warning; `message=None` fills the code's catalogue template with `params`."""
    return _make(code, Severity.WARNING, message, params, where)


def _make(code: str, severity: Severity, message: str | None, params: Mapping[str, object] | None,
          where: _Fields) -> Problem:
    if message is None:
        kind = CATALOGUE.get(code)
        if kind is None or not kind.template:
            raise ValueError(f"problem code {code!r} has no message template; pass the message")
        message = kind.message(**dict(params or {}))
    return Problem(code=code, severity=severity, message=message, **where)


def errors_first(problems: list[Problem]) -> list[Problem]:
    """Errors, then warnings, each in the order found (what people read first)."""
    return sorted(problems, key=lambda p: p.severity is not Severity.ERROR)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
