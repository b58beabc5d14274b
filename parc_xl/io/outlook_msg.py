"""Outlook .msg files in the inbox: the same `SavedMail` as a saved .eml.

Why not extract-msg (the usual library for .msg): it is GPL-3.0, and parc-xl ships to
government offices on the same terms as its other dependencies (MIT/BSD/Apache, see
pyproject.toml: PyMuPDF's AGPL was refused for the same reason); it would also bring
seven more packages (RTF decoding, HTML parsing) for the four properties the merge needs.
So the message is read here with olefile (BSD, already a dependency, the Compound File
reader extract-msg itself uses), following the published format (MS-OXMSG):
- sender: PidTagSenderSmtpAddress (0x5D01), else PidTagSenderEmailAddress (0x0C1F) when
  it is an SMTP address (Exchange senders carry an X.500 name there), else the `From` of
  the internet headers (PidTagTransportMessageHeaders, 0x007D);
- sent at: the headers' `Date`, else PidTagClientSubmitTime (0x0039), else
  PidTagMessageDeliveryTime (0x0E06): FILETIMEs in UTC, shown in Vietnam time;
- attachments: each `__attach_version1.0_#N` storage, its file name (0x3707, 0x3704,
  0x3001) and data (0x3701 binary); an attached message (0x3701 as a storage) is not a
  workbook.
Strings are UTF-16 (`001F`) or 8-bit (`001E`, in the message's code page, PidTagMessageCodepage).
The test suite checks the files it builds against extract-msg too.
"""

from __future__ import annotations

import codecs
import datetime as dt
import struct
from email.parser import HeaderParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from parc_xl.io.mail_message import VIETNAM_TIME, WORKBOOK_SUFFIXES, MailAttachment, SavedMail, sent_at

_ATTACH = "__attach_version1.0_#"
_PROPS = "__properties_version1.0"


def read_outlook_msg(path: Path) -> SavedMail:
    """Parse one .msg file; never raises for what the file holds."""
    import olefile

    try:
        if not olefile.isOleFile(str(path)):
            return SavedMail(path=path, problem="không phải thư Outlook (.msg) đọc được")
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError) as exc:
        return SavedMail(path=path, problem=f"không phải thư Outlook (.msg) đọc được ({type(exc).__name__})")
    try:
        return _read(ole, path)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        return SavedMail(path=path, problem=f"thư Outlook bị hỏng ({type(exc).__name__})")
    finally:
        ole.close()


def _read(ole: Any, path: Path) -> SavedMail:
    if not ole.exists(_PROPS) and not ole.exists("__substg1.0_001A001F") and not ole.exists("__substg1.0_001A001E"):
        return SavedMail(path=path, problem="không phải thư Outlook (thiếu thuộc tính của thư)")
    fixed = _fixed_props(ole, _PROPS, 32)
    codepage = _codepage(fixed.get(0x3FFD))
    headers = _string(ole, "", 0x007D, codepage)
    parsed = HeaderParser().parsestr(headers) if headers else None
    sender = _string(ole, "", 0x5D01, codepage)
    if "@" not in sender:
        candidate = _string(ole, "", 0x0C1F, codepage)
        sender = candidate if "@" in candidate else ""
    if not sender and parsed is not None:
        sender = parseaddr(str(parsed.get("From", "")))[1]
    when = sent_at(str(parsed.get("Date", ""))) if parsed is not None else None
    for pid in (0x0039, 0x0E06):
        if when is None and pid in fixed:
            when = _filetime(fixed[pid])
    mail = SavedMail(path=path, sender=sender, sent_at=when)
    storages = sorted({e[0] for e in ole.listdir(streams=False, storages=True) if e and e[0].startswith(_ATTACH)})
    for storage in storages:
        name = Path(_string(ole, storage, 0x3707, codepage) or _string(ole, storage, 0x3704, codepage)
                    or _string(ole, storage, 0x3001, codepage)).name
        data_stream = f"{storage}/__substg1.0_37010102"
        data = ole.openstream(data_stream).read() if ole.exists(data_stream) else b""
        if not name:
            name = "(thư đính kèm)" if ole.exists(f"{storage}/__substg1.0_3701000D") else "(không tên)"
        if name.lower().endswith(WORKBOOK_SUFFIXES) and data:
            mail.workbooks.append(MailAttachment(filename=name, data=data))
        else:
            mail.other_attachments.append(name)
    if not mail.workbooks:
        others = ", ".join(mail.other_attachments)
        mail.problem = "thư không đính kèm mẫu báo cáo .xlsx" + (f" (chỉ có: {others})" if others else "")
    return mail


def _fixed_props(ole: Any, stream: str, header: int) -> dict[int, int]:
    """{property id: 8-byte value} of the fixed-size entries of a properties stream."""
    if not ole.exists(stream):
        return {}
    raw = ole.openstream(stream).read()
    out: dict[int, int] = {}
    for at in range(header, len(raw) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIQ", raw, at)
        if tag & 0xFFFF in (0x0003, 0x0040, 0x0014, 0x000B):
            out[tag >> 16] = value
    return out


def _codepage(value: int | None) -> str:
    if value is None:
        return "cp1258"  # Windows Vietnamese: what an Outlook without Unicode strings wrote here
    try:
        return codecs.lookup(f"cp{value & 0xFFFFFFFF}").name if value != 65001 else "utf-8"
    except LookupError:
        return "cp1258"


def _string(ole: Any, storage: str, pid: int, codepage: str) -> str:
    prefix = f"{storage}/" if storage else ""
    unicode_stream = f"{prefix}__substg1.0_{pid:04X}001F"
    if ole.exists(unicode_stream):
        return ole.openstream(unicode_stream).read().decode("utf-16-le", "replace").rstrip("\0").strip()
    eight_bit = f"{prefix}__substg1.0_{pid:04X}001E"
    if ole.exists(eight_bit):
        return ole.openstream(eight_bit).read().decode(codepage, "replace").rstrip("\0").strip()
    return ""


def _filetime(value: int) -> dt.datetime | None:
    if not value:
        return None
    try:
        utc = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=value // 10)
    except OverflowError:
        return None
    return utc.astimezone(VIETNAM_TIME).replace(tzinfo=None, microsecond=0)
