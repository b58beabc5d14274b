"""Returns saved from Outlook as .msg (issue 15 item 3): read like a saved .eml (sender,
message date as the receipt time, the attached workbook, the e-mail archived beside
it); a message with no workbook, or with two for the same unit, is a record. The .msg
files are built by tests/msg_files.py and checked against extract-msg, an independent
reader of the format."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import extract_msg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mail_files import VN, save_eml  # noqa: E402
from msg_files import save_msg, write_cfb  # noqa: E402
from office import make_office, table  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.io.mail_message import read_saved_mail  # noqa: E402
from parc_xl.jobs import merge, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 3, 25)
COPIED = dt.datetime(2026, 3, 20, 9, 0)  # the inbox was copied after the deadline (16/3)


def dated(path: Path) -> Path:
    os.utime(path, (COPIED.timestamp(), COPIED.timestamp()))
    return path


def test_the_built_msg_reads_the_same_in_extract_msg(tmp_path: Path) -> None:
    big = bytes(range(256)) * 40  # over the 4,096-byte mini stream cutoff: in regular sectors
    path = save_msg(tmp_path / "thu.msg", "pnv@example.gov.vn", dt.datetime(2026, 3, 13, 22, 30, tzinfo=VN),
                    [("2026-Q1_PNV.xlsx", big), ("bien_ban.pdf", b"%PDF-1.4")], subject="Báo cáo quý I")
    reference = extract_msg.openMsg(str(path))
    try:
        assert reference.sender == "pnv@example.gov.vn" and reference.subject == "Báo cáo quý I"
        assert reference.date == dt.datetime(2026, 3, 13, 15, 30, tzinfo=dt.timezone.utc)
        assert [(a.longFilename, a.data) for a in reference.attachments] == [
            ("2026-Q1_PNV.xlsx", big), ("bien_ban.pdf", b"%PDF-1.4")]
    finally:
        reference.close()
    mail = read_saved_mail(path)
    assert (mail.sender, mail.sent_at, mail.problem) == ("pnv@example.gov.vn", dt.datetime(2026, 3, 13, 22, 30), "")
    assert [(b.filename, b.data) for b in mail.workbooks] == [("2026-Q1_PNV.xlsx", big)]
    assert mail.other_attachments == ["bien_ban.pdf"]
    # without internet headers (a message Outlook sent itself): the submit time, in Vietnam time
    bare = read_saved_mail(save_msg(tmp_path / "gui_di.msg", "ptp@example.gov.vn",
                                    dt.datetime(2026, 3, 17, 1, 0, tzinfo=dt.timezone.utc),
                                    [("x.xlsx", b"PK")], headers=False))
    assert bare.sent_at == dt.datetime(2026, 3, 17, 8, 0) and bare.sender == "ptp@example.gov.vn"


def test_inbox_of_msg_files_merged_by_message_date_with_records(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV", "PTP", "VP"])
    work = tmp_path / "lam"
    pnv = fill_return(out / f"{Q1}_PNV.xlsx", work / f"{Q1}_PNV.xlsx", {"1.1": {"progress": "Đang thực hiện"}}, COPIED)
    ptp = fill_return(out / f"{Q1}_PTP.xlsx", work / f"{Q1}_PTP.xlsx", {"1.2": {"progress": "Đang thực hiện"}}, COPIED)
    vp_a = fill_return(out / f"{Q1}_VP.xlsx", work / "a" / f"{Q1}_VP.xlsx", {"1.2": {"progress": "Đang thực hiện"}},
                       COPIED)
    vp_b = fill_return(out / f"{Q1}_VP.xlsx", work / "b" / f"{Q1}_VP (sửa).xlsx",
                       {"1.2": {"progress": "Chưa triển khai"}}, COPIED)
    inbox = tmp_path / "hop_thu"
    dated(save_msg(inbox / "pnv.msg", "pnv@example.gov.vn", dt.datetime(2026, 3, 13, 22, 30, tzinfo=VN),
                   [(pnv.name, pnv.read_bytes())], sender_name="Phòng Nội vụ"))
    dated(save_msg(inbox / "ptp.msg", "ptp@example.gov.vn", dt.datetime(2026, 3, 17, 8, 0, tzinfo=VN),
                   [(ptp.name, ptp.read_bytes())], headers=False))
    dated(save_msg(inbox / "vp_hai_tep.msg", "vp@example.gov.vn", dt.datetime(2026, 3, 12, 9, 0, tzinfo=VN),
                   [(vp_a.name, vp_a.read_bytes()), (vp_b.name, vp_b.read_bytes())]))
    dated(save_msg(inbox / "chi_co_pdf.msg", "tckh@example.gov.vn", dt.datetime(2026, 3, 12, tzinfo=VN),
                   [("ghi_chu.pdf", b"%PDF-1.4")]))
    dated(write_cfb(inbox / "khong_phai_thu.msg", {"WordDocument": b"\x00" * 100}))  # an OLE file, not a message

    result = merge.run(master, inbox, Q1, as_of=AS_OF)

    assert sorted(Path(f).name for f in result.accepted) == [pnv.name, ptp.name]
    assert result.late_units == ["PTP"]
    refused: dict[str, set[str]] = {}
    for r in result.rejected:
        refused.setdefault(Path(r.file).name, set()).update(p.code for p in r.issues)
    assert refused == {"chi_co_pdf.msg": {"mail-no-workbook"}, "khong_phai_thu.msg": {"mail-unreadable"},
                       vp_a.name: {"mail-two-workbooks"}, vp_b.name: {"mail-two-workbooks"}}
    twin = next(p for r in result.rejected for p in r.issues if p.code == "mail-two-workbooks")
    assert "vp_hai_tep.msg" in twin.message and "VP" in twin.message
    subs = {str(r["Tệp"]): r for r in table(master, L.SHEET_SUBMISSIONS)}
    assert subs[pnv.name]["Đúng hạn"] == "Đúng hạn"
    assert subs[pnv.name]["Nhận lúc"] == dt.datetime(2026, 3, 13, 22, 30)
    assert str(subs[pnv.name]["Ghi chú"]).startswith("Thư pnv.msg từ pnv@example.gov.vn, gửi 13/03/2026 22:30")
    assert subs[ptp.name]["Đúng hạn"] == "Trễ hạn"
    assert subs[vp_a.name]["Kết quả"] == "Từ chối" and subs[vp_b.name]["Kết quả"] == "Từ chối"
    tracking = {(r["Khóa"], r["Mã đơn vị"]): r for r in table(master, L.SHEET_TRACKING)}
    assert tracking[("1.2", "VP")]["Tiến độ"] == ""  # neither of the two files was applied
    assert tracking[("1.1", "PNV")]["Tiến độ"] == "Đang thực hiện"
    archived = sorted(p.suffix for p in (master.parent / "luu_tru" / Q1).iterdir())
    assert archived == [".msg", ".msg", ".xlsx", ".xlsx"]  # each message beside its workbook


def test_an_eml_with_two_workbooks_for_the_same_unit_is_a_record(tmp_path: Path) -> None:
    master = make_office(tmp_path / "vp")
    out = tmp_path / "gui"
    units_generate.run(master, Q1, out, ["PNV"])
    one = fill_return(out / f"{Q1}_PNV.xlsx", tmp_path / "1" / f"{Q1}_PNV.xlsx",
                      {"1.1": {"progress": "Đang thực hiện"}}, COPIED)
    two = fill_return(out / f"{Q1}_PNV.xlsx", tmp_path / "2" / f"{Q1}_PNV_moi.xlsx",
                      {"1.1": {"progress": "Chưa triển khai"}}, COPIED)
    inbox = tmp_path / "hop_thu"
    save_eml(inbox / "pnv.eml", "pnv@example.gov.vn", dt.datetime(2026, 3, 12, 9, tzinfo=VN),
             [(one.name, one.read_bytes()), (two.name, two.read_bytes())], file_time=COPIED)
    result = merge.run(master, inbox, Q1, as_of=AS_OF)
    assert result.accepted == [] and result.exit_code == 1
    assert {Path(r.file).name: [p.code for p in r.issues][0] for r in result.rejected} == {
        one.name: "mail-two-workbooks", two.name: "mail-two-workbooks"}
    notes = [str(r["Ghi chú"]) for r in table(master, L.SHEET_SUBMISSIONS)]
    assert len(notes) == 2 and all("2 mẫu báo cáo của đơn vị PNV trong cùng thư pnv.eml" in n for n in notes), notes
    tracking = {(r["Khóa"], r["Mã đơn vị"]): r for r in table(master, L.SHEET_TRACKING)}
    assert tracking[("1.1", "PNV")]["Tiến độ"] == ""
