"""`parc-xl remind`: reminder letters (Decree 30 .docx) and .eml drafts for the units to
chase, opened here with python-docx and `email` as a clerk's Word and mail client would."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
from contextlib import redirect_stdout
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import office  # noqa: E402

from parc_xl import cli  # noqa: E402
from parc_xl.errors import InputError  # noqa: E402
from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, plan_import, remind, units_generate  # noqa: E402
from parc_xl.samples.returns import fill_return  # noqa: E402
from tests.jobs import render  # noqa: E402

Q1 = "2026-Q1"
AS_OF = dt.date(2026, 4, 10)  # a Friday; the Q1 return was due on Monday 16/03/2026
# an unnumbered sub-item pair under 3.5 (keys 3.5#1, 3.5#2): the letter names them "3.5 (ý 1)"
SUB_ROWS = ("3.5\tKiểm tra công tác cải cách hành chính\t\t\t\t\n"
            "\t1. Kiểm tra tại các xã\tBiên bản\tTrưởng phòng Nội vụ huyện\t\tQuý I/2026\n"
            "\t2. Kiểm tra tại các phòng\tBiên bản\tTrưởng phòng Nội vụ huyện\t\tNgày 20/4/2026\n")
NO_TASKS = ("PKT", "Phòng Kinh tế huyện", "", "Trưởng phòng Kinh tế huyện", "pkt@example.gov.vn")


def make_master(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    appendix = folder / "phu_luc.txt"
    appendix.write_text(office.APPENDIX + SUB_ROWS, encoding="utf-8")
    registry = office.write_registry(folder / "don_vi.xlsx")
    wb = load_workbook(registry)
    ws = wb[L.SHEET_UNITS]
    header = [c.value for c in ws[1]]
    mail = header.index("Thư điện tử")
    for row in ws.iter_rows(min_row=2):
        code = row[0].value
        if code == "PTP":
            row[mail].value = None  # no address
        if code == "VP":
            row[mail].value = "vănphòng@example.gov.vn"  # Vietnamese letters: no mail server takes it
    ws.append(list(NO_TASKS))
    wb.save(registry)
    master = folder / "so_theo_doi.xlsx"
    assert plan_import.run(appendix, office.YEAR, master, registry).exit_code == 0
    return master


@pytest.fixture(scope="module")
def chased(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("remind")
    master = make_master(root / "vp")
    out = root / "gui"
    units_generate.run(master, Q1, out)
    inbox = root / "hop_thu"
    on_time = dt.datetime(2026, 3, 12, 9)
    fill_return(out / f"{Q1}_PNV.xlsx", inbox / f"{Q1}_PNV.xlsx", {"1.1": {"progress": "Đang thực hiện"}}, on_time)
    fill_return(out / f"{Q1}_XA1.xlsx", inbox / f"{Q1}_XA1.xlsx", {"2.1": {"progress": "Đang thực hiện"}}, on_time)
    # done without the evidence document: refused
    fill_return(out / f"{Q1}_PTCKH.xlsx", inbox / f"{Q1}_PTCKH.xlsx",
                {"3.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(2026, 3, 10)}},
                dt.datetime(2026, 3, 13, 10))
    merged = merge.run(master, inbox, Q1, as_of=dt.date(2026, 3, 20))
    assert [Path(f).name for f in merged.accepted] == [f"{Q1}_PNV.xlsx", f"{Q1}_XA1.xlsx"]
    before = hashlib.sha256(master.read_bytes()).hexdigest()
    letters = root / "don_doc"
    result = remind.run(master, Q1, letters, as_of=AS_OF)
    return {"root": root, "master": master, "out": letters, "result": result, "json": result.to_json(),
            "master_sha": before}


def letter_of(chased: dict, unit: str) -> dict:
    return next(x for x in chased["json"]["letters"] if x["unit"] == unit)


def test_who_is_chased_and_why(chased: dict) -> None:
    js = chased["json"]
    assert js["as_of"] == "2026-04-10" and js["period"] == Q1
    units = [x["unit"] for x in js["letters"]]
    # registry order; XA1 sent its return and has nothing late; PKT has no task
    assert units == ["VP", "PNV", "PTP", "PTCKH", "PVHTT", "PGDDT", "PYT", "TTHU", "XA2", "XA3"]
    pnv = letter_of(chased, "PNV")
    assert pnv["missing_return"] is None
    assert [(t["number"], t["days_overdue"]) for t in pnv["overdue"]] == [("1.1", 8), ("1.2", 8), ("3.5 (ý 1)", 8)]
    assert [(t["number"], t["due"], t["days_left"]) for t in pnv["due_soon"]] == [("3.5 (ý 2)", "2026-04-20", 6)]
    ptckh = letter_of(chased, "PTCKH")
    missing = ptckh["missing_return"]
    assert (missing["deadline"], missing["late"], missing["days_late"]) == ("2026-03-16", True, 19)
    assert missing["refused_at"].startswith("2026-03-13")
    assert letter_of(chased, "XA2")["overdue"] == [] and letter_of(chased, "XA2")["missing_return"]["late"]
    assert {s["unit"]: s["reason"] for s in js["skipped"]} == {
        "VP": "địa chỉ «vănphòng@example.gov.vn» có chữ có dấu tiếng Việt, máy chủ thư không gửi được",
        "PTP": "chưa có địa chỉ thư điện tử trong danh mục đơn vị",
    }
    assert [w["code"] for w in js["warnings"]] == ["remind-unit-no-tasks"] and "PKT" in js["warnings"][0]["message"]
    assert chased["result"].exit_code == 0


def test_every_draft_goes_to_the_registry_address_with_the_letter_attached_byte_equal(chased: dict) -> None:
    emails = {u[0]: u[4] for u in office.UNITS}
    drafts = [x for x in chased["json"]["letters"] if x["eml"]]
    assert {x["unit"] for x in drafts} == {x["unit"] for x in chased["json"]["letters"]} - {"VP", "PTP"}
    for x in drafts:
        msg = message_from_bytes(Path(x["eml"]).read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        assert msg["X-Unsent"] == "1" and msg["To"] == emails[x["unit"]] == x["to"]
        assert msg["Subject"] == "Đôn đốc thực hiện nhiệm vụ CCHC năm 2026 — Quý I/2026"
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().startswith(f"Kính gửi: {x['unit_name']},")
        [attachment] = list(msg.iter_attachments())
        assert attachment.get_filename() == Path(x["file"]).name == f"{Q1}_{x['unit']}_don_doc.docx"
        assert attachment.get_content_type() == ("application/vnd.openxmlformats-officedocument."
                                                 "wordprocessingml.document")
        assert attachment.get_payload(decode=True) == Path(x["file"]).read_bytes()
    pnv = message_from_bytes(Path(letter_of(chased, "PNV")["eml"]).read_bytes(), policy=policy.default)
    text = pnv.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "- hoàn thành 3 nhiệm vụ đã quá hạn;" in text and "- hoàn thành đúng hạn 1 nhiệm vụ sắp đến hạn;" in text
    assert "gửi báo cáo" not in text.split("Đề nghị đơn vị:")[1].split("\n\n")[0]
    xa2 = message_from_bytes(Path(letter_of(chased, "XA2")["eml"]).read_bytes(), policy=policy.default)
    assert "- gửi báo cáo Quý I/2026 (hạn gửi ngày 16/03/2026);" in \
        xa2.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    # no address: the letter is written, no draft
    for unit in ("VP", "PTP"):
        x = letter_of(chased, unit)
        assert x["eml"] is None and Path(x["file"]).is_file()
        assert not Path(x["file"]).with_suffix(".eml").exists()


def doc_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for r in t.rows:
            parts.extend(c.text for c in r.cells)
    return "\n".join(parts)


def test_letter_is_a_decree_30_cong_van_naming_the_tasks(chased: dict) -> None:
    doc = Document(letter_of(chased, "PNV")["file"])
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert 30 <= round(sec.left_margin.mm) <= 35 and doc.styles["Normal"].font.name == "Times New Roman"
    head = doc.tables[0]
    assert head.cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert head.cell(1, 0).text == ("Số: …/UBND-…\n"
                                    "V/v đôn đốc thực hiện nhiệm vụ CCHC năm 2026, kỳ báo cáo Quý\u00a0I/2026")
    gaps = [r for r in head.cell(1, 0).paragraphs[0].runs if r.text.startswith("…")]
    assert len(gaps) == 2 and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in gaps)
    assert head.cell(1, 1).text == "……, ngày … tháng … năm 2026"
    texts = [p.text for p in doc.paragraphs]
    assert "Kính gửi: Phòng Nội vụ huyện." in texts
    assert any(t.startswith("Thực hiện Kế hoạch cải cách hành chính (CCHC) năm 2026, căn cứ kết quả theo dõi "
                            "tình hình thực hiện tính đến ngày 10/04/2026") for t in texts)
    assert not any("Gửi báo cáo" in t for t in texts)  # PNV sent its return
    table = doc.tables[1]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày làm việc quá hạn"],
        ["1.1", "Ban hành Kế hoạch cải cách hành chính năm 2026", "31/03/2026", "8"],
        ["1.2", "Báo cáo công tác cải cách hành chính định kỳ", "31/03/2026", "8"],
        ["3.5 (ý 1)", "1. Kiểm tra tại các xã", "31/03/2026", "8"],
        ["3.5 (ý 2)", "2. Kiểm tra tại các phòng", "20/04/2026", "Sắp đến hạn (còn 6 ngày làm việc)"],
    ]
    foot = doc.tables[-1]
    assert foot.cell(0, 0).text.splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, UBND."]
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in foot.cell(0, 1).text


def test_letter_for_a_refused_return_and_one_for_a_missing_return_only(chased: dict) -> None:
    body = doc_text(Document(letter_of(chased, "PTCKH")["file"]))
    assert ("1. Gửi báo cáo kết quả thực hiện nhiệm vụ CCHC Quý I/2026: hạn gửi là ngày 16/03/2026, đến nay đã "
            "quá 19 ngày làm việc, báo cáo đơn vị gửi ngày 13/03/2026 chưa đạt yêu cầu") in body
    assert "3.1\nBan hành quy chế chi tiêu nội bộ\n31/03/2026\n8" in body
    doc = Document(letter_of(chased, "XA2")["file"])
    assert len(doc.tables) == 2  # header and signature: no task table
    assert "đơn vị chưa gửi báo cáo" in doc_text(doc)


def test_summary_workbook_lists_every_letter_and_the_master_is_unchanged(chased: dict) -> None:
    summary = Path(chased["json"]["summary"])
    assert summary.name == f"{Q1}_don_doc_tong_hop.xlsx" and summary.parent == chased["out"]
    rows = CalamineWorkbook.from_path(str(summary)).get_sheet_by_name("Đôn đốc").to_python()
    assert rows[0][0].startswith("Đôn đốc thực hiện nhiệm vụ CCHC năm 2026 — Quý I/2026")
    assert rows[1][:5] == ["STT", "Mã đơn vị", "Đơn vị", "Thư điện tử", "Báo cáo của kỳ"]
    by_unit = {r[1]: r for r in rows[2:]}
    assert list(by_unit) == [x["unit"] for x in chased["json"]["letters"]]
    assert by_unit["PNV"][4:10] == ["Đã gửi", 3, 1, "1.1, 1.2, 3.5 (ý 1), 3.5 (ý 2)",
                                    f"{Q1}_PNV_don_doc.docx", f"{Q1}_PNV_don_doc.eml"]
    assert by_unit["PTCKH"][4] == "Bị từ chối (13/03/2026), quá hạn 19 ngày làm việc (hạn 16/03/2026)"
    assert by_unit["PTP"][9].startswith("Không có thư: chưa có địa chỉ")
    names = sorted(p.name for p in chased["out"].iterdir())
    assert len(names) == 10 + 8 + 1 and not [n for n in names if n.startswith(".")]
    assert hashlib.sha256(chased["master"].read_bytes()).hexdigest() == chased["master_sha"]


def test_cli_json_and_text(chased: dict, tmp_path: Path) -> None:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = cli.main(["remind", str(chased["master"]), "--period", Q1, "--as-of", "10/04/2026",
                         "-o", str(tmp_path / "dd"), "--json"])
    assert code == 0
    js = json.loads(buf.getvalue())
    assert set(js) >= {"letters", "skipped", "as_of"} and js["as_of"] == "2026-04-10"
    assert set(js["letters"][0]) >= {"unit", "file", "eml", "overdue", "due_soon", "missing_return"}
    assert js["letters"] == [{**x, "file": x["file"].replace(str(chased["out"]), str(tmp_path / "dd")),
                              "eml": x["eml"] and x["eml"].replace(str(chased["out"]), str(tmp_path / "dd"))}
                             for x in chased["json"]["letters"]]
    text = chased["result"].summary_vi()
    assert text.startswith("Đã tạo 10 văn bản đôn đốc (Quý I/2026, tính đến ngày 10/04/2026) và 8 thư nháp")
    assert "- Phòng Nội vụ huyện: 3 nhiệm vụ quá hạn, 1 nhiệm vụ sắp đến hạn." in text
    assert "- Phòng Tài chính - Kế hoạch huyện: báo cáo bị từ chối, chưa gửi lại, 2 nhiệm vụ quá hạn." in text
    assert "Không tạo thư nháp cho PTP: chưa có địa chỉ thư điện tử trong danh mục đơn vị" in text


def test_nothing_to_chase_writes_nothing_and_exits_0(chased: dict, tmp_path: Path) -> None:
    out = tmp_path / "dd"
    result = remind.run(chased["master"], Q1, out, as_of=dt.date(2026, 1, 5))
    assert result.letters == [] and result.exit_code == 0 and not out.exists()
    assert result.summary_vi().startswith("Không có đơn vị nào cần đôn đốc (Quý I/2026, tính đến ngày 05/01/2026)")
    assert result.to_json()["letters"] == [] and result.to_json()["skipped"] == []


def test_bad_input_is_a_vietnamese_error_and_nothing_is_written(chased: dict, tmp_path: Path) -> None:
    out = tmp_path / "dd"
    with pytest.raises(InputError, match="không thuộc kế hoạch năm 2026"):
        remind.run(chased["master"], "2025-Q1", out, as_of=AS_OF)
    with pytest.raises(InputError, match="không hợp lệ"):
        remind.run(chased["master"], "2026-Q5", out, as_of=AS_OF)
    other = tmp_path / "khac.xlsx"
    wb = Workbook()
    wb.active.title = "Trang tính 1"
    wb.save(other)
    with pytest.raises(InputError, match="không phải sổ theo dõi do parc-xl tạo"):
        remind.run(other, Q1, out, as_of=AS_OF)
    with pytest.raises(InputError, match="Không tìm thấy"):
        remind.run(tmp_path / "khong_co.xlsx", Q1, out, as_of=AS_OF)
    a_file = tmp_path / "la_tep"
    a_file.write_text("x")
    with pytest.raises(InputError, match="là một tệp, không phải thư mục"):
        remind.run(chased["master"], Q1, a_file, as_of=AS_OF)
    assert not out.exists()
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli.main(["remind", str(chased["master"]), "--period", "2025-Q1", "-o", str(out), "--json"]) == 2
    assert "không thuộc kế hoạch năm 2026" in json.loads(buf.getvalue())["error"]["message"]


def test_a_failure_half_way_leaves_the_folder_as_it_was(chased: dict, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from parc_xl.io import mail_draft
    from parc_xl.io.master_lock import DiskFullError

    out = tmp_path / "dd"
    out.mkdir()
    (out / "ghi_chu.txt").write_text("của văn phòng")
    real, calls = mail_draft.write_draft, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(mail_draft, "write_draft", failing)
    with pytest.raises(DiskFullError, match="hết chỗ trống; chưa ghi văn bản đôn đốc nào"):
        remind.run(chased["master"], Q1, out, as_of=AS_OF)
    assert [p.name for p in out.iterdir()] == ["ghi_chu.txt"]
    fresh = tmp_path / "moi"
    calls.clear()
    with pytest.raises(DiskFullError):
        remind.run(chased["master"], Q1, fresh, as_of=AS_OF)
    assert not fresh.exists()


def test_libreoffice_renders_a_letter_on_one_page(chased: dict, soffice: str, tmp_path: Path) -> None:
    pdf = render.to_pdf(soffice, Path(letter_of(chased, "PNV")["file"]), tmp_path)
    assert render.page_count(pdf) == 1
    text = " ".join(render.page_text(pdf, 1).split())
    assert "Kính gửi: Phòng Nội vụ huyện." in text and "Kiểm tra tại các phòng" in text and "Sắp đến hạn" in text
    png, pixels = render.render(pdf, 1, tmp_path / "letter")
    assert png.is_file() and render.count_colour(pixels, "FFFF00", tol=10) > 0  # the highlighted gaps


def test_units_without_an_address_for_the_same_reason_share_one_line() -> None:
    why = "chưa có địa chỉ thư điện tử trong danh mục đơn vị"
    result = remind.RemindResult(period=Q1, as_of=AS_OF, out_dir="dd",
                                 skipped=[remind.Skipped(unit=u, reason=why) for u in ("PNV", "PTP", "PYT")])
    lines = [x for x in result.summary_vi().splitlines() if x.startswith("Không tạo thư nháp")]
    assert lines == [f"Không tạo thư nháp cho PNV, PTP, PYT: {why}; văn bản vẫn được tạo, hãy gửi bằng tay hoặc "
                     "sửa cột Thư điện tử của sheet Đơn vị rồi chạy lại."]


def test_a_master_without_any_address_gets_every_letter_and_no_draft(tmp_path: Path) -> None:
    master = office.make_office(tmp_path / "vp")
    wb = load_workbook(master)
    ws = wb[L.SHEET_UNITS]
    mail = [c.value for c in ws[1]].index("Thư điện tử")
    for row in ws.iter_rows(min_row=2):
        row[mail].value = None
    wb.save(master)
    out = tmp_path / "dd"
    result = remind.run(master, Q1, out, as_of=AS_OF)
    codes = [u[0] for u in office.UNITS]
    assert [x.unit for x in result.letters] == codes and all(x.eml is None for x in result.letters)
    assert [s.unit for s in result.skipped] == codes
    assert not list(out.glob("*.eml")) and len(list(out.glob("*_don_doc.docx"))) == len(codes)
    [line] = [x for x in result.summary_vi().splitlines() if x.startswith("Không tạo thư nháp")]
    assert line.startswith(f"Không tạo thư nháp cho {', '.join(codes)}: chưa có địa chỉ thư điện tử")
