"""The text of the unit workbook's `Hướng dẫn` sheet (io/unit_book/write.py writes it)."""

from __future__ import annotations


def guide_lines(year: int) -> list[tuple[str, bool]]:
    """The `Hướng dẫn` lines; dates in the examples are in the plan's year."""
    return [(text.replace("{year}", str(year)), bold) for text, bold in GUIDE_LINES]


GUIDE_LINES = [
    ("HƯỚNG DẪN ĐIỀN BÁO CÁO", True),
    ("", False),
    ("1. Mở sheet «Báo cáo». Mỗi dòng là một nhiệm vụ của đơn vị trong kế hoạch cải cách hành chính.", False),
    ("2. Các cột nền xám (STT đến Chỉ tiêu) là nội dung kế hoạch: đã khóa, không sửa, không xóa, "
     "không chèn hoặc sắp xếp lại dòng, cột. Cột cuối «Khóa» (chữ xám nhỏ, không in ra) là mã dòng "
     "dùng khi tổng hợp: không cần đọc, không sửa.", False),
    ("3. Các cột nền trắng do đơn vị điền:", False),
    ("   • Tiến độ: chọn trong danh sách: Chưa triển khai / Đang thực hiện / Đã hoàn thành / Đề nghị điều chỉnh.", False),
    ("   • Ngày hoàn thành: ghi ngày trước, tháng sau, dạng dd/mm/yyyy (ví dụ 15/03/{year}). "
     "Bắt buộc khi Tiến độ là «Đã hoàn thành»; để trống nếu chưa hoàn thành.", False),
    ("   • Văn bản / sản phẩm: số, ký hiệu, ngày của văn bản chứng minh (ví dụ: Quyết định số "
     "42/QĐ-UBND ngày 15/01/{year}). Bắt buộc khi đã hoàn thành.", False),
    ("   • Kết quả: chỉ điền ở nhiệm vụ có chỉ tiêu; ghi số (ví dụ 99,5 cho 99,5%).", False),
    ("   • Khó khăn, vướng mắc và Đề xuất: ghi ngắn gọn nếu có.", False),
    ("   • Xin điều chỉnh hạn: chọn Tiến độ «Đề nghị điều chỉnh», ghi «Hạn đề nghị» (ngày dd/mm/yyyy, "
     "sau hạn hiện tại ở cột «Hạn», ví dụ 15/09/{year}) và «Lý do điều chỉnh». Cơ quan tổng hợp "
     "quyết định đồng ý hay không; khi được đồng ý, nhiệm vụ được theo dõi theo hạn mới.", False),
    ("4. Vai trò «Chủ trì»: đơn vị phải báo cáo. Vai trò «Phối hợp»: báo cáo nếu có nội dung phối hợp.", False),
    ("5. Cột «Hạn» là hạn hoàn thành áp dụng cho kỳ báo cáo này (với nhiệm vụ định kỳ: hạn của kỳ).", False),
    ("6. Không dùng công thức, không gộp ô, không ẩn dòng. Không đổi tên tệp; lưu dạng .xlsx và gửi lại "
     "cho cơ quan tổng hợp.", False),
    ("7. Tệp được kiểm tra tự động: ô sai sẽ được tô màu và ghi chú trong bản trả lại.", False),
]
