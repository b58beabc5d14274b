"""Điều chỉnh kế hoạch (plan amend) end to end on the bundled sample plan.

The master is imported from `parc_xl/samples/ke_hoach_mau.txt`, every unit's Q1 and
6-month forms are generated, filled and merged with the real jobs; then a reissued
appendix that moves deadlines, drops a task, adds one, renumbers the rest of its area and
moves a task to another lead unit is applied. The assertions read the master back as a
clerk sees it: every reported value kept, every retired row greyed and out of the counts,
one `Lịch sử` row per change.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from parc_xl.cli import main
from parc_xl.domain.plan_amend import RETIRED
from parc_xl.errors import InputError, MasterBusyError
from parc_xl.io import master_layout as L
from parc_xl.io.master import read_master
from parc_xl.jobs import merge, plan_amend, plan_carry_over, plan_import, status, units_generate
from parc_xl.samples import SAMPLES_DIR
from parc_xl.samples.returns import fill_return, plausible_answers, report_rows

YEAR = 2026
SAMPLE = SAMPLES_DIR / "ke_hoach_mau.txt"
Q1_AT = dt.datetime(YEAR, 3, 10, 9)
H1_AT = dt.datetime(YEAR, 6, 10, 9)
EFFECTIVE = dt.date(YEAR, 7, 1)
REF = "Quyết định số 123/QĐ-UBND ngày 01/7/2026"
REPORTED = ["progress", "completed_on", "evidence", "figure", "difficulties", "proposals", "period",
            "received_at", "source_file"]

# 3.4.1 (Quý II) done on 06/06 by VPHDUB, on time; the amendment moves it to May: still on time.
DONE_EARLY = {"3.4.1": {"progress": "Đã hoàn thành", "completed_on": dt.date(YEAR, 6, 6),
                        "evidence": "Báo cáo số 77/BC-VP ngày 06/06/2026"}}


def amended_text(*, drop: tuple[str, ...] = (), renumber: dict[str, str] | None = None,
                 replace: dict[str, tuple[str, str]] | None = None,
                 insert_after: dict[str, str] | None = None, head: str | None = None) -> str:
    """The sample appendix as a reissued version: rows dropped by STT, STT renumbered,
    cell text replaced within a row, rows inserted after a row; `head` replaces the
    document's opening lines (the issuer block)."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    for line in lines:
        stt = line.split("\t", 1)[0] if "\t" in line else None
        if stt in drop:
            continue
        if stt and stt in (replace or {}):
            old, new = (replace or {})[stt]
            assert old in line, (stt, old)
            line = line.replace(old, new)
        if stt and stt in (renumber or {}):
            line = (renumber or {})[stt] + line[len(stt):]
        out.append(line)
        if stt and stt in (insert_after or {}):
            out.append((insert_after or {})[stt])
    text = "\n".join(out)
    if head is not None:
        text = head + text[text.index("\n\n") :]
    return text.replace("(Kèm theo Kế hoạch số 25/KH-UBND", f"(Kèm theo {REF}, sửa đổi Kế hoạch số 25/KH-UBND")


NEW_TASK = ("2.5\tXây dựng cơ sở dữ liệu văn bản quy phạm pháp luật của huyện.\tCơ sở dữ liệu\t"
            "Trưởng phòng Tư pháp huyện\tVăn phòng HĐND và UBND huyện\tQuý III/2026")
MAIN_AMENDMENT = dict(
    drop=("1.5",),
    renumber={"1.6": "1.5", "1.7": "1.6"},
    replace={
        "2.2": ("Trong quý III năm 2026", "Quý IV/2026"),  # moved later: not done yet
        "3.4.1": ("Quý II/2026", "Tháng 5/2026"),  # moved earlier: already done on time
        "5.2": ("Trưởng phòng Nội vụ huyện", "Trưởng phòng Giáo dục và Đào tạo huyện"),  # another lead unit
    },
    insert_after={"2.4": NEW_TASK},
)


def table(path: Path, sheet: str) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v != "" for v in r)]


