"""A whole year on the bundled sample plan, twice: once as the tests usually run it, once
as a real office does, where the clerk opens the master in Excel and saves it between
every step and every unit fills its workbook and saves it in Excel (tests/excel_save.py).

import → units generate → validate → merge → merge again → status → report → a late
return merged → next period (generate, fill, merge, status, report). After each step the
two masters must show the user the same thing: every cell value of every sheet, each
row's status and its colour; the validate and merge results say the same; the report
says the same; a repeated merge changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from excel_save import excel_save  # noqa: E402

from parc_xl.io import master_layout as L  # noqa: E402
from parc_xl.jobs import merge, plan_import, report, status, units_generate, validate  # noqa: E402
from parc_xl.samples import SAMPLE_APPENDIX, SAMPLE_YEAR  # noqa: E402
from parc_xl.samples.returns import fill_return, plausible_answers, report_rows  # noqa: E402

Q1, H1 = f"{SAMPLE_YEAR}-Q1", f"{SAMPLE_YEAR}-H1"
SENT = {Q1: dt.datetime(SAMPLE_YEAR, 3, 12, 9), H1: dt.datetime(SAMPLE_YEAR, 6, 11, 9)}
LATE = dt.datetime(SAMPLE_YEAR, 3, 25, 15)  # after the Q1 submission deadline
MERGED = {Q1: dt.date(SAMPLE_YEAR, 3, 20), H1: dt.date(SAMPLE_YEAR, 6, 20)}
AS_OF = {Q1: dt.date(SAMPLE_YEAR, 4, 6), H1: dt.date(SAMPLE_YEAR, 7, 6)}
HIDDEN = L.SHEET_META  # very hidden; holds the master's own MAC secret
_SHA = re.compile(r"\b[0-9a-f]{64}\b")
_STAMP = re.compile(r"_\d{8}-\d{6}-\d+")  # the backup copy's name: when the job ran


class Year:
    """One office's year; `excel` makes every save an Excel save."""

    def __init__(self, root: Path, excel: bool) -> None:
        self.root, self.excel = root, excel
        self.master = root / "so_theo_doi.xlsx"
        self.seen: dict[str, Any] = {}  # step -> snapshot of what the user sees
        self.results: dict[str, Any] = {}

    def clerk_saves(self) -> None:
        if self.excel:
            excel_save(self.master)

    def send(self, src: Path, inbox: Path, answers: dict[str, dict[str, Any]], when: dt.datetime) -> Path:
        out = fill_return(src, inbox / src.name, answers, when)
        if self.excel:
            excel_save(out)
            os.utime(out, (when.timestamp(), when.timestamp()))  # received time = the file's time
        return out

    def snap(self, step: str) -> None:
        self.seen[step] = view(self.master, self.root)


TODAY = dt.date.today()


def _norm(v: Any, root: Path) -> Any:
    if isinstance(v, dt.datetime) and v.date() == TODAY:
        return "<now>"  # when the job ran (Lịch sử): wall-clock time
    if isinstance(v, str):
        return _STAMP.sub("_<now>", _SHA.sub("<sha>", v.replace(str(root), "<root>")))
    return v


def view(master: Path, root: Path) -> dict[str, Any]:
    """What a user sees: every value of every sheet but the hidden one holding the master's
    secret, and the fill colour of each Theo dõi cell."""
    book = CalamineWorkbook.from_path(str(master))
    values = {n: [[_norm(v, root) for v in row] for row in book.get_sheet_by_name(n).to_python()]
              for n in book.sheet_names if n != HIDDEN}
    wb = load_workbook(master)
    ws = wb[L.SHEET_TRACKING]
    fills = [[(c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fill_type else None) for c in row]
             for row in ws.iter_rows()]
    return {"values": values, "fills": fills}


def _json(result: Any, root: Path) -> Any:
    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return _norm(x, root)

    return walk(result.to_json())


def _answers(src: Path, when: dt.datetime, unit_seed: str) -> dict[str, dict[str, Any]]:
    return plausible_answers(report_rows(src), when.date(), random.Random(unit_seed))


def _report_text(path: Path) -> list[str]:
    doc = Document(str(path))
    text = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        text += [c.text for row in t.rows for c in row.cells]
    return text


