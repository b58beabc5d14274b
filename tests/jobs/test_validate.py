"""The check of returned unit workbooks, on a corpus of files edited the way people edit
them: each mistake reported with its code and cell; clean files get no errors."""

from __future__ import annotations

import sys

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from parc_xl.io import unit_book as ub
from parc_xl.jobs import units_generate, validate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unit_books import (  # noqa: E402
    AS_OF, GOOD_ANSWERS, PERIOD, edit, edit_xml, fill, generate, make_plan, make_registry, sheet_part,
)

Flat = set[tuple[str, str, str]]


def flat(report: validate.FileReport) -> Flat:
    return {(p.code, p.severity.value, p.cell) for p in report.problems}


def check(path: Path, plan=None, registry=None) -> validate.FileReport:
    return validate.check_file(path, plan or make_plan(), registry or make_registry(), AS_OF)


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    return fill(generate(tmp_path / "gui"), GOOD_ANSWERS)


# --- both directions: clean files are clean ------------------------------------------


def test_untouched_workbook_has_no_error_only_unreported_lead_tasks(tmp_path: Path) -> None:
    report = check(generate(tmp_path))
    assert report.ok and report.unit == "PNV" and report.period == PERIOD
    assert flat(report) == {("not-reported", "warning", f"H{r}") for r in (5, 6, 7, 9)}


def test_a_form_made_when_khoa_was_column_b_still_checks_clean(tmp_path: Path, monkeypatch) -> None:
    """Forms sent before Khóa moved to the last column (issue 14 item 20) are read by
    their headers and their recorded cell hashes: filled right, they have no problem."""
    from parc_xl.samples.returns import fill_return

    key = next(c for c in ub.COLUMNS if c.id == "key")
    old = [ub.COLUMNS[0], key, *[c for c in ub.COLUMNS[1:] if c.id != "key"]]
    with monkeypatch.context() as m:
        m.setattr(ub.layout, "COLUMNS", old)
        m.setattr(ub.layout, "COLUMN_IDS", [c.id for c in old])
        m.setattr(ub.layout, "PLAN_COLS", [c for c in old if not c.fill])
        m.setattr(ub.layout, "HASHED_COLS", [c for c in old if not c.fill])  # as that version hashed them
        src = generate(tmp_path / "gui")
    ws = load_workbook(src)["Báo cáo"]
    assert (ws["B4"].value, ws["N4"].value) == ("Khóa", "Đề xuất")
    sent = fill_return(src, tmp_path / "hop_thu" / src.name, GOOD_ANSWERS, dt.datetime(2024, 3, 20, 9))
    report = check(sent)
    assert report.problems == []
    by_key = {r.key: r for r in report.rows}
    assert by_key["1.1"].completed_on == dt.date(2024, 1, 15) and by_key["2.1"].figure == 99.5
    # and a locked cell changed in it is still named at its own place
    edit(sent, cells(D6="Quyết định"))
    assert flat(check(sent)) == {("locked-cell-changed", "error", "D6")}


def test_correctly_filled_workbook_has_no_problem_at_all(filled: Path) -> None:
    report = check(filled)
    assert report.problems == []
    by_key = {r.key: r for r in report.rows}
    assert by_key["1.1"].completed_on == dt.date(2024, 1, 15)
    assert by_key["2.1"].figure == 99.5 and by_key["2.2"].role == "Phối hợp"
    # and without the master too
    assert validate.check_file(filled, None, None, AS_OF).problems == []


def test_text_dates_in_every_day_first_form_are_accepted(filled: Path) -> None:
    def change(wb) -> None:
        ws = wb["Báo cáo"]
        ws["I5"], ws["I6"] = "15-01-2024", "ngày 10 tháng 3 năm 2024"

    report = check(edit(filled, change))
    assert report.problems == []
    assert [r.completed_on for r in report.rows[:2]] == [dt.date(2024, 1, 15), dt.date(2024, 3, 10)]


# --- the corpus of mistakes ----------------------------------------------------------


def cells(**values: object) -> Callable:
    def change(wb) -> None:
        ws = wb["Báo cáo"]
        for ref, v in values.items():
            ws[ref] = v
    return change


def swap_rows(a: int, b: int) -> Callable:
    def change(wb) -> None:
        ws = wb["Báo cáo"]
        for col in range(1, ws.max_column + 1):
            x, y = ws.cell(a, col), ws.cell(b, col)
            x.value, y.value = y.value, x.value
    return change


def copy_row(src: int, dst: int) -> Callable:
    def change(wb) -> None:
        ws = wb["Báo cáo"]
        for col in range(1, ws.max_column + 1):
            ws.cell(dst, col).value = ws.cell(src, col).value
    return change


