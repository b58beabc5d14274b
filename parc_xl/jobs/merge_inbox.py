"""The inbox of a merge: the workbooks it holds, and those attached to saved e-mails
(.eml, .msg) with the message each came in (its sender and date decide the receipt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from parc_xl.domain.problems import Problem, error, warning
from parc_xl.io.mail_message import OTHER_SPREADSHEETS, read_saved_mail
from parc_xl.io.master import MasterData
from parc_xl.jobs.merge_result import RejectedFile


class MailOrigin(BaseModel):
    """The saved e-mail a workbook was taken from."""

    eml: Path
    sender: str
    sent_at: dt.datetime | None
    problems: list[Problem] = []

    def note(self) -> str:
        when = f", gửi {self.sent_at:%d/%m/%Y %H:%M}" if self.sent_at else ""
        return f"Thư {self.eml.name} từ {self.sender or '(không rõ)'}{when}"


def inbox_files(inbox: Path, staging: Path) -> tuple[list[Path], list[RejectedFile], dict[Path, MailOrigin]]:
    """Every .xlsx under the inbox, and those attached to saved e-mails (.eml, .msg, written
    to `staging`); other spreadsheet-like files are refused by name."""
    files: list[Path] = []
    refused: list[RejectedFile] = []
    origins: dict[Path, MailOrigin] = {}
    for p in sorted(inbox.rglob("*")):
        if not p.is_file() or p.name.startswith(("~$", ".")):
            continue
        suffix = p.suffix.lower()
        if suffix == ".xlsx":
            files.append(p)
        elif suffix in (".eml", ".msg"):
            _take_mail(p, staging, files, refused, origins)
        elif suffix in (".xlsm", *OTHER_SPREADSHEETS):
            why = ("tệp có macro (.xlsm) không được nhận" if suffix == ".xlsm"
                   else f"định dạng {suffix} không phải mẫu báo cáo .xlsx")
            refused.append(RejectedFile(file=str(p), issues=[error(
                "not-xlsx", f"Tệp {p.name}: {why}. Đề nghị đơn vị gửi lại đúng tệp mẫu .xlsx.", file=str(p))]))
    return files, refused, origins


def _take_mail(eml: Path, staging: Path, files: list[Path], refused: list[RejectedFile],
               origins: dict[Path, MailOrigin]) -> None:
    mail = read_saved_mail(eml)
    if mail.problem:
        code = "mail-no-workbook" if mail.sender or mail.sent_at else "mail-unreadable"
        refused.append(RejectedFile(file=str(eml), issues=[error(
            code, f"Thư {eml.name}: {mail.problem}. Hãy lưu lại thư có đính kèm tệp mẫu .xlsx của đơn vị.",
            file=str(eml))]))
        return
    notes: list[Problem] = []
    if mail.sent_at is None:
        notes.append(warning("mail-date-missing", f"Thư {eml.name} không ghi ngày gửi đọc được; "
                             "thời điểm nhận lấy theo --received hoặc thời gian của tệp.", file=str(eml)))
    for name in mail.other_attachments:
        notes.append(warning("mail-not-workbook", f"Thư {eml.name}: tệp đính kèm «{name}» không phải mẫu "
                             "báo cáo .xlsx, không được tổng hợp.", file=str(eml)))
    for i, book in enumerate(mail.workbooks):
        folder = staging / f"{len(origins) + i:04d}"
        folder.mkdir(parents=True)
        dest = folder / book.filename
        dest.write_bytes(book.data)
        files.append(dest)
        origins[dest] = MailOrigin(eml=eml, sender=mail.sender, sent_at=mail.sent_at, problems=notes)


def sender_check(md: MasterData, origin: MailOrigin, unit: str, path: Path) -> list[Problem]:
    """A warning when the sender is not the unit's registered address: the workbook's
    metadata (MAC-checked) decides the unit, the address only raises the clerk's eyebrow."""
    u = md.registry.unit(unit) if unit else None
    known = (u.email if u else "").strip().lower()
    if not known or not origin.sender or origin.sender.lower() in {a.strip() for a in known.replace(",", ";").split(";")}:
        return []
    return [warning("mail-sender-mismatch", f"Thư {origin.eml.name} gửi từ {origin.sender}, không phải địa chỉ "
                    f"của đơn vị {unit} trong danh mục ({u.email if u else ''}); tệp vẫn được xét theo mẫu của "
                    f"đơn vị {unit}.", file=str(path))]