def run_year(root: Path, excel: bool) -> Year:
    y = Year(root, excel)
    root.mkdir(parents=True)
    r = plan_import.run(SAMPLE_APPENDIX, SAMPLE_YEAR, y.master)
    assert r.exit_code == 0, r.summary_vi()
    y.clerk_saves()
    y.snap("import")

    gen = units_generate.run(y.master, Q1, root / "gui_q1")
    y.clerk_saves()
    y.snap("generate Q1")
    books = sorted(Path(f) for f in gen.files)
    late_book = books[1]
    inbox = root / "hop_thu_q1"
    sent = [y.send(b, inbox, _answers(b, SENT[Q1], b.stem), SENT[Q1]) for b in books if b != late_book]
    y.results["validate Q1"] = _json(validate.run(sent, master=y.master, as_of=MERGED[Q1]), root)

    y.results["merge Q1"] = _json(merge.run(y.master, inbox, Q1, as_of=MERGED[Q1]), root)
    y.clerk_saves()
    y.snap("merge Q1")
    before = y.master.read_bytes()
    y.results["merge Q1 again"] = _json(merge.run(y.master, inbox, Q1, as_of=MERGED[Q1]), root)
    assert y.master.read_bytes() == before, "a repeated merge changed the master"
    y.clerk_saves()

    y.results["status Q1"] = _json(status.run(y.master, AS_OF[Q1]), root)
    y.clerk_saves()
    y.snap("status Q1")
    report.run(y.master, Q1, root / "bao_cao_q1.docx", as_of=AS_OF[Q1])
    y.results["report Q1"] = _report_text(root / "bao_cao_q1.docx")
    y.clerk_saves()
    y.snap("report Q1")

    late_inbox = root / "hop_thu_q1_tre"
    y.send(late_book, late_inbox, _answers(late_book, LATE, late_book.stem), LATE)
    y.results["merge late"] = _json(merge.run(y.master, late_inbox, Q1, as_of=LATE.date()), root)
    y.clerk_saves()
    y.results["status late"] = _json(status.run(y.master, AS_OF[Q1]), root)
    y.clerk_saves()
    y.snap("late return")

    gen = units_generate.run(y.master, H1, root / "gui_h1")
    y.clerk_saves()
    inbox = root / "hop_thu_h1"
    books = sorted(Path(f) for f in gen.files)
    sent = [y.send(b, inbox, _answers(b, SENT[H1], "h1" + b.stem), SENT[H1]) for b in books]
    y.results["validate H1"] = _json(validate.run(sent, master=y.master, as_of=MERGED[H1]), root)
    y.results["merge H1"] = _json(merge.run(y.master, inbox, H1, as_of=MERGED[H1]), root)
    y.clerk_saves()
    y.results["status H1"] = _json(status.run(y.master, AS_OF[H1]), root)
    y.clerk_saves()
    report.run(y.master, H1, root / "bao_cao_h1.docx", as_of=AS_OF[H1])
    y.results["report H1"] = _report_text(root / "bao_cao_h1.docx")
    y.clerk_saves()
    y.snap("H1")
    return y


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Year]:
    root = tmp_path_factory.mktemp("year")
    return {"plain": run_year(root / "plain", excel=False), "excel": run_year(root / "excel", excel=True)}


STEPS = ["import", "generate Q1", "merge Q1", "status Q1", "report Q1", "late return", "H1"]


@pytest.mark.parametrize("step", STEPS)
def test_the_user_sees_the_same_master_after_each_step(years: dict[str, Year], step: str) -> None:
    plain, excel = years["plain"].seen[step], years["excel"].seen[step]
    for sheet, rows in plain["values"].items():
        assert excel["values"].get(sheet) == rows, f"{step}: sheet {sheet} differs"
    assert excel["values"].keys() == plain["values"].keys()
    assert excel["fills"] == plain["fills"], f"{step}: status colours differ"


RESULTS = ["validate Q1", "merge Q1", "merge Q1 again", "status Q1", "report Q1", "merge late", "status late",
           "validate H1", "merge H1", "status H1", "report H1"]


@pytest.mark.parametrize("step", RESULTS)
def test_every_job_says_the_same(years: dict[str, Year], step: str) -> None:
    assert years["excel"].results[step] == years["plain"].results[step]


def test_the_year_did_real_work(years: dict[str, Year]) -> None:
    """Guards the comparison: the scenario accepted returns, refused none, saw a late one,
    and Excel really rewrote the master (an Excel save is not a no-op)."""
    res = years["excel"].results
    assert len(res["merge Q1"]["accepted"]) >= 5 and not res["merge Q1"]["rejected"]
    again = res["merge Q1 again"]
    assert again["accepted"] == [] and again["rows_updated"] == 0 and again["backup"] is None
    assert len(again["already_merged"]) == len(res["merge Q1"]["accepted"])
    assert len(res["merge late"]["accepted"]) == 1
    assert len(res["merge H1"]["accepted"]) >= 5
    with zipfile.ZipFile(years["excel"].master) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
        assert b"x14ac:dyDescent" in sheet and "xl/sharedStrings.xml" in zf.namelist()
    statuses = {row[L.TRACKING_COLUMNS.index(next(c for c in L.TRACKING_COLUMNS if c.id == "status"))]
                for row in years["excel"].seen["H1"]["values"][L.SHEET_TRACKING][1:]}
    assert len(statuses - {""}) >= 3, statuses
