"""Read a plan's appendix from whatever the office holds: .docx, .xlsx or extracted text.

The format is decided by the file's content, not its name: a zip with
`word/document.xml` is Word, with `xl/workbook.xml` Excel; an OLE2 file is an encrypted
Office file (it has an `EncryptedPackage` stream) or an old .doc/.xls; `%PDF-` in the
first kilobyte is a PDF (read by `io/plan_pdf.py`), and a file named .pdf without it is
refused; anything else must be text (UTF-8/UTF-16) with tab-separated columns.
Unusable input raises `InputError` with a Vietnamese message, never a traceback.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error
from parc_xl.errors import InputError
from parc_xl.io.plan_text import decode_text, read_text

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_PDF_MAGIC = b"%PDF-"  # readers accept it anywhere in the first 1024 bytes


def sniff(path: Path) -> str:
    """"docx", "xlsx", "pdf", "text"; raises `InputError` for anything unusable."""
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp «{path}». Hãy kiểm tra lại đường dẫn.")
    if path.is_dir():
        raise InputError(f"«{path}» là một thư mục, không phải tệp kế hoạch.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Không đọc được tệp «{path.name}» ({exc.strerror or exc}).") from exc
    if not data.strip():
        raise InputError(f"Tệp «{path.name}» rỗng, không có nội dung kế hoạch.")
    if _PDF_MAGIC in data[:1024]:
        return "pdf"
    if path.suffix.lower() == ".pdf":
        message = (
            f"Tệp «{path.name}» có đuôi .pdf nhưng nội dung không phải PDF (tệp hỏng, chưa tải xong "
            "hoặc bị đổi tên). Hãy mở tệp kiểm tra, lấy lại bản PDF gốc hoặc bản Word (.docx) rồi nhập lại."
        )
        raise InputError(message, [error("plan-not-pdf", message, file=path.name)])
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise InputError(
                f"Tệp «{path.name}» được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu "
                "(Tệp → Thông tin → Bảo vệ) rồi lưu lại và nhập lại."
            )
        raise InputError(
            f"Tệp «{path.name}» ở định dạng cũ (.doc/.xls). Hãy mở bằng Word/Excel và "
            "lưu lại thành .docx hoặc .xlsx rồi nhập lại."
        )
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise InputError(f"Tệp «{path.name}» bị hỏng (không giải nén được).") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise InputError(
            f"Tệp «{path.name}» không phải tài liệu Word (.docx) hay bảng tính Excel (.xlsx)."
        )
    if path.suffix.lower() in {".docx", ".xlsx", ".xlsm", ".doc", ".xls"}:
        raise InputError(
            f"Tệp «{path.name}» có đuôi {path.suffix} nhưng nội dung không phải tệp Word/Excel "
            "(tệp hỏng hoặc đổi tên)."
        )
    sample = data[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"Tệp «{path.name}» không phải tài liệu văn bản, Word hay Excel.")
    text = decode_text(data)
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise InputError(f"Tệp «{path.name}» không phải tài liệu văn bản, Word hay Excel.")
    return "text"


def read_appendix(path: Path, year: int) -> tuple[Plan, list[Problem]]:
    """The plan in `path` and the problems found; `InputError` if the file is unusable."""
    path = Path(path)
    kind = sniff(path)
    # each reader (python-docx, openpyxl, the PDF reader) is imported only for its kind
    if kind == "docx":
        from parc_xl.io.plan_docx import read_docx

        return read_docx(path, year)
    if kind == "xlsx":
        from parc_xl.io.plan_xlsx import read_xlsx

        return read_xlsx(path, year)
    if kind == "pdf":
        from parc_xl.io.plan_pdf import read_pdf

        return read_pdf(path, year)
    return read_text(path, year)
