"""What the office's e-mails to units say, and which addresses a mail client can use. Pure."""

from __future__ import annotations

import datetime as dt
import re

# An address the office's mail server will route: ASCII local part and domain (Vietnamese
# letters typed into `Thư điện tử`, "pnv@ubnd" without a dot, two addresses run together fail).
_ADDRESS = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def address_problem(address: str) -> str:
    """Why `address` cannot be a recipient, in Vietnamese; "" when it can."""
    a = address.strip()
    if not a:
        return "chưa có địa chỉ thư điện tử trong danh mục đơn vị"
    if any(ord(ch) > 127 for ch in a):
        return f"địa chỉ «{a}» có chữ có dấu tiếng Việt, máy chủ thư không gửi được"
    if not _ADDRESS.match(a):
        return f"địa chỉ «{a}» không đúng dạng ten@coquan.gov.vn"
    return ""


def unit_form_mail(unit_name: str, period_label: str, deadline: dt.date, file_name: str,
                   plan_year: int) -> tuple[str, str]:
    """(subject, body) of the draft that sends a unit its report workbook for a period."""
    subject = f"Báo cáo kết quả thực hiện kế hoạch CCHC năm {plan_year} — {period_label}"
    body = (
        f"Kính gửi: {unit_name},\n\n"
        f"Văn phòng gửi kèm thư này tệp mẫu báo cáo {file_name} để đơn vị báo cáo kết quả thực "
        f"hiện nhiệm vụ cải cách hành chính năm {plan_year}, kỳ {period_label}.\n\n"
        f"Hạn gửi báo cáo: ngày {deadline:%d/%m/%Y}.\n\n"
        "Cách điền: mở tệp bằng Excel, đọc sheet «Hướng dẫn», điền các cột Tiến độ, Ngày hoàn "
        "thành, Kết quả/sản phẩm, Khó khăn, vướng mắc và Đề xuất trên sheet «Báo cáo» cho từng "
        "nhiệm vụ của đơn vị; không sửa nội dung nhiệm vụ, không đổi tên tệp, không thêm sheet. "
        "Lưu tệp (.xlsx) và gửi lại bằng cách trả lời thư này, đính kèm tệp đã điền.\n\n"
        "Trân trọng."
    )
    return subject, body


def reminder_mail(unit_name: str, issuer: str, period_label: str, plan_year: int, letter_name: str,
                  overdue: int, due_soon: int, missing_deadline: dt.date | None) -> tuple[str, str]:
    """(subject, body) of the draft that sends a unit its reminder letter (đôn đốc)."""
    subject = f"Đôn đốc thực hiện nhiệm vụ CCHC năm {plan_year} — {period_label}"
    points = []
    if missing_deadline is not None:
        points.append(f"- gửi báo cáo {period_label} (hạn gửi ngày {missing_deadline:%d/%m/%Y});")
    if overdue:
        points.append(f"- hoàn thành {overdue} nhiệm vụ đã quá hạn;")
    if due_soon:
        points.append(f"- hoàn thành đúng hạn {due_soon} nhiệm vụ sắp đến hạn;")
    body = (
        f"Kính gửi: {unit_name},\n\n"
        f"{issuer or 'Văn phòng'} gửi kèm thư này văn bản {letter_name} đôn đốc thực hiện nhiệm vụ cải cách "
        f"hành chính năm {plan_year}, kỳ {period_label}. Đề nghị đơn vị:\n"
        + "\n".join(points) + "\n\n"
        "Danh sách nhiệm vụ (số thứ tự, thời hạn, số ngày quá hạn) ở văn bản đính kèm. Kết quả đề nghị "
        "cập nhật vào tệp mẫu báo cáo của kỳ và gửi lại bằng cách trả lời thư này.\n\n"
        "Trân trọng."
    )
    return subject, body
