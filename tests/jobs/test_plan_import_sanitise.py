"""Nhập kế hoạch on text pasted from the web or a PDF (issue 13 item 7): invisible
characters never invent units and are reported by cell; over-long cells are kept whole;
absurd deadline years are refused; dates Excel cannot hold are text; the master gets the
folder's usual permissions."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from parc_xl.cli import main
from parc_xl.io import master_layout as L
from parc_xl.io.master_writer import LONG_TEXT_MARK, MAX_CELL_CHARS, write_table
from parc_xl.samples import SAMPLES_DIR

SAMPLE_TXT = SAMPLES_DIR / "ke_hoach_mau.txt"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _import(capsys: pytest.CaptureFixture[str], src: Path, master: Path, year: int = 2026) -> tuple[int, dict]:
    return run_cli(capsys, "plan", "import", str(src), "--year", str(year), "-o", str(master))


def _sprinkle(text: str, chars: str, every: int = 3) -> str:
    """Insert `chars` inside every `every`-th word of four letters or more (as pasted web text)."""
    n = 0

    def inside(m: re.Match[str]) -> str:
        nonlocal n
        n += 1
        w = m.group(0)
        return w[:2] + chars + w[2:] if n % every == 0 else w

    return re.sub(r"\w{4,}", inside, text)


def _units_of(data: dict) -> tuple[list[str], list[tuple[str, ...]]]:
    return sorted(u["name"] for u in data["units"]), [tuple(t["lead_units"]) for t in data["tasks"]]


@pytest.mark.parametrize("chars, code", [("\u200b", "plan-zero-width"), ("\ufeff", "plan-zero-width"),
                                          ("\u202e", "plan-bidi-control"), ("\u200f\u2066", "plan-bidi-control")])
def test_invisible_characters_inside_words_invent_no_units_and_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], chars: str, code: str) -> None:
    _, clean = _import(capsys, SAMPLE_TXT, tmp_path / "clean.xlsx")
    dirty = tmp_path / "dirty.txt"
    dirty.write_text(_sprinkle(SAMPLE_TXT.read_text(encoding="utf-8"), chars), encoding="utf-8")
    exit_code, data = _import(capsys, dirty, tmp_path / "dirty.xlsx")
    assert exit_code == 0
    assert _units_of(data) == _units_of(clean), "same units, same leads: no phantom unit"
    assert [t["task"] for t in data["tasks"]] == [t["task"] for t in clean["tasks"]]
    flagged = [w for w in data["warnings"] if w["code"] == code]
    assert len(flagged) == 1
    message = flagged[0]["message"]
    assert message.startswith("Đã xóa ký tự")
    assert re.search(r"dòng \d+ \(cột (Nhiệm vụ|Đơn vị chủ trì|Sản phẩm|Đơn vị phối hợp)", message)
    assert flagged[0]["cell"] and flagged[0]["cell"] in flagged[0]["value"]
    # nothing invisible reaches the master
    book = CalamineWorkbook.from_path(str(tmp_path / "dirty.xlsx"))
    for sheet in (L.SHEET_PLAN, L.SHEET_UNITS, L.SHEET_TRACKING):
        cells = [v for row in book.get_sheet_by_name(sheet).to_python() for v in row if isinstance(v, str)]
        assert not any(ch in v for v in cells for ch in chars), sheet


def test_invisible_characters_in_a_word_table_are_stripped_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, clean = _import(capsys, SAMPLES_DIR / "ke_hoach_mau.docx", tmp_path / "clean.xlsx")
    doc = Document(str(SAMPLES_DIR / "ke_hoach_mau.docx"))
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.text = _sprinkle(run.text, "\u200b\u202a", every=2)
    dirty = tmp_path / "dirty.docx"
    doc.save(str(dirty))
    exit_code, data = _import(capsys, dirty, tmp_path / "dirty.xlsx")
    assert exit_code == 0
    assert _units_of(data) == _units_of(clean)
    assert {"plan-zero-width", "plan-bidi-control"} <= {w["code"] for w in data["warnings"]}
    where = next(w for w in data["warnings"] if w["code"] == "plan-zero-width")["message"]
    assert "bảng" in where and "cột" in where


def test_an_over_long_cell_is_kept_whole_in_the_plan_and_flagged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_task = "Kiện toàn Ban Chỉ đạo cải cách hành chính huyện. " + "Nội dung rất dài; " * 3000
    src = tmp_path / "dai.txt"
    src.write_text(SAMPLE_TXT.read_text(encoding="utf-8").replace(
        "Kiện toàn Ban Chỉ đạo cải cách hành chính huyện.", long_task.strip(), 1), encoding="utf-8")
    master = tmp_path / "m.xlsx"
    exit_code, data = _import(capsys, src, master)
    assert exit_code == 0
    task = next(t for t in data["tasks"] if t["key"] == "1.1")
    assert len(task["task"]) > 50_000 and task["task"] == long_task.strip()
    flag = next(w for w in data["warnings"] if w["code"] == "plan-cell-too-long")
    assert "cột Nhiệm vụ" in flag["message"] and "32.767" in flag["message"] and "Văn bản dài" in flag["message"]
    book = CalamineWorkbook.from_path(str(master))
    plan_rows = book.get_sheet_by_name(L.SHEET_PLAN).to_python()
    shown = next(r for r in plan_rows if r[0] == "1.1")[3]
    assert len(shown) <= MAX_CELL_CHARS and shown.endswith(LONG_TEXT_MARK)
    parts = [r for r in book.get_sheet_by_name(L.SHEET_LONG_TEXT).to_python()[1:] if r[0] == "1.1"]
    assert [r[1] for r in parts] == ["Nhiệm vụ"] * len(parts) and len(parts) >= 2
    assert "".join(r[3] for r in parts) == long_task.strip()


@pytest.mark.parametrize("deadline, year", [("Quý I/9999", "9999"), ("Tháng 3/2062", "2062"),
                                             ("01/01/1900", "1900")])
def test_an_absurd_deadline_year_is_refused_with_a_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], deadline: str, year: str) -> None:
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    first = re.search(r"^1\.1\t.*$", text, re.MULTILINE)
    assert first
    cells = first.group(0).split("\t")
    cells[5] = deadline
    src = tmp_path / "nam.txt"
    src.write_text(text.replace(first.group(0), "\t".join(cells), 1), encoding="utf-8")
    master = tmp_path / "m.xlsx"
    exit_code, data = _import(capsys, src, master)
    assert exit_code == 1
    issue = next(i for i in data["issues"] if i["code"] == "deadline-year-absurd")
    assert issue["task_key"] == "1.1" and issue["value"] == deadline
    assert f"năm {year}" in issue["message"] and "sửa ô Thời gian hoàn thành" in issue["message"]
    assert not master.exists(), "no master with a date that breaks status and report"


def test_dates_before_march_1900_are_written_as_text(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    columns = [L.Column("key", "Khóa", 8), L.Column("due", "Hạn", 11)]
    write_table(ws, columns, [["a", dt.date(1900, 1, 1)], ["b", dt.date(1900, 2, 28)], ["c", dt.date(2026, 3, 31)]])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(ws.title).to_python()
    assert [r[1] for r in rows[1:]] == ["01/01/1900", "28/02/1900", dt.date(2026, 3, 31)]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_master_gets_the_folders_usual_permissions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.umask(0o022)
    try:
        master = tmp_path / "m.xlsx"
        assert _import(capsys, SAMPLE_TXT, master)[0] == 0
        assert master.stat().st_mode & 0o777 == 0o644
        master.chmod(0o660)  # the office shares it with a group: a re-import keeps that
        assert _import(capsys, SAMPLE_TXT, master)[0] == 0
        assert master.stat().st_mode & 0o777 == 0o660
    finally:
        os.umask(old)
