"""Saved e-mails (.eml, and Outlook .msg through io/outlook_msg.py) in the inbox: the returns they carry and when they were sent.

Offices work through their own mail client; a clerk who saves the unit's message instead
of its attachment still hands the merge a return. The message's `Date` is the receipt time
(a copied file's modification time says nothing about when the unit sent it).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from parc_xl.domain.record import Record


# Deadlines are Vietnamese calendar days: a message sent 23:30 UTC on the 13th arrived on the 14th.
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))
WORKBOOK_SUFFIXES = (".xlsx",)
OTHER_SPREADSHEETS = (".xlsm", ".xls", ".xlsb", ".ods", ".csv")


class MailAttachment(Record):
    filename: str
    data: bytes


class SavedMail(Record):
    """What the merge needs from one saved message; `problem` set when it cannot be used."""

    path: Path
    sender: str = ""
    sent_at: dt.datetime | None = None  # naive, Vietnam time
    workbooks: list[MailAttachment] = []
    other_attachments: list[str] = []
    problem: str = ""  # Vietnamese reason the message is unusable (malformed, no workbook)


def read_saved_mail(path: Path) -> SavedMail:
    """Parse one saved message (.eml, or Outlook's .msg: io/outlook_msg.py); never raises
    for what the file holds."""
    if path.suffix.lower() == ".msg":
        from parc_xl.io.outlook_msg import read_outlook_msg

        return read_outlook_msg(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return SavedMail(path=path, problem=f"không đọc được tệp ({exc.strerror or exc})")
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # noqa: BLE001 — the parser's failures on hostile bytes are not typed
        return SavedMail(path=path, problem=f"không phải thư điện tử đọc được ({type(exc).__name__})")
    assert isinstance(msg, EmailMessage)
    if not any(h in msg for h in ("From", "Date", "Subject", "Content-Type")) or msg.defects and not msg.keys():
        return SavedMail(path=path, problem="không phải thư điện tử (không có phần đầu From/Date)")
    sender = parseaddr(str(msg.get("From", "")))[1] or str(msg.get("From", "")).strip()
    mail = SavedMail(path=path, sender=sender, sent_at=_sent_at(str(msg.get("Date", ""))))
    try:
        parts = list(msg.iter_attachments())
    except Exception as exc:  # noqa: BLE001 — a broken MIME tree is the sender's fault, not a crash
        mail.problem = f"cấu trúc thư bị hỏng ({type(exc).__name__})"
        return mail
    for part in parts:
        name = Path(part.get_filename() or "").name
        if not name:
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001
            data = None
        if name.lower().endswith(WORKBOOK_SUFFIXES) and isinstance(data, bytes) and data:
            mail.workbooks.append(MailAttachment(filename=name, data=data))
        else:
            mail.other_attachments.append(name)
    if not mail.workbooks:
        others = ", ".join(mail.other_attachments)
        mail.problem = ("thư không đính kèm mẫu báo cáo .xlsx"
                        + (f" (chỉ có: {others})" if others else ""))
    return mail


def sent_at(header: str) -> dt.datetime | None:
    """A `Date` header as a naive Vietnam time (None when absent or unreadable)."""
    return _sent_at(header)


def _sent_at(header: str) -> dt.datetime | None:
    if not header.strip():
        return None
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(VIETNAM_TIME).replace(tzinfo=None)
    return when.replace(microsecond=0)
