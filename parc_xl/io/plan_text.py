"""The appendix as tab-separated text extracted from the signed PDF (as in the seeds).

The header line is found by its synonyms (`domain.appendix.find_header`). Below it every
line with a tab is a table row; a line without tabs is a footnote or page furniture
(passed on as a "note": it may state the total) and marks a page break, as do blank
lines and repeated headers. The table ends at the end of the file or at a long run of
prose (`_PROSE_RUN` non-blank lines without a tab) or at the heading of a next appendix
("PHỤ LỤC 2").
"""

from __future__ import annotations

from pathlib import Path

from parc_xl.domain.appendix import ColumnMap, RawRow, assemble, find_header, guess_issuer, guess_title
from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error
from parc_xl.domain.text import ascii_fold
from parc_xl.errors import InputError

_PROSE_RUN = 8  # this many prose lines in a row end the table


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; Windows-1258 as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def split_table(lines: list[str]) -> tuple[int, ColumnMap, list[RawRow]] | None:
    """(header line index, column map, rows) or None when no header line exists."""
    header_at: int | None = None
    columns: ColumnMap | None = None
    for i, line in enumerate(lines):
        if "\t" in line:
            columns = find_header(line.split("\t"))
            if columns is not None:
                header_at = i
                break
    if header_at is None or columns is None:
        return None
    rows: list[RawRow] = []
    pending_break = False
    prose_run: list[RawRow] = []
    for i in range(header_at + 1, len(lines)):
        line = lines[i]
        lineno = i + 1
        if "\t" in line:
            rows.extend(prose_run)
            prose_run = []
            rows.append(
                RawRow(
                    cells=columns.pick(line.split("\t")),
                    source_row=lineno,
                    kind_hint="page_break" if pending_break else "row",
                )
            )
            pending_break = False
            continue
        pending_break = True
        if not line.strip():
            continue
        if ascii_fold(line).startswith("phu luc"):
            break  # the next appendix (Phụ lục 2…) starts: this table is over
        prose_run.append(RawRow(cells={"task": line}, source_row=lineno, kind_hint="note"))
        if len(prose_run) >= _PROSE_RUN:
            break
    rows.extend(prose_run[:_PROSE_RUN])
    return header_at, columns, rows


def read_text(path: Path, year: int, text: str | None = None) -> tuple[Plan, list[Problem]]:
    """Read an extracted-text appendix; raises `InputError` when there is no table header."""
    if text is None:
        text = decode_text(path.read_bytes())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = split_table(lines)
    if found is None:
        problem = error(
            "plan-no-header",
            "Không tìm thấy dòng tiêu đề của bảng phụ lục (STT, Nhiệm vụ, Đơn vị chủ trì, "
            "Thời gian…). Tệp văn bản phải có các cột cách nhau bằng dấu Tab.",
            file=path.name,
        )
        raise InputError(f"{path.name}: {problem.message}", [problem])
    header_at, _columns, rows = found
    plan, problems = assemble(rows, year, source=path.name)
    before = lines[:header_at]
    plan.issuer = guess_issuer(before)
    plan.title = guess_title(before, year)
    return plan, problems
