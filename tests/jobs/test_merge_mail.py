"""Returns that arrive as saved e-mails (.eml): the attached workbook is merged and the
message's Date, not the file time, decides whether the unit was on time."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mail_files import VN, save_eml  # noqa: E402
from office import make_office, table  # noqa: E402

from parc_xl.domain.submissions import receipt_time  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)
AFTER_DEADLINE = dt.datetime(2026, 3, 20, 9, 0)  # the inbox was copied on 20/3


def test_receipt_time_prefers_the_mail_then_the_clerk_then_the_file() -> None:
    mail, said, file = dt.datetime(2026, 3, 12), dt.datetime(2026, 3, 13), dt.datetime(2026, 3, 20)
    assert receipt_time(mail, said, file) == mail
    assert receipt_time(None, said, file) == said
    assert receipt_time(None, None, file) == file


def test_inbox_of_mails_copied_after_the_deadline_is_on_time_by_message_date(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP", "VP", "PTCKH"])
    work = tmp_path / "lam"
    pnv = fill_return(out / f"{Q1}_PNV.xlsx", work / f"{Q1}_PNV.xlsx",
                     {"1.1": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 20))
    ptp = fill_return(out / f"{Q1}_PTP.xlsx", work / f"{Q1}_PTP.xlsx",
                     {"1.2": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 20))
    vp = fill_return(out / f"{Q1}_VP.xlsx", work / f"{Q1}_VP.xlsx",
                    {"1.2": {"progress": "Đang thực hiện"}}, dt.datetime(2026, 3, 20))
    inbox = tmp_path / "hop_thu"
    # 13/3 22:30 in Hà Nội is 13/3 15:30 UTC: on time however the mail client wrote the zone
    save_eml(inbox / "pnv.eml", "Phòng Nội vụ <pnv@example.gov.vn>",
             dt.datetime(2026, 3, 13, 15, 30, tzinfo=dt.timezone.utc), [(pnv.name, pnv.read_bytes())],
             file_time=AFTER_DEADLINE)
    # sent after the deadline (16/3: the first working day after the Saturday 14/3 cut-off): late
    save_eml(inbox / "ptp.eml", "ptp@example.gov.vn", dt.datetime(2026, 3, 17, 8, 0, tzinfo=VN),
             [(ptp.name, ptp.read_bytes()), ("bien_ban.pdf", b"%PDF-1.4 not a workbook")],
             file_time=AFTER_DEADLINE)
    # forged sender: the workbook's metadata decides the unit, the clerk is warned
    save_eml(inbox / "vp.eml", "ke_gia@example.com", dt.datetime(2026, 3, 12, 9, 0, tzinfo=VN),
             [(vp.name, vp.read_bytes())], file_time=AFTER_DEADLINE)
    save_eml(inbox / "khong_dinh_kem.eml", "ptckh@example.gov.vn", dt.datetime(2026, 3, 12, tzinfo=VN),
             [("ghi_chu.pdf", b"%PDF-1.4")], file_time=AFTER_DEADLINE)
    (inbox / "hong.eml").write_bytes(b"\x00\x01\x02 this is not a message \xff\xfe")

    result = merge.run(master, inbox, Q1, as_of=AS_OF)

    assert result.exit_code == 1  # two messages refused
    assert sorted(Path(f).name for f in result.accepted) == [f"{Q1}_PNV.xlsx", f"{Q1}_PTP.xlsx", f"{Q1}_VP.xlsx"]
    assert result.late_units == ["PTP"]
    refused = {Path(r.file).name: {p.code for p in r.issues} for r in result.rejected}
    assert refused == {"khong_dinh_kem.eml": {"mail-no-workbook"}, "hong.eml": {"mail-unreadable"}}
    subs = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert subs[f"{Q1}_PNV.xlsx"]["Đúng hạn"] == "Đúng hạn"
    assert subs[f"{Q1}_PNV.xlsx"]["Nhận lúc"] == dt.datetime(2026, 3, 13, 22, 30)
    assert str(subs[f"{Q1}_PNV.xlsx"]["Ghi chú"]).startswith(
        "Thư pnv.eml từ pnv@example.gov.vn, gửi 13/03/2026 22:30")
    assert subs[f"{Q1}_PTP.xlsx"]["Đúng hạn"] == "Trễ hạn"
    assert subs[f"{Q1}_VP.xlsx"]["Đúng hạn"] == "Đúng hạn"
    assert "ke_gia@example.com" in str(subs[f"{Q1}_VP.xlsx"]["Ghi chú"])
    assert "Từ chối" == subs["khong_dinh_kem.eml"]["Kết quả"]
    codes = {p.code for p in result.problems}
    assert {"mail-sender-mismatch", "mail-not-workbook"} <= codes
    assert any("bien_ban.pdf" in p.message for p in result.problems)
    # the archive keeps each e-mail beside its workbook
    archived = sorted(p.suffix for p in (master.parent / "luu_tru" / Q1).iterdir())
    assert archived == [".eml", ".eml", ".eml", ".xlsx", ".xlsx", ".xlsx"]


def test_a_refused_file_replaced_by_a_corrected_copy_is_superseded(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP"])
    inbox = tmp_path / "hop_thu"
    bad = fill_return(out / f"{Q1}_PNV.xlsx", inbox / "pnv_sai.xlsx", {"1.1": {"progress": "Đang thực hiện"}},
                     dt.datetime(2026, 3, 10, 9))
    wb = load_workbook(bad)
    ws = wb["Báo cáo"]
    task_col = next(c.column for c in ws[4] if c.value == "Nhiệm vụ")
    ws.cell(row=5, column=task_col).value = "Nhiệm vụ đã bị sửa"
    wb.save(bad)
    os.utime(bad, (dt.datetime(2026, 3, 10, 9).timestamp(),) * 2)
    bad_ptp = tmp_path / "ptp_sai.xlsx"
    fill_return(out / f"{Q1}_PTP.xlsx", bad_ptp, {"1.2": {"progress": "Xong 50%"}}, dt.datetime(2026, 3, 10, 9))
    (inbox / "ptp_sai.xlsx").write_bytes(bad_ptp.read_bytes())
    os.utime(inbox / "ptp_sai.xlsx", (dt.datetime(2026, 3, 10, 9).timestamp(),) * 2)
    first = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert {Path(r.file).name for r in first.rejected} == {"pnv_sai.xlsx", "ptp_sai.xlsx"}

    fill_return(out / f"{Q1}_PNV.xlsx", inbox / "pnv_sua.xlsx", {"1.1": {"progress": "Đang thực hiện"}},
               dt.datetime(2026, 3, 12, 9))
    second = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert [Path(f).name for f in second.accepted] == ["pnv_sua.xlsx"]
    # PTP has not corrected its file: still refused, and the reason is said again
    again = {Path(r.file).name: r.issues[0] for r in second.rejected}
    assert "ptp_sai.xlsx" in again
    assert again["ptp_sai.xlsx"].code == "already-rejected"
    assert "vì:" in again["ptp_sai.xlsx"].message and "Xong 50%" in again["ptp_sai.xlsx"].message

    (inbox / "ptp_sai.xlsx").unlink()
    third = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert third.exit_code == 0 and [Path(f).name for f in third.superseded] == ["pnv_sai.xlsx"]
