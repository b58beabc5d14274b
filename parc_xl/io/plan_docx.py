"""The appendix from a Word document (.docx), read with python-docx / lxml.

The appendix is the first table whose header (in its first rows) names the columns
(`domain.appendix.find_header`); other tables (the signature/heading layout tables) are
read as text for the issuer and title. Tables right after it with the same header, or
with the same number of columns and nothing but empty paragraphs between, continue it.

Cells are read from the XML grid so merged cells are not duplicated: a horizontal merge
(gridSpan) gives its text to its first column only; a vertical merge (vMerge) gives its
text to its first row only in the STT and task columns, and is filled down in the other
columns (one lead/deadline cell shared by several tasks belongs to each of them).
Paragraphs in one cell are joined as one line ("- A - B"), Word list paragraphs get "- ".
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from parc_xl.domain.appendix import (
    ColumnMap,
    RawRow,
    assemble,
    find_header,
    guess_issuer,
    guess_title,
    join_lines,
)
from parc_xl.domain.models import Plan
from parc_xl.domain.problems import Problem, error
from parc_xl.errors import InputError

_HEADER_SEARCH_ROWS = 5
_FILL_DOWN = {"product", "lead", "coord", "deadline"}


def _paragraph_text(p) -> str:  # noqa: ANN001 - lxml element
    parts: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:  # noqa: ANN001
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        text = _paragraph_text(p)
        lines = text.split("\n")
        is_list = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
        for line in lines:
            if line.strip():
                paragraphs.append(("- " + line.strip()) if is_list and not line.strip().startswith("-") else line)
    return join_lines(paragraphs)


def _table_grid(tbl) -> list[tuple[list[str], list[bool]]]:  # noqa: ANN001
    """Rows of (cell texts by grid column, vMerge-continue flags by grid column)."""
    out: list[tuple[list[str], list[bool]]] = []
    for tr in tbl.iterchildren(qn("w:tr")):
        texts: list[str] = []
        cont: list[bool] = []
        grid_before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        if grid_before is not None:
            n = int(grid_before.get(qn("w:val"), "0"))
            texts.extend([""] * n)
            cont.extend([False] * n)
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = 1
            vcont = False
            if tcpr is not None:
                gs = tcpr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = max(1, int(gs.get(qn("w:val"), "1")))
                vm = tcpr.find(qn("w:vMerge"))
                if vm is not None and vm.get(qn("w:val"), "continue") != "restart":
                    vcont = True
            text = "" if vcont else _cell_text(tc)
            texts.append(text)
            cont.append(vcont)
            texts.extend([""] * (span - 1))
            cont.extend([vcont] * (span - 1))
        out.append((texts, cont))
    return out


def _block_text(el) -> list[str]:  # noqa: ANN001
    """Text lines of a body paragraph or a (non-appendix) table."""
    if el.tag == qn("w:p"):
        return [_paragraph_text(el)]
    lines: list[str] = []
    for tr in el.iter(qn("w:tr")):
        for tc in tr.iterchildren(qn("w:tc")):
            for p in tc.iter(qn("w:p")):
                lines.append(_paragraph_text(p))
            lines.append("")
    return lines


def read_docx(path: Path, year: int) -> tuple[Plan, list[Problem]]:
    """Read the appendix table of a .docx; raises `InputError` when there is none."""
    try:
        doc = Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"{path.name}: tệp Word bị hỏng hoặc không phải tệp .docx ({type(exc).__name__})."
        ) from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError etc.
        raise InputError(f"{path.name}: không mở được tệp Word ({type(exc).__name__}).") from exc

    body = doc.element.body
    before: list[str] = []
    columns: ColumnMap | None = None
    width = 0
    rows: list[RawRow] = []
    table_no = 0
    gap_has_text = False
    done = False
    for el in body.iterchildren():
        if el.tag == qn("w:tbl"):
            table_no += 1
            grid = _table_grid(el)
            if columns is None:
                for r, (texts, _cont) in enumerate(grid[:_HEADER_SEARCH_ROWS]):
                    found = find_header(texts)
                    if found is not None:
                        columns, width = found, len(texts)
                        _add_rows(rows, grid[r + 1 :], columns, table_no, r + 2)
                        gap_has_text = False
                        break
                else:
                    before.extend(_block_text(el))
                continue
            if done:
                continue
            head = next((i for i, (t, _c) in enumerate(grid[:_HEADER_SEARCH_ROWS]) if find_header(t)), None)
            if head is not None:
                mapped = find_header(grid[head][0])
                assert mapped is not None
                _add_rows(rows, grid[head + 1 :], mapped, table_no, head + 2, first_break=True)
            elif not gap_has_text and grid and len(grid[0][0]) == width:
                _add_rows(rows, grid, columns, table_no, 1, first_break=True)
            else:
                done = True
            gap_has_text = False
        elif el.tag == qn("w:p"):
            text = _paragraph_text(el)
            if columns is None:
                before.append(text)
            elif text.strip():
                gap_has_text = True
                if not done:
                    rows.append(RawRow(cells={"task": text}, source_row=0, kind_hint="note", where="sau bảng"))
    if columns is None:
        problem = error(
            "plan-no-table",
            "Không tìm thấy bảng phụ lục trong tệp Word: cần một bảng có dòng tiêu đề gồm "
            "STT, Nhiệm vụ (Nội dung), Đơn vị chủ trì, Thời gian hoàn thành…",
            file=path.name,
        )
        raise InputError(f"{path.name}: {problem.message}", [problem])
    plan, problems = assemble(rows, year, source=path.name)
    plan.issuer = guess_issuer(before)
    plan.title = guess_title(before, year)
    return plan, problems


def _add_rows(
    out: list[RawRow],
    grid: list[tuple[list[str], list[bool]]],
    columns: ColumnMap,
    table_no: int,
    first_row_no: int,
    *,
    first_break: bool = False,
) -> None:
    above: dict[str, str] = {}
    for n, (texts, cont) in enumerate(grid):
        cells = columns.pick(texts)
        for col, i in columns.index.items():
            if i < len(cont) and cont[i] and col in _FILL_DOWN:
                cells[col] = above.get(col, "")
        above = cells
        row_no = first_row_no + n
        out.append(
            RawRow(
                cells=cells,
                source_row=row_no,
                kind_hint="page_break" if first_break and n == 0 else "row",
                where=f"bảng {table_no}, hàng {row_no}",
            )
        )