def text_cell(ref: str, text: str) -> Callable:
    def change(wb) -> None:
        c = wb["Báo cáo"][ref]
        c.value = text
        c.data_type = "s"
    return change


def hide_row(r: int) -> Callable:
    def change(wb) -> None:
        wb["Báo cáo"].row_dimensions[r].hidden = True
    return change


def hide_col(c: str) -> Callable:
    def change(wb) -> None:
        wb["Báo cáo"].column_dimensions[c].hidden = True
    return change


def merge(rng: str) -> Callable:
    def change(wb) -> None:
        wb["Báo cáo"].merge_cells(rng)
    return change


def delete_rows(r: int) -> Callable:
    def change(wb) -> None:
        wb["Báo cáo"].delete_rows(r)
    return change


def delete_cols(c: int) -> Callable:
    def change(wb) -> None:
        wb["Báo cáo"].delete_cols(c)
    return change


def insert_col(c: int, header: str) -> Callable:
    def change(wb) -> None:
        ws = wb["Báo cáo"]
        ws.insert_cols(c)
        ws.cell(4, c).value = header
    return change


def add_sheet(name: str) -> Callable:
    def change(wb) -> None:
        wb.create_sheet(name)["A1"] = "ghi chú của đơn vị"
    return change


def meta_cell(ref: str, value: str) -> Callable:
    def change(wb) -> None:
        wb[ub.SHEET_META][ref] = value
    return change


def drop_sheet(name: str) -> Callable:
    def change(wb) -> None:
        del wb[name]
    return change


def new_template_version(wb) -> None:
    meta = wb[ub.SHEET_META]
    meta["B2"] = "9"
    values = {meta.cell(r, 1).value: str(meta.cell(r, 2).value) for r in range(1, len(ub.META_KEYS) + 1)}
    rows = [(str(meta.cell(r, 4).value), meta.cell(r, 5).value, meta.cell(r, 6).value)
            for r in range(2, meta.max_row + 1) if meta.cell(r, 4).value]
    meta.cell(len(ub.META_KEYS) + 1, 2).value = ub.meta_digest(values, rows)


