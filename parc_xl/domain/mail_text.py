"""What the office's e-mails to units say, and which addresses a mail client can use. Pure."""

from __future__ import annotations

import datetime as dt
import re

from parc_xl.domain.problems import Problem, Where, warning

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


def split_addresses(cell: str) -> list[str]:
    """The addresses in one `Thư điện tử` cell ("a@x.vn; b@x.vn", commas too)."""
    return [a.strip() for a in re.split(r"[;,\s]+", cell or "") if a.strip()]


def address_problems(entries: list[tuple[str, str, Where]]) -> list[Problem]:
    """Warnings about the registry's `Thư điện tử` cells: `entries` are (unit code, cell
    text, where the cell is). Each address must be one a mail server routes (ASCII, a
    domain with a dot); a letter with Vietnamese diacritics is flagged with the address
    spelt without them; an address given to two units is flagged at the second (the
    merge's sender check cannot tell them apart, drafts go to both)."""
    problems: list[Problem] = []
    owner: dict[str, tuple[str, str]] = {}  # lower-case address → (unit, cell)
    for unit, cell, where in entries:
        for a in split_addresses(cell):
            if any(ord(ch) > 127 for ch in a):
                folded = _without_diacritics(a)
                problems.append(warning(
                    "email-not-ascii",
                    f"Đơn vị {unit}: địa chỉ thư điện tử «{a}» có chữ có dấu tiếng Việt, máy chủ thư không gửi "
                    f"được. Hãy gõ lại không dấu (bộ gõ tiếng Việt tắt), ví dụ «{folded}», và kiểm tra đúng "
                    "địa chỉ đơn vị dùng.", value=a, **where))
                continue
            if not _ADDRESS.match(a):
                problems.append(warning(
                    "email-invalid",
                    f"Đơn vị {unit}: «{a}» không phải địa chỉ thư điện tử đúng dạng ten@coquan.gov.vn; "
                    "nhiều địa chỉ thì cách nhau bằng dấu chấm phẩy (;).", value=a, **where))
                continue
            first = owner.get(a.lower())
            if first is not None and first[0] != unit:
                problems.append(warning(
                    "email-duplicate",
                    f"Đơn vị {unit}: địa chỉ «{a}» trùng với đơn vị {first[0]} (ô {first[1]}); thư gửi mẫu sẽ đến "
                    "cùng một hộp thư và không phân biệt được người gửi. Hãy kiểm tra lại địa chỉ của từng đơn vị.",
                    value=a, **where))
                continue
            owner.setdefault(a.lower(), (unit, where.get("cell", "")))
    return problems


def _without_diacritics(text: str) -> str:
    """"phòngnộivụ@x.vn" → "phongnoivu@x.vn" (punctuation kept, unlike `text.ascii_fold`)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
