"""Saved e-mails for inbox tests: an .eml as a mail client saves it (the .msg writer is
in `msg_files.py`)."""

from __future__ import annotations

import datetime as dt
import os
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

VN = dt.timezone(dt.timedelta(hours=7))
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def save_eml(path: Path, sender: str, sent: dt.datetime | None, attachments: list[tuple[str, bytes]],
             file_time: dt.datetime | None = None) -> Path:
    """Write a message with `attachments`; the file's time is `file_time` (an inbox copied
    later has every file dated then)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "vanphong@example.gov.vn"
    msg["Subject"] = "Báo cáo CCHC"
    if sent is not None:
        msg["Date"] = format_datetime(sent)
    msg.set_content("Kính gửi Văn phòng, đơn vị gửi báo cáo.")
    for name, data in attachments:
        maintype, subtype = XLSX if name.endswith(".xlsx") else ("application", "pdf")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())
    if file_time is not None:
        os.utime(path, (file_time.timestamp(), file_time.timestamp()))
    return path
