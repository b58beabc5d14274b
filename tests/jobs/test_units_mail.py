"""`units generate --mail`: one unsent .eml draft per unit, opened here with `email`."""

from __future__ import annotations

import datetime as dt
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from office import make_office  # noqa: E402

from parc_xl.domain.mail_text import address_problem  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import units_generate  # noqa: E402
from parc_xl.io.master import read_master  # noqa: E402

Q1 = "2026-Q1"


def set_emails(master: Path, emails: dict[str, str]) -> None:
    wb = load_workbook(master)
    ws = wb[L.SHEET_UNITS]
    header = [c.value for c in ws[1]]
    code_col, mail_col = header.index("Mã đơn vị") + 1, header.index("Thư điện tử") + 1
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row=row, column=code_col).value
        if code in emails:
            ws.cell(row=row, column=mail_col).value = emails[code]
    wb.save(master)


def test_addresses_a_mail_server_cannot_use_are_named() -> None:
    assert address_problem("pnv@example.gov.vn") == ""
    assert "có dấu" in address_problem("phòngnộivụ@example.gov.vn")
    assert "chưa có" in address_problem("  ")
    assert "không đúng dạng" in address_problem("pnv@ubnd")


def test_every_unit_with_an_address_gets_a_draft_with_its_workbook(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    set_emails(master, {"PTP": "tưpháp@example.gov.vn", "PYT": ""})
    out = tmp_path / "gui"
    result = units_generate.run(master, Q1, out, ["PNV", "PTP", "PYT", "VP"], mail=True)

    assert {d.unit for d in result.drafts} == {"PNV", "VP"}
    assert {n.unit: n.reason for n in result.no_address}.keys() == {"PTP", "PYT"}
    assert "PTP" in result.summary_vi() and "PYT" in result.summary_vi()
    deadline = read_master(master, tracking=False).schedule.submission_deadline(Q1)
    for draft in result.drafts:
        eml = Path(draft.eml)
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        assert msg["X-Unsent"] == "1"
        assert msg["To"] == {"PNV": "pnv@example.gov.vn", "VP": "vp@example.gov.vn"}[draft.unit]
        assert "Quý I/2026" in msg["Subject"] and "CCHC năm 2026" in msg["Subject"]
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        assert f"Hạn gửi báo cáo: ngày {deadline:%d/%m/%Y}" in text
        assert "Hướng dẫn" in text
        attachments = list(msg.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"{Q1}_{draft.unit}.xlsx"]
        assert attachments[0].get_payload(decode=True) == (out / f"{Q1}_{draft.unit}.xlsx").read_bytes()
        assert isinstance(msg["Date"].datetime, dt.datetime)
    assert not (out / f"{Q1}_PTP.eml").exists() and (out / f"{Q1}_PTP.xlsx").exists()
    assert result.to_json()["no_address"][0]["unit"] in {"PTP", "PYT"}