def tracking(path: Path) -> dict[tuple[str, str], dict[str, object]]:
    headers = {c.header: c.id for c in L.TRACKING_COLUMNS}
    return {(str(r["Khóa"]), str(r["Mã đơn vị"])): {headers[h]: v for h, v in r.items() if h in headers}
            for r in table(path, L.SHEET_TRACKING)}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A master with two periods of returns (Q1, 6 tháng) from every lead unit."""
    root = tmp_path_factory.mktemp("amend")
    master = root / "so_theo_doi.xlsx"
    plan_import.run(SAMPLE, YEAR, master)
    rng = random.Random(20)
    for period, when in (("2026-Q1", Q1_AT), ("2026-H1", H1_AT)):
        made = units_generate.run(master, period, root / f"gui_{period}")
        for f in map(Path, made.files):
            answers = plausible_answers(report_rows(f), when.date(), rng)
            if period == "2026-H1" and f.stem.endswith("_VPHDUB"):
                answers.update(DONE_EARLY)
            fill_return(f, root / f"hop_thu_{period}" / f.name, answers, when)
        merged = merge.run(master, root / f"hop_thu_{period}", period, as_of=when.date())
        assert not merged.rejected and merged.rows_updated > 50, merged.summary_vi()
    status.run(master, dt.date(YEAR, 6, 20))
    src = root / "ke_hoach_sua_doi.txt"
    src.write_text(amended_text(**MAIN_AMENDMENT), encoding="utf-8")  # type: ignore[arg-type]
    return {"root": root, "master": master, "source": src, "h1_forms": root / "gui_2026-H1"}


def copy_master(office: dict[str, Path], tmp_path: Path) -> Path:
    dst = tmp_path / "so_theo_doi.xlsx"
    shutil.copy2(office["master"], dst)
    return dst


@pytest.fixture(scope="module")
def applied(office: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("applied")
    master = folder / "so_theo_doi.xlsx"
    shutil.copy2(office["master"], master)
    before = tracking(master)
    result = plan_amend.run(master, office["source"], effective=EFFECTIVE)
    return {"master": master, "before": before, "after": tracking(master), "result": result}


# --------------------------------------------------------------------------- the report


def test_dry_run_reports_each_change_and_writes_nothing(office: dict[str, Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    master = copy_master(office, tmp_path)
    before = master.read_bytes()
    code = main(["plan", "amend", str(master), str(office["source"]), "--dry-run", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert master.read_bytes() == before and not (tmp_path / "sao_luu").exists()
    assert {k for k in data} >= {"added", "removed", "changed", "renumbered", "rows_kept", "rows_added",
                                 "rows_retired", "backup"}
    assert data["added"] == [{"key": "2.5", "stt": "2.5",
                              "task": "Xây dựng cơ sở dữ liệu văn bản quy phạm pháp luật của huyện."}]
    assert [(r["key"], r["stt"]) for r in data["removed"]] == [("1.5", "1.5")]
    assert {c["key"]: c["fields"] for c in data["changed"]} == {
        "2.2": ["deadline"], "3.4.1": ["deadline"], "5.2": ["lead"]}
    assert data["renumbered"] == [{"key": "1.6", "old_stt": "1.6", "new_stt": "1.5"},
                                  {"key": "1.7", "old_stt": "1.7", "new_stt": "1.6"}]
    assert data["backup"] is None and data["dry_run"] is True
    rows = len(read_master(master).tracking)
    # 1.5 (one lead) and 5.2's old lead retired; 2.5 and 5.2's new lead added
    assert (data["rows_kept"], data["rows_retired"], data["rows_added"]) == (rows - 2, 2, 2)
    assert data["reference"] == REF


def test_plain_summary_names_the_changes_in_vietnamese(office: dict[str, Path], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    master = copy_master(office, tmp_path)
    assert main(["plan", "amend", str(master), str(office["source"]), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Xem trước điều chỉnh kế hoạch (chưa ghi gì) theo {REF}: bổ sung 1 nhiệm vụ, "
                          "bãi bỏ 1, sửa đổi 3, đánh số lại 2.")
    assert "− Bãi bỏ 1.5: Tuyên truyền về cải cách hành chính" in out
    assert "# Đánh số lại khóa 1.6: 1.6 → 1.5" in out


# --------------------------------------------------------------------------- applying


def test_every_reported_value_of_a_matched_task_is_kept(applied: dict[str, object]) -> None:
    before, after = applied["before"], applied["after"]
    assert isinstance(before, dict) and isinstance(after, dict)
    assert sum(1 for r in before.values() if r["progress"]) > 80  # two periods of returns
    for slot, old in before.items():
        assert slot in after, slot  # nothing deleted, retired rows included
        for field in REPORTED:
            assert after[slot][field] == old[field], (slot, field)
    # the progress follows the task, not its number: key 1.6 is printed 1.5 now
    assert all(after[s]["stt"] == "1.5" for s in after if s[0] == "1.6")
    assert all(after[s]["stt"] == "1.5" and after[s]["status"] == RETIRED for s in after if s[0] == "1.5")


def test_dropped_tasks_and_units_are_retired_not_deleted(applied: dict[str, object]) -> None:
    after = applied["after"]
    assert isinstance(after, dict)
    retired = {s for s, r in after.items() if r["status"] == RETIRED}
    assert retired == {("1.5", "PVHTT"), ("5.2", "PNV")}
    assert after[("5.2", "PGDDT")]["status"] != RETIRED and not after[("5.2", "PGDDT")]["progress"]
    assert after[("2.5", "PTP")]["task"] == "Xây dựng cơ sở dữ liệu văn bản quy phạm pháp luật của huyện."
    # greyed by one conditional-format rule keyed on the status, like every status colour
    ws = load_workbook(applied["master"])[L.SHEET_TRACKING]  # type: ignore[arg-type]
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    status_letter = chr(ord("A") + L.column_index(L.TRACKING_COLUMNS, "status"))
    assert f'${status_letter}2="{RETIRED}"' in formulas
    rule = next(r for cf in ws.conditional_formatting for r in cf.rules if r.formula[0] == f'${status_letter}2="{RETIRED}"')
    assert rule.dxf.fill.fgColor.rgb.endswith("D9D9D9")


def test_counts_dashboard_and_report_leave_retired_rows_out(applied: dict[str, object], tmp_path: Path) -> None:
    result = applied["result"]
    master = applied["master"]
    assert isinstance(result, plan_amend.AmendResult) and isinstance(master, Path)
    assert result.written and result.status_as_of == EFFECTIVE
    md = read_master(master)
    computed = status.run(master, EFFECTIVE)
    s = computed.summary
    assert s.total_rows == len(md.tracking) - 2
    assert s.total_tasks == len(md.plan.tasks) == 42
    assert sum(s.rows_counts.values()) == s.total_rows
    assert "PVHTT" not in {o.unit for o in s.overdue if o.key == "1.5"}
    dash = [str(v) for r in CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_DASHBOARD).to_python()
            for v in r]
    assert RETIRED not in dash
    from parc_xl.jobs import report

    out = report.run(master, "2026-Q3", tmp_path / "bao_cao.docx", as_of=EFFECTIVE)
    assert out.exit_code == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "bao_cao.docx")).paragraphs)
    assert "Tuyên truyền về cải cách hành chính trên Cổng thông tin" not in text


def test_deadlines_move_from_then_on_and_done_on_time_stays_on_time(applied: dict[str, object]) -> None:
    after = applied["after"]
    master = applied["master"]
    assert isinstance(after, dict) and isinstance(master, Path)
    assert after[("3.4.1", "VPHDUB")]["deadline_text"] == "Tháng 5/2026"
    assert after[("3.4.1", "VPHDUB")]["completed_on"] == dt.date(YEAR, 6, 6)
    assert after[("3.4.1", "VPHDUB")]["status"] == "Hoàn thành đúng hạn"  # done 6/6, due 30/6 then
    assert after[("2.2", "PTP")]["due"] == dt.date(YEAR, 12, 31)
    late = status.run(master, dt.date(YEAR, 10, 15))
    row = {(o.key, o.unit): o for o in status.compute(read_master(master), dt.date(YEAR, 10, 15))[0]}
    assert row[("2.2", "PTP")].status.value != "Quá hạn chưa hoàn thành"  # moved to Q IV: not overdue in October
    assert row[("3.4.1", "VPHDUB")].status.value == "Hoàn thành đúng hạn"
    assert late.summary.total_rows == len(read_master(master).tracking) - 2


def test_plan_sheet_shows_the_amended_plan_and_its_reference(applied: dict[str, object]) -> None:
    master = applied["master"]
    assert isinstance(master, Path)
    plan = table(master, L.SHEET_PLAN)
    keys = [str(r["Khóa"]) for r in plan]
    assert "1.5" not in keys and "2.5" in keys and len(keys) == 42
    by_key = {str(r["Khóa"]): r for r in plan}
    assert by_key["1.6"]["STT"] == "1.5" and by_key["1.6"]["Điều chỉnh"] == f"STT cũ 1.6 ({REF})"
    assert by_key["2.5"]["Điều chỉnh"] == f"Bổ sung theo {REF}"
    assert by_key["2.2"]["Điều chỉnh"] == f"Sửa đổi theo {REF}: thời gian hoàn thành"
    assert by_key["5.2"]["Mã đơn vị chủ trì"] == "PGDDT"
    ws = load_workbook(master)[L.SHEET_PLAN]
    assert ws.oddHeader.center.text == f"Kế hoạch đã điều chỉnh theo {REF}"


def test_history_records_each_change_with_the_amendment(applied: dict[str, object]) -> None:
    master = applied["master"]
    assert isinstance(master, Path)
    rows = [r for r in table(master, L.SHEET_HISTORY) if REF in str(r["Tệp nguồn"])]
    got = sorted((str(r["Khóa nhiệm vụ"]), str(r["Trường"]), str(r["Giá trị cũ"]), str(r["Giá trị mới"]),
                  str(r["Mã đơn vị"])) for r in rows)
    assert got == sorted([
        ("2.5", "Nhiệm vụ", "", "Bổ sung: 2.5 Xây dựng cơ sở dữ liệu văn bản quy phạm pháp luật của huyện.", ""),
        ("1.5", "Nhiệm vụ", "1.5 Tuyên truyền về cải cách hành chính trên Cổng thông tin điện tử huyện và hệ "
         "thống truyền thanh cơ sở.", f"Bãi bỏ theo {REF}", ""),
        ("2.2", "Thời gian hoàn thành", "Trong quý III năm 2026", "Quý IV/2026", ""),
        ("3.4.1", "Thời gian hoàn thành", "Quý II/2026", "Tháng 5/2026", ""),
        ("5.2", "Đơn vị chủ trì", "Trưởng phòng Nội vụ huyện", "Trưởng phòng Giáo dục và Đào tạo huyện", ""),
        ("5.2", "Đơn vị chủ trì", "PNV", f"Bãi bỏ theo {REF}", "PNV"),
        ("5.2", "Đơn vị chủ trì", "", f"Bổ sung PGDDT theo {REF}", "PGDDT"),
        ("1.6", "STT", "1.6", "1.5", ""),
        ("1.7", "STT", "1.7", "1.6", ""),
    ])
    assert all(str(r["Tệp nguồn"]) == f"ke_hoach_sua_doi.txt ({REF})" for r in rows)
    assert {str(r["Kỳ"]) for r in rows} == {"2026-Q3"}


def test_backup_keeps_the_master_as_it_was(applied: dict[str, object], office: dict[str, Path]) -> None:
    result = applied["result"]
    assert isinstance(result, plan_amend.AmendResult) and result.backup
    assert Path(result.backup).read_bytes() == office["master"].read_bytes()


def test_clerk_sheets_survive(office: dict[str, Path], tmp_path: Path) -> None:
    from parc_xl.io.ooxml import XlsxPackage

    master = copy_master(office, tmp_path)
    # a clerk's own sheet, added the way Excel would keep it
    from openpyxl import Workbook

    own = tmp_path / "own.xlsx"
    wb = Workbook()
    wb.active.title = "Ghi chú riêng"
    wb.active["A1"] = "Nhắc Phòng Tư pháp"
    wb.save(own)
    pkg = XlsxPackage.open(master)
    pkg.replace_sheet_from(own, "Ghi chú riêng")
    pkg.save(master)
    plan_amend.run(master, office["source"], effective=EFFECTIVE)
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("Ghi chú riêng").to_python()
    assert rows[0][0] == "Nhắc Phòng Tư pháp"


# --------------------------------------------------------------------------- a slight wording edit


def test_a_slightly_edited_task_is_matched_and_keeps_its_values(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    before = tracking(master)
    src = tmp_path / "sua_cau_chu.txt"
    src.write_text(amended_text(replace={
        "3.3": ("Rà soát, đánh giá, đề xuất cắt giảm, đơn giản hóa thủ tục hành chính.",
                "Rà soát,  đánh giá và đề xuất cắt giảm, đơn giản hoá các thủ tục hành chính."),
        "2.4": ("Tuyên truyền, phổ biến, giáo dục pháp luật;", "Tuyên truyền, phổ biến, giáo dục pháp luật ;"),
    }), encoding="utf-8")
    result = plan_amend.run(master, src, effective=EFFECTIVE)
    d = result.to_json()
    assert (d["added"], d["removed"], d["renumbered"]) == ([], [], [])
    assert [(c["key"], c["fields"]) for c in d["changed"]] == [("3.3", ["text"])]  # 2.4: spacing only
    assert (d["rows_kept"], d["rows_added"], d["rows_retired"]) == (len(before), 0, 0)
    after = tracking(master)
    assert after[("3.3", "VPHDUB")]["task"] == "Rà soát, đánh giá và đề xuất cắt giảm, đơn giản hoá các thủ tục hành chính."
    for slot, old in before.items():
        for field in REPORTED:
            assert after[slot][field] == old[field], (slot, field)


def test_an_unsure_match_is_shown_and_applied_only_when_confirmed(office: dict[str, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    master = copy_master(office, tmp_path)
    src = tmp_path / "viet_lai.txt"
    src.write_text(amended_text(replace={"4.4": (
        "Kiểm tra việc thực hiện chức năng, nhiệm vụ của các cơ quan chuyên môn thuộc Ủy ban nhân dân huyện.",
        "Kiểm tra thực hiện chức năng, nhiệm vụ, quyền hạn của cơ quan chuyên môn cấp huyện.")}), encoding="utf-8")
    before = master.read_bytes()
    code = main(["plan", "amend", str(master), str(src), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and master.read_bytes() == before
    assert [(u["key"], u["new_stt"]) for u in data["uncertain"]] == [("4.4", "4.4")]
    assert data["added"] == [] and data["removed"] == []
    assert any(w["code"] == "amend-uncertain" and "--match 4.4=4.4" in w["message"] for w in data["warnings"])
    code = main(["plan", "amend", str(master), str(src), "--match", "4.4=4.4", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["written"] and [c["key"] for c in data["changed"]] == ["4.4"]
    (tmp_path / "b").mkdir()
    master2 = copy_master(office, tmp_path / "b")
    result = plan_amend.run(master2, src, separate={"4.4"}, effective=EFFECTIVE)
    assert [t.key for t in result.diff.removed] == ["4.4"] and [t.key for t in result.diff.added] == ["4.4-BS1"]


# --------------------------------------------------------------------------- next period, old forms


def test_next_period_forms_carry_the_amended_plan(applied: dict[str, object], tmp_path: Path) -> None:
    master = applied["master"]
    assert isinstance(master, Path)
    made = units_generate.run(master, "2026-Q3", tmp_path / "q3")
    books = {Path(f).stem.split("_", 1)[1]: report_rows(Path(f)) for f in made.files}
    ptp = {str(r["key"]): r for r in books["PTP"]}
    assert "2.5" in ptp and ptp["2.5"]["role"] == "Chủ trì"
    assert "1.5" not in {str(r["key"]) for r in books["PVHTT"]}
    assert "5.2" in {str(r["key"]) for r in books["PGDDT"] if r["role"] == "Chủ trì"}
    assert not any(str(r["key"]) == "5.2" and r["role"] == "Chủ trì" for r in books["PNV"])


def test_old_form_for_a_period_before_the_amendment(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    plan_amend.run(master, office["source"], effective=EFFECTIVE)
    before = tracking(master)
    src = office["h1_forms"] / "2026-H1_PVHTT.xlsx"  # made before the amendment; leads the dropped 1.5
    answers = {str(r["key"]): {"progress": "Đã hoàn thành", "completed_on": dt.date(YEAR, 6, 12),
                               "evidence": "Báo cáo số 5/BC-VHTT ngày 12/6/2026"}
               for r in report_rows(src) if r.get("role") == "Chủ trì"}
    assert "1.5" in answers and "1.6" in answers
    fill_return(src, tmp_path / "hop_thu" / src.name, answers, dt.datetime(YEAR, 6, 13, 9))
    result = merge.run(master, tmp_path / "hop_thu", "2026-H1", as_of=dt.date(YEAR, 7, 2))
    after = tracking(master)
    assert after[("1.6", "PVHTT")]["evidence"] == "Báo cáo số 5/BC-VHTT ngày 12/6/2026"  # unchanged task: taken
    assert after[("1.5", "PVHTT")] == before[("1.5", "PVHTT")]  # dropped task: refused
    issues = [p for r in result.rejected for p in r.issues]
    assert [(p.code, p.task_key) for p in issues] == [("amend-task-dropped", "1.5")]
    assert f"nhiệm vụ 1.5 đã bị bãi bỏ theo {REF}" in issues[0].message
    log = table(master, L.SHEET_SUBMISSIONS)[-1]
    assert log["Kết quả"] == "Chấp nhận một phần" and "1.5" in str(log["Ghi chú"])


def test_old_form_for_a_period_after_the_amendment_is_refused(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    units_generate.run(master, "2026-Y", tmp_path / "nam")  # made before the amendment
    plan_amend.run(master, office["source"], effective=EFFECTIVE)
    src = tmp_path / "nam" / "2026-Y_PTP.xlsx"
    answers = {str(r["key"]): {"progress": "Đang thực hiện"} for r in report_rows(src) if r.get("role") == "Chủ trì"}
    fill_return(src, tmp_path / "hop_thu" / src.name, answers, dt.datetime(YEAR, 12, 10, 9))
    before = tracking(master)
    result = merge.run(master, tmp_path / "hop_thu", "2026-Y", as_of=dt.date(YEAR, 12, 11))
    codes = [p.code for r in result.rejected for p in r.issues]
    assert "amend-old-form-late" in codes and not result.accepted
    assert {s: r["progress"] for s, r in tracking(master).items()} == {s: r["progress"] for s, r in before.items()}


# --------------------------------------------------------------------------- bad input: nothing written


def _refused(master: Path, src: Path, exc: type[Exception], code: str | None = None) -> None:
    before = master.read_bytes()
    with pytest.raises(exc) as info:
        plan_amend.run(master, src, effective=EFFECTIVE)
    assert master.read_bytes() == before
    assert not (master.parent / "sao_luu").exists()
    if code:
        assert code in [p.code for p in getattr(info.value, "problems", [])], info.value


def test_amendment_of_another_office_is_refused(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    src = tmp_path / "khac.txt"
    src.write_text(amended_text(head="ỦY BAN NHÂN DÂN\nHUYỆN BÌNH AN\n"), encoding="utf-8")
    _refused(master, src, InputError, "amend-other-plan")


def test_amendment_of_another_year_is_refused(office: dict[str, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    master = copy_master(office, tmp_path)
    src = tmp_path / "nam_khac.txt"
    src.write_text(amended_text().replace("năm 2026", "năm 2025").replace("/2026", "/2025"), encoding="utf-8")
    _refused(master, src, InputError, "amend-other-plan")
    assert main(["plan", "amend", str(master), str(office["source"]), "--year", "2025", "--json"]) == 2
    assert "2025" in json.loads(capsys.readouterr().out)["error"]["message"]


def test_another_plan_entirely_is_refused(office: dict[str, Path], tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from office import APPENDIX  # another appendix of the same year and no issuer block

    master = copy_master(office, tmp_path)
    src = tmp_path / "ke_hoach_khac.txt"
    src.write_text(APPENDIX, encoding="utf-8")
    _refused(master, src, InputError, "amend-other-plan")


def test_empty_and_unreadable_files_are_refused(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    _refused(master, empty, InputError, "plan-empty")
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    _refused(master, broken, Exception)
    no_table = tmp_path / "khong_bang.txt"
    no_table.write_text("Quyết định số 5/QĐ-UBND về việc sửa đổi kế hoạch.\n", encoding="utf-8")
    _refused(master, no_table, InputError)


def test_two_tasks_matching_one_are_refused(office: dict[str, Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    master = copy_master(office, tmp_path)
    twice = ("2.5\tTheo dõi tình hình thi hành pháp luật trên địa bàn huyện.\tBáo cáo\tPhòng Tư pháp huyện\t"
             "Thủ trưởng các cơ quan, đơn vị\tĐịnh kỳ 06 tháng")
    src = tmp_path / "lap.txt"
    src.write_text(amended_text(insert_after={"2.4": twice}), encoding="utf-8")
    before = master.read_bytes()
    assert main(["plan", "amend", str(master), str(src), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert master.read_bytes() == before
    assert [a["key"] for a in data["ambiguous"]] == ["2.3"]
    assert [c["stt"] for c in data["ambiguous"][0]["candidates"]] == ["2.3", "2.5"]
    assert any(w["code"] == "amend-ambiguous" for w in data["warnings"])


def test_master_open_in_excel_is_refused(office: dict[str, Path], tmp_path: Path) -> None:
    master = copy_master(office, tmp_path)
    lock = tmp_path / f"~${master.name}"
    lock.write_bytes(b"x")
    _refused(master, office["source"], MasterBusyError)


def test_not_a_master_is_refused(office: dict[str, Path], tmp_path: Path) -> None:
    bogus = tmp_path / "khong_phai_so.xlsx"
    from openpyxl import Workbook

    Workbook().save(bogus)
    _refused(bogus, office["source"], InputError)


# --------------------------------------------------------------------------- year end


def test_carry_over_lists_the_unfinished_tasks_in_the_new_master(office: dict[str, Path], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    old = copy_master(office, tmp_path)
    plan_amend.run(old, office["source"], effective=EFFECTIVE)
    new = tmp_path / "so_2027.xlsx"
    plan_import.run(SAMPLE.parent / "ke_hoach_mau.docx", 2027, new)
    new_rows = tracking(new)
    assert main(["plan", "carry-over", str(old), str(new), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = table(new, "Chuyển tiếp")
    outcomes = status.compute(read_master(old), dt.date(YEAR, 12, 31))[0]
    unfinished = [o for o in outcomes if o.status.value not in ("Hoàn thành đúng hạn", "Hoàn thành quá hạn")]
    assert data["rows"] == len(rows) == len(unfinished) > 0
    assert ("1.5", "PVHTT") not in {(str(r["Khóa (năm cũ)"]), str(r["Mã đơn vị"])) for r in rows}  # retired
    md = read_master(old)
    last = {(r.key, r.unit): r for r in md.tracking}
    for r in rows:
        src = last[(str(r["Khóa (năm cũ)"]), str(r["Mã đơn vị"]))]
        assert r["Tiến độ báo cáo cuối"] == (src.progress or "Chưa báo cáo")
        assert r["Kỳ báo cáo cuối"] == src.period
    assert data["backup"] and Path(data["backup"]).exists()
    assert tracking(new) == new_rows  # the new year's own tracking is untouched


def test_carry_over_refuses_a_new_master_that_is_not_later(office: dict[str, Path], tmp_path: Path) -> None:
    old = copy_master(office, tmp_path)
    same_year = tmp_path / "so_khac.xlsx"
    plan_import.run(SAMPLE, YEAR, same_year)
    before = same_year.read_bytes()
    with pytest.raises(InputError) as info:
        plan_carry_over.run(old, same_year)
    assert same_year.read_bytes() == before
    assert [p.code for p in info.value.problems] == ["carry-over-year"]


def test_master_locked_by_another_job_is_refused(office: dict[str, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from parc_xl.io.master_lock import MasterLockedError, lock_path

    master = copy_master(office, tmp_path)
    monkeypatch.setenv("PARC_XL_LOCK_WAIT", "0")
    lock = lock_path(master)
    lock.write_text(json.dumps({"host": "MAY-KE-TOAN", "pid": 4242, "user": "lan", "job": "Tổng hợp",
                                "started": dt.datetime.now().isoformat(), "token": "x"}), encoding="utf-8")
    before = master.read_bytes()
    with pytest.raises(MasterLockedError) as info:
        plan_amend.run(master, office["source"], effective=EFFECTIVE)
    assert "MAY-KE-TOAN" in str(info.value) and master.read_bytes() == before
    assert plan_amend.run(master, office["source"], dry_run=True).diff.removed  # a preview only reads
    lock.unlink()
