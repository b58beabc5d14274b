"""Unsent e-mail drafts (.eml) that the office's own mail client opens and sends.

`X-Unsent: 1` makes Outlook open the file as a draft ready to send; Thunderbird opens it
with «Sửa thành thư mới». UTF-8 throughout (RFC 6532 headers are encoded by `email`).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def write_draft(path: Path, to: str, subject: str, body: str, attachments: list[Path],
                when: dt.datetime | None = None) -> Path:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime((when or dt.datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid(domain="parc-xl.local")
    msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8")
    for file in attachments:
        kind = {".xlsx": XLSX_TYPE, ".docx": DOCX_TYPE}.get(file.suffix.lower())
        if kind is None:
            guessed = (mimetypes.guess_type(file.name)[0] or "application/octet-stream").split("/", 1)
            kind = (guessed[0], guessed[1])
        msg.add_attachment(file.read_bytes(), maintype=kind[0], subtype=kind[1], filename=file.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())
    return path
