"""The master's «Đề nghị điều chỉnh» sheet: extension requests the merge lists and the
clerk decides on (domain/extensions.py says what the rows mean).

Plan import writes the sheet, empty, into every new master (`lay_out_sheet`) and each
merge appends its rows through the package layer, without openpyxl. A master made
before that has no such sheet: the first merge that lists a request adds the empty
sheet (built with openpyxl, transplanted) and appends to it the same way. The clerk's
columns «Quyết định», «Hạn được duyệt» and «Ghi chú» are never written by the tool;
status only writes the technical «Đã ghi lịch sử» cell of a row whose decision it
recorded.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from parc_xl.domain.extensions import Decision, ExtensionRequest, parse_decision
from parc_xl.domain.problems import Problem, warning
from parc_xl.io import master_layout as L
from parc_xl.io.calendar_sheets import to_date
from parc_xl.io.row_heights import row_height
from parc_xl.io.workbook_values import cell_datetime

# The decision dropdown, the date check and the print area cover rows 2..this: the whole
# sheet, so that every row a merge appends is covered (a 1,000-unit office lists ≈5,000
# requests in one merge; 3,000 rows were once the limit).
LAST_ROW_VALIDATED = 1_048_576
_DATE_IDS = ("current_due", "proposed_due", "approved_due")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()




def _date(v: Any) -> dt.date | None:
    try:
        return to_date(v)
    except ValueError:
        return None


def read_requests(records: list[tuple[int, dict[str, Any]]], positions: dict[str, int],
                  file: str = "") -> tuple[list[ExtensionRequest], list[Problem]]:
    """Requests from the sheet's records (`io.master.sheet_records`); a decision or an
    approved date the tool cannot read is a warning naming the cell (the row then
    counts as undecided)."""
    from parc_xl.io.ooxml import col_letter

    def cell(cid: str, row: int) -> str:
        return f"{col_letter(positions[cid] + 1)}{row}" if cid in positions else ""

    out: list[ExtensionRequest] = []
    problems: list[Problem] = []
    for n, rec in records:
        key, unit = _text(rec.get("key")), _text(rec.get("unit"))
        if not key or not unit:
            continue  # a line the clerk added (a total, a remark): not a request
        decision_text = _text(rec.get("decision"))
        decision, readable = parse_decision(decision_text)
        raw_approved = rec.get("approved_due")
        approved = _date(raw_approved)
        if not readable:
            problems.append(warning(
                "extension-decision-unreadable",
                f"{L.SHEET_REQUESTS}, ô {cell('decision', n)}: «{decision_text}» không phải quyết định; hãy chọn "
                f"«{Decision.APPROVED.value}» hoặc «{Decision.REFUSED.value}». Nhiệm vụ {key} của {unit} vẫn theo "
                "hạn cũ.", file=file, sheet=L.SHEET_REQUESTS, cell=cell("decision", n), task_key=key,
                value=decision_text))
        if raw_approved not in (None, "") and approved is None:
            problems.append(warning(
                "extension-decision-unreadable",
                f"{L.SHEET_REQUESTS}, ô {cell('approved_due', n)}: «{_text(raw_approved)}» không phải ngày; hãy ghi "
                "ngày trước, tháng sau, ví dụ 15/09/2026."
                + (" Tạm lấy hạn đơn vị đề nghị." if decision is Decision.APPROVED else ""),
                file=file, sheet=L.SHEET_REQUESTS, cell=cell("approved_due", n), task_key=key,
                value=_text(raw_approved)))
        out.append(ExtensionRequest(
            row=n, key=key, unit=unit, unit_name=_text(rec.get("unit_name")), period=_text(rec.get("period")),
            current_due=_date(rec.get("current_due")), proposed_due=_date(rec.get("proposed_due")),
            reason=_text(rec.get("reason")), received_at=cell_datetime(rec.get("received_at")),
            decision_text=decision_text if readable else "", approved_due=approved,
            approved_text=_text(raw_approved) if approved is None else "", logged=_text(rec.get("logged"))))
    return out, problems


def request_values(r: ExtensionRequest, n: int, task_label: str) -> list[Any]:
    """One new row, in `REQUEST_COLUMNS` order (the clerk's columns empty)."""
    values = {"n": n, "task": task_label, "unit_name": r.unit_name, "current_due": r.current_due,
              "proposed_due": r.proposed_due, "reason": r.reason, "received_at": r.received_at,
              "decision": None, "approved_due": None, "note": None, "period": r.period, "unit": r.unit,
              "key": r.key, "logged": None}
    return [values[c.id] for c in L.REQUEST_COLUMNS]


def lay_out_sheet(ws: Any) -> None:
    """The empty «Đề nghị điều chỉnh» sheet on openpyxl worksheet `ws`: header, one
    styled blank row whose formats the rows merges append take (dates dd/mm/yyyy, the
    receipt time with hours), the «Quyết định» dropdown and the «Hạn được duyệt» date
    check down to `LAST_ROW_VALIDATED`, the printed columns. `create_master` writes it
    into every new master, `build_empty_sheet` for a master made before it did."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from parc_xl.io.master_writer import DATE_FORMAT, write_table

    write_table(ws, L.REQUEST_COLUMNS, [])
    pos = {c.id: i + 1 for i, c in enumerate(L.REQUEST_COLUMNS)}
    for cid in _DATE_IDS:
        ws.cell(row=2, column=pos[cid]).number_format = DATE_FORMAT
    decision = get_column_letter(pos["decision"])
    approved = get_column_letter(pos["approved_due"])
    dv = DataValidation(
        type="list", formula1=f'"{Decision.APPROVED.value},{Decision.REFUSED.value}"', allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Quyết định không hợp lệ",
        error=f"Chọn «{Decision.APPROVED.value}» hoặc «{Decision.REFUSED.value}».",
        showInputMessage=True, promptTitle="Quyết định",
        prompt="Văn phòng ghi: Đồng ý hoặc Không đồng ý. Đồng ý mà để trống «Hạn được duyệt» là duyệt hạn đơn vị "
               "đề nghị.")
    dv.add(f"{decision}2:{decision}{LAST_ROW_VALIDATED}")
    ws.add_data_validation(dv)
    dv_date = DataValidation(
        type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Ngày không hợp lệ",
        error="Nhập ngày dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 15/09/2026.",
        showInputMessage=True, promptTitle="Hạn được duyệt",
        prompt="Hạn mới văn phòng đồng ý (dd/mm/yyyy); nhiệm vụ được theo dõi theo hạn này.")
    dv_date.add(f"{approved}2:{approved}{LAST_ROW_VALIDATED}")
    ws.add_data_validation(dv_date)
    # the columns people read, every row: the rows merges append are printed without
    # anyone extending the area (Excel and LibreOffice print up to the last used row)
    ws.print_area = f"A1:{get_column_letter(L.REQUEST_PRINTED)}{LAST_ROW_VALIDATED}"


def build_empty_sheet(path: Path) -> Path:
    """A workbook holding only the empty «Đề nghị điều chỉnh» sheet (`lay_out_sheet`)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_REQUESTS
    lay_out_sheet(ws)
    wb.save(path)
    return path


def add_requests(pkg: Any, positions: dict[str, int] | None, rows: list[list[Any]]) -> None:
    """Append new request rows (`request_values`) to the master's sheet, in the file's
    own column order, each row as tall as its wrapped text (`io/row_heights.py`).

    Masters made by plan import since issue 18 have the sheet, empty (`lay_out_sheet`):
    the rows are appended at the package level, no openpyxl. A master made before has
    none: the empty sheet is built with openpyxl and added after `Nộp báo cáo` once (the
    first merge that lists a request), then the rows are appended the same way."""
    if not rows:
        return
    names = pkg.sheet_names()
    if L.SHEET_REQUESTS not in names:
        after = names.index(L.SHEET_SUBMISSIONS) + 1 if L.SHEET_SUBMISSIONS in names else None
        with tempfile.TemporaryDirectory(prefix="parc_dndc_") as tmp:
            pkg.replace_sheet_from(build_empty_sheet(Path(tmp) / "de_nghi.xlsx"), L.SHEET_REQUESTS, position=after)
        positions = None
    pos = positions or {c.id: i for i, c in enumerate(L.REQUEST_COLUMNS)}
    laid: list[list[Any]] = []
    for r in rows:
        mapping = {pos[c.id]: v for c, v in zip(L.REQUEST_COLUMNS, r, strict=True) if c.id in pos}
        width = max(mapping) + 1 if mapping else 0
        laid.append([mapping.get(i) for i in range(width)])
    heights = [row_height(r, L.REQUEST_COLUMNS) for r in rows]
    pkg.append_rows(L.SHEET_REQUESTS, laid, heights=heights)


def mark_logged(pkg: Any, positions: dict[str, int] | None, logged: dict[int, str]) -> None:
    """Write «Đã ghi lịch sử» (the decision's signature) on the rows status recorded."""
    from parc_xl.io.ooxml import col_letter

    if not logged or L.SHEET_REQUESTS not in pkg.sheet_names():
        return
    pos = positions or {c.id: i for i, c in enumerate(L.REQUEST_COLUMNS)}
    if "logged" not in pos:
        return  # the clerk removed the column: nothing to keep the mark in
    sheet = pkg.sheet(L.SHEET_REQUESTS)
    for row, signature in logged.items():
        sheet.set_value(f"{col_letter(pos['logged'] + 1)}{row}", signature, quote_formula_like=False)