def xml_formula(ref: str, formula: str, cached: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        def sub(x: str) -> str:
            new, n = re.subn(rf'<c r="{ref}"( s="\d+")?[^>]*?(?:/>|></c>)',
                             rf'<c r="{ref}"\1 t="str"><f>{formula}</f><v>{cached}</v></c>', x)
            assert n == 1
            return new
        edit_xml(path, sheet_part(path), sub)
    return change


def xml_hidden_row(r: int) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        edit_xml(path, sheet_part(path), lambda x: x.replace(f'<row r="{r}"', f'<row r="{r}" hidden="1"', 1))
    return change


def xml_text(old: str, new: str) -> Callable[[Path], None]:
    """Edit a cell's text where it is stored: shared strings or inline (escaped or not)."""
    def change(path: Path) -> None:
        def sub(x: str) -> str:
            escaped = old.encode("ascii", "xmlcharrefreplace").decode()
            assert old in x or escaped in x
            return x.replace(old, new).replace(escaped, new.encode("ascii", "xmlcharrefreplace").decode())
        with zipfile.ZipFile(path) as zf:
            shared = "xl/sharedStrings.xml" in zf.namelist()
        edit_xml(path, "xl/sharedStrings.xml" if shared else sheet_part(path), sub)
    return change


# (id, openpyxl change or None, raw-zip change or None, expected {(code, severity, cell)})
CORPUS: list[tuple[str, Callable | None, Callable | None, Flat]] = [
    ("progress not in the list", cells(H5="Tốt"), None, {("progress-invalid", "error", "H5")}),
    ("progress synonym", cells(H5="HT"), None, {("progress-synonym", "warning", "H5")}),
    ("progress without diacritics", cells(H6="da hoan thanh"), None, {("progress-synonym", "warning", "H6")}),
    ("done without date", cells(I5=None), None, {("completion-date-missing", "error", "I5")}),
    ("done without evidence", cells(J6=None), None, {("evidence-missing", "error", "J6")}),
    ("month-first date", cells(I5="3/15/2024"), None, {("date-month-first", "error", "I5")}),
    ("impossible date", cells(I5="13/25/2024"), None, {("date-invalid", "error", "I5")}),
    ("date as words", cells(I6="tuần trước"), None, {("date-invalid", "error", "I6")}),
    ("date in the future", cells(I5=dt.datetime(2024, 5, 1)), None, {("date-in-future", "error", "I5")}),
    ("last year's date", cells(I5="15/06/2023"), None, {("date-before-plan-year", "error", "I5")}),
    ("not started but dated", cells(I9="01/03/2024"), None, {("not-started-with-date", "error", "I9")}),
    ("in progress but dated", cells(I7="01/03/2024"), None, {("date-without-done", "warning", "I7")}),
    ("figure in words", cells(K7="khoảng 99"), None, {("figure-invalid", "error", "K7")}),
    ("figure as a fraction", cells(K7=0.995), None, {("figure-as-fraction", "warning", "K7")}),
    ("formula in a fill cell", cells(K7="=99+0.5"), None, {("formula-in-fill", "error", "K7")}),
    ("DDE-like text", text_cell("J5", "=cmd|' /C calc'!A0"), None, {("formula-like-text", "warning", "J5")}),
    ("text starting with @", cells(L7="@Phòng Tư pháp chậm"), None, {("formula-like-text", "warning", "L7")}),
    ("content without progress", cells(L8="Không có"), None, {("progress-missing", "error", "H8")}),
    ("task text edited", cells(B5="Ban hành kế hoạch (đã sửa)"), None, {("locked-cell-changed", "error", "B5")}),
    ("due date edited", cells(F6=dt.datetime(2024, 6, 30)), None, {("locked-cell-changed", "error", "F6")}),
    ("role edited", cells(D8="Chủ trì"), None, {("locked-cell-changed", "error", "D8")}),
    ("row deleted", delete_rows(6), None, {("row-deleted", "error", "")}),
    ("row added", cells(B10="Nhiệm vụ phát sinh", H10="Đã hoàn thành"), None, {("row-added", "error", "P10")}),
    ("row duplicated", copy_row(5, 10), None, {("row-duplicated", "error", "P10")}),
    ("rows reordered", swap_rows(5, 6), None, {("rows-reordered", "warning", "P5")}),
    ("column removed", delete_cols(13), None, {("column-removed", "error", "M4")}),
    ("column inserted", insert_col(9, "Ghi chú"), None, {("column-inserted", "warning", "I4")}),
    ("metadata edited", meta_cell("B3", "PTP"), None,
     {("metadata-tampered", "error", ""), ("unit-file-name", "warning", "")}),
    ("template version", new_template_version, None, {("template-version", "error", "")}),
    ("extra sheet", add_sheet("Ghi chú riêng"), None, {("extra-sheet", "warning", "")}),
    ("report sheet deleted", drop_sheet("Báo cáo"), None, {("sheet-missing", "error", "")}),
    ("merged fill cells", merge("J5:J6"), None,
     {("merged-cells", "error", "J5"), ("evidence-missing", "error", "J6")}),
    ("merged plan cells", merge("C5:C6"), None,
     {("merged-cells", "warning", "C5"), ("locked-cell-changed", "error", "C6")}),
    ("hidden row", hide_row(6), None, {("hidden-rows", "warning", "A6")}),
    ("hidden column", hide_col("L"), None, {("hidden-columns", "warning", "L4")}),
    ("formula in the XML", None, xml_formula("L5", "1+1", "2"), {("formula-in-fill", "error", "L5")}),
    ("hidden row in the XML", None, xml_hidden_row(7), {("hidden-rows", "warning", "A7")}),
    ("task text edited in the XML", None, xml_text("Tuyên truyền cải cách hành chính", "Tuyên truyền"),
     {("locked-cell-changed", "error", "B9")}),
]


@pytest.mark.parametrize("name, change, raw_change, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_of_mistakes(filled: Path, name: str, change, raw_change, expected: Flat) -> None:
    if change is not None:
        edit(filled, change)
    if raw_change is not None:
        raw_change(filled)
    report = check(filled)
    assert flat(report) == expected
    for p in report.problems:
        assert p.file == filled.name and p.message
        if p.cell:
            assert p.cell in p.message


def test_corpus_has_at_least_25_kinds_of_mistake() -> None:
    kinds = {code for *_, expected in CORPUS for code, _, _ in expected}
    assert len(CORPUS) >= 25 and len(kinds) >= 25


def test_deleted_row_names_the_task(filled: Path) -> None:
    report = check(edit(filled, delete_rows(6)))
    (p,) = report.problems
    assert p.task_key == "1.2" and "Báo cáo công tác cải cách hành chính định kỳ" in p.message


def test_edited_locked_cell_message_gives_the_right_content(filled: Path) -> None:
    report = check(edit(filled, cells(F6=dt.datetime(2024, 6, 30))))
    assert report.problems[0].message == ("Ô F6 (cột «Hạn», nhiệm vụ 1.2) thuộc nội dung kế hoạch và không được "
                                          "sửa. Nội dung đúng: «31/03/2024».")


# --- whose file, which plan ----------------------------------------------------------


def test_another_units_file_renamed(tmp_path: Path) -> None:
    ptp = generate(tmp_path / "a", unit="PTP")
    renamed = tmp_path / f"{PERIOD}_PNV.xlsx"
    shutil.copy(ptp, renamed)
    report = check(renamed)
    assert report.unit == "PTP"
    assert ("unit-file-name", "warning", "") in flat(report)
    assert "«PNV»" in report.problems[0].message and "«PTP»" in report.problems[0].message


def test_file_renamed_to_another_period(filled: Path) -> None:
    renamed = filled.with_name("2024-H1_PNV.xlsx")
    filled.rename(renamed)
    assert flat(check(renamed)) == {("period-file-name", "warning", "")}


def test_last_years_template(tmp_path: Path) -> None:
    res = units_generate.generate(make_plan(2023), make_registry(), "2023-Q1", tmp_path, ["PNV"])
    report = check(Path(res.files[0]))
    assert ("wrong-year", "error", "") in flat(report)
    assert "năm 2023" in next(p.message for p in report.problems if p.code == "wrong-year")


def test_plan_changed_since_the_template_was_made(tmp_path: Path) -> None:
    old = generate(tmp_path, plan=make_plan(edit_task="Tỷ lệ hồ sơ đúng hạn đạt 98%"))
    report = check(old)
    assert ("fingerprint-mismatch", "error", "") in flat(report)


def test_unit_missing_from_the_registry(filled: Path) -> None:
    registry = make_registry()
    registry.units = [u for u in registry.units if u.code != "PNV"]
    assert ("unit-unknown", "error", "") in flat(check(filled, registry=registry))


# --- bad input becomes a record ------------------------------------------------------


def test_unusable_files_are_records_not_exceptions(tmp_path: Path) -> None:
    files = []
    for name, data in [("a.xlsx", b"hello"), ("b.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)]:
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    plain = tmp_path / "c.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Báo cáo tự làm"
    wb.save(plain)
    files.append(plain)
    result = validate.validate_files(files, make_plan(), make_registry(), AS_OF)
    codes = [[i["code"] for i in f["issues"]] for f in result.to_json()["files"]]
    assert codes == [["not-xlsx"], ["xls-format"], ["not-parc-xl"]]
    assert result.exit_code == 1


# --- the job: JSON, exit code, annotate ----------------------------------------------


def test_json_contract_exit_code_and_annotated_copies(tmp_path: Path, filled: Path) -> None:
    bad = tmp_path / "gui2"
    bad_file = fill(generate(bad), GOOD_ANSWERS)
    edit(bad_file, cells(H5="Tốt", I6="3/15/2024"))
    before = bad_file.read_bytes()
    result = validate.validate_files([filled, bad_file], make_plan(), make_registry(), AS_OF, tmp_path / "kt")
    out = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert list(out) == ["files"]
    good, wrong = out["files"]
    assert good == {"file": str(filled), "unit": "PNV", "period": PERIOD, "ok": True, "issues": []}
    assert wrong["ok"] is False and wrong["unit"] == "PNV"
    assert [(i["code"], i["severity"], i["sheet"], i["cell"], i["task_key"]) for i in wrong["issues"]] == [
        ("progress-invalid", "error", "Báo cáo", "H5", "1.1"),
        ("date-month-first", "error", "Báo cáo", "I6", "1.2"),
    ]
    assert all(set(i) == {"code", "severity", "sheet", "cell", "task_key", "message"} for i in wrong["issues"])
    assert result.exit_code == 1
    assert "có lỗi" in result.summary_vi()
    assert bad_file.read_bytes() == before
    (annotated,) = result.annotated
    wb = load_workbook(annotated)
    assert wb.sheetnames[0] == "Kết quả kiểm tra" and wb["Báo cáo"]["H5"].comment is not None
    ok_only = validate.validate_files([filled], make_plan(), make_registry(), AS_OF)
    assert ok_only.exit_code == 0


def test_libreoffice_round_trip_still_validates(tmp_path: Path, filled: Path, soffice: str) -> None:
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                   check=True, capture_output=True, timeout=180)
    saved = out / filled.name
    report = check(saved)
    assert report.problems == [], [str(p) for p in report.problems]
    assert (report.unit, report.period) == ("PNV", PERIOD)
    assert {r.key: r.progress.value if r.progress else None for r in report.rows} == {
        "1.1": "Đã hoàn thành", "1.2": "Đã hoàn thành", "2.1": "Đang thực hiện", "2.2": None,
        "3.2": "Chưa triển khai"}
    # a mistake made after the round trip is still found, with its cell
    edit(saved, cells(H5="Tốt"))
    assert flat(check(saved)) == {("progress-invalid", "error", "H5")}
