"""The master workbook's sheets and columns, as data.

One place says what each owned sheet is called and which columns it has, so that the
writer (`io/master.py`), the readers and every job agree. Headers are Vietnamese (what
the clerk sees); column ids are English (what the code uses). PRODUCT.md "The workbooks".
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    id: str
    header: str
    width: float  # Excel character units


SHEET_GUIDE = "Hướng dẫn"
SHEET_UNITS = "Đơn vị"
SHEET_GROUPS = "Nhóm đơn vị"
SHEET_PLAN = "Kế hoạch"
SHEET_PERIODS = "Kỳ báo cáo"
SHEET_CALENDAR = "Lịch làm việc"
SHEET_TRACKING = "Theo dõi"
SHEET_SUBMISSIONS = "Nộp báo cáo"
SHEET_HISTORY = "Lịch sử"
SHEET_DASHBOARD = "Tổng hợp"
SHEET_OVERDUE = "Quá hạn"
SHEET_MISSING = "Chưa nộp"  # units that sent nothing for a period (rewritten by merge)
SHEET_REQUESTS = "Đề nghị điều chỉnh"  # extension requests: merge lists them, the clerk decides
SHEET_LONG_TEXT = "Văn bản dài"  # only when a plan cell exceeds Excel's 32,767 characters
SHEET_META = "_parc_xl"  # very hidden: plan year, issuer, fingerprint, template version

UNIT_COLUMNS = [
    Column("code", "Mã đơn vị", 12),
    Column("name", "Tên đơn vị", 45),
    Column("groups", "Nhóm", 18),
    Column("aliases", "Tên gọi khác", 60),
    Column("email", "Thư điện tử", 28),
]

GROUP_COLUMNS = [
    Column("code", "Mã nhóm", 12),
    Column("name", "Tên nhóm", 40),
    Column("phrases", "Cách gọi trong kế hoạch", 80),
]

PLAN_COLUMNS = [
    Column("key", "Khóa", 8),
    Column("stt", "STT", 6),
    Column("area", "Lĩnh vực", 16),
    Column("task", "Nhiệm vụ", 55),
    Column("product", "Sản phẩm", 20),
    Column("lead", "Đơn vị chủ trì", 22),
    Column("coord", "Đơn vị phối hợp", 22),
    Column("deadline_text", "Thời gian hoàn thành", 18),
    Column("due", "Hạn cuối", 11),
    Column("target", "Chỉ tiêu", 14),
    # technical columns after the printed ones (PLAN_PRINTED_COLUMNS)
    Column("deadline_kind", "Loại hạn", 12),
    Column("first_due", "Hạn đầu", 11),
    Column("recurrence", "Định kỳ", 10),
    Column("lead_units", "Mã đơn vị chủ trì", 16),
    Column("coord_units", "Mã đơn vị phối hợp", 16),
]
PLAN_PRINTED_COLUMNS = 10  # the print area stops before the technical columns

PERIOD_COLUMNS = [
    Column("period", "Kỳ", 10),
    Column("label", "Tên kỳ", 16),
    Column("cutoff_start", "Số liệu từ ngày", 15),
    Column("cutoff_end", "Số liệu đến ngày", 15),
    Column("submission_deadline", "Hạn nộp báo cáo", 15),
]

CALENDAR_COLUMNS = [
    Column("date", "Ngày", 12),
    Column("kind", "Loại", 14),  # "Nghỉ" (extra day off) | "Làm việc" (swapped working day)
    Column("note", "Ghi chú", 50),
]

# The first TRACKING_PRINTED columns are what a reader of the printed list needs (one A4
# landscape page wide at ≈75%); the rest stay on screen (filters, the clerk's work) and
# off the page. Readers and writers find columns by header, so masters made with the
# earlier order (Khóa first, 20 columns printed) keep working.
TRACKING_COLUMNS = [
    Column("stt", "STT", 7),
    Column("task", "Nhiệm vụ", 50),
    Column("unit_name", "Đơn vị chủ trì", 24),
    Column("due", "Hạn", 11),
    Column("progress", "Tiến độ", 15),
    Column("completed_on", "Ngày hoàn thành", 12),
    Column("evidence", "Văn bản / sản phẩm", 28),
    Column("figure", "Kết quả", 10),
    Column("status", "Trạng thái", 22),
    Column("days_overdue", "Số ngày quá hạn", 10),
    # on screen only
    Column("area", "Lĩnh vực", 18),
    Column("deadline_text", "Thời gian hoàn thành", 18),
    Column("target_result", "Chỉ tiêu", 12),
    Column("difficulties", "Khó khăn, vướng mắc", 24),
    Column("proposals", "Đề xuất", 20),
    Column("period", "Kỳ báo cáo", 10),
    Column("received_at", "Cập nhật lúc", 16),
    Column("source_file", "Tệp nguồn", 20),
    Column("unit", "Mã đơn vị", 10),
    Column("key", "Khóa", 9),
]
TRACKING_PRINTED = 10

# The fields a unit fills and the merge copies into `Theo dõi` (and logs in `Lịch sử`).
REPORTED_FIELDS = ["progress", "completed_on", "evidence", "figure", "difficulties", "proposals"]

SUBMISSION_COLUMNS = [
    Column("period", "Kỳ", 10),
    Column("unit", "Mã đơn vị", 10),
    Column("unit_name", "Đơn vị", 26),
    Column("file", "Tệp", 30),
    Column("received_at", "Nhận lúc", 17),  # the clerk may correct it: the next merge re-judges on time
    Column("on_time", "Đúng hạn", 10),
    Column("rows", "Số dòng", 8),
    Column("errors", "Số lỗi", 8),
    Column("outcome", "Kết quả", 12),  # "Chấp nhận" | "Từ chối" | "Chấp nhận một phần"
    Column("note", "Ghi chú", 70),
    # the file's identity for the archive (luu_tru/<kỳ>/<SHA-256>.xlsx): kept, out of the way
    Column("sha256", "SHA-256", 9),
]

HISTORY_COLUMNS = [
    Column("at", "Thời điểm", 17),
    Column("period", "Kỳ", 10),
    Column("unit", "Mã đơn vị", 10),
    Column("key", "Khóa nhiệm vụ", 10),
    Column("field", "Trường", 18),
    Column("old", "Giá trị cũ", 30),
    Column("new", "Giá trị mới", 30),
    Column("source_file", "Tệp nguồn", 30),
]

MISSING_COLUMNS = [
    Column("period", "Kỳ", 10),
    Column("unit", "Mã đơn vị", 10),
    Column("unit_name", "Đơn vị", 30),
    Column("email", "Thư điện tử", 28),
    Column("submission_deadline", "Hạn nộp", 12),
]

OVERDUE_COLUMNS = [
    Column("status", "Trạng thái", 22),
    Column("days_overdue", "Số ngày quá hạn", 10),
    Column("unit", "Mã đơn vị", 10),
    Column("unit_name", "Đơn vị", 26),
    Column("key", "Khóa", 8),
    Column("task", "Nhiệm vụ", 55),
    Column("due", "Hạn", 11),
    Column("email", "Thư điện tử", 28),
]

# «Đề nghị điều chỉnh» (domain/extensions.py): one row per request; the merge appends,
# the clerk writes «Quyết định» and «Hạn được duyệt» (never overwritten), status reads them.
REQUEST_COLUMNS = [
    Column("n", "STT", 6),
    Column("task", "Nhiệm vụ", 45),
    Column("unit_name", "Đơn vị", 24),
    Column("current_due", "Hạn hiện tại", 12),
    Column("proposed_due", "Hạn đề nghị", 12),
    Column("reason", "Lý do", 36),
    Column("received_at", "Ngày nhận", 16),
    Column("decision", "Quyết định", 14),
    Column("approved_due", "Hạn được duyệt", 13),
    Column("note", "Ghi chú", 30),
    # for the machine: which row of Theo dõi the request is about, and what Lịch sử recorded
    Column("period", "Kỳ", 9),
    Column("unit", "Mã đơn vị", 10),
    Column("key", "Khóa", 8),
    Column("logged", "Đã ghi lịch sử", 14),
]
REQUEST_PRINTED = 10

# Columns for the machine, not for people: narrow, small grey text, last in their sheet.
TECHNICAL_COLUMNS = {"sha256", "logged"}

# Sheets the tool owns and rewrites; every other sheet belongs to the clerk.
OWNED_SHEETS = [
    SHEET_GUIDE, SHEET_UNITS, SHEET_GROUPS, SHEET_PLAN, SHEET_PERIODS, SHEET_CALENDAR,
    SHEET_TRACKING, SHEET_SUBMISSIONS, SHEET_MISSING, SHEET_HISTORY, SHEET_DASHBOARD, SHEET_OVERDUE,
    SHEET_META,
]


def column_index(columns: list[Column], column_id: str) -> int:
    """0-based index of a column id."""
    for i, col in enumerate(columns):
        if col.id == column_id:
            return i
    raise KeyError(column_id)
