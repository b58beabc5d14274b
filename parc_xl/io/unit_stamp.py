"""Unit workbooks stamped from a template: the same files `write_unit_book` makes, without
openpyxl per unit.

`units_generate` writes the first unit's workbook with `unit_book.write_unit_book` (the
one writer of the layout: styles, protection, validations, print setup) and uses that
package as the template of every other unit: the parts that differ between units are
rewritten as text, every other part is copied as it is.

What differs, and how it is stamped:

* `Báo cáo`: the unit line (row 2), the task rows from `FIRST_ROW` (values, row heights
  as `row_height` gives them, each cell with the style index the template's writer gave
  the same column, role and quote prefix), the `<dimension>`, and the `sqref` of the data
  validations (Tiến độ and Ngày hoàn thành over the rows, Kết quả on the target rows;
  dropped when the unit has no target row);
* `Hướng dẫn`: the unit line;
* `_parc_xl`: every row (metadata, digests, MAC, row keys and cell hashes), computed
  with the same functions as the writer.

A unit whose rows need a cell style the template does not show (e.g. a lead row when the
template unit only coordinates, or a plan text with Excel's quote prefix in a column
where the template had none) is written by `write_unit_book` instead: stamping never
guesses a style. `tests/io/test_unit_stamp.py` compares stamped books with written ones
(values, styles, validations, protection, metadata and MAC).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from parc_xl.domain.assignments import ROLE_LEAD
from parc_xl.domain.formulas import looks_like_formula
from parc_xl.domain.models import Plan, Registry, Task
from parc_xl.domain.periods import Period
from parc_xl.io import unit_book as ub
from parc_xl.io.ooxml.cells import excel_serial

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROW = r'<row r="{r}"[^>]*>.*?</row>'
_T = re.compile(r"(<t(?: [^>]*)?>)(.*?)(</t>)", re.S)
_DV = re.compile(r'<dataValidation [^>]*?sqref="([^"]*)"[^>]*>.*?</dataValidation>', re.S)
_DV_COUNT = re.compile(r'<dataValidations count="\d+"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?')


class NotStampable(Exception):
    """This unit's rows need something the template does not show: write it instead."""


def _text(value: str) -> str:
    """Inline-string body of a cell."""
    if _ILLEGAL_XML.search(value):
        raise NotStampable("control character")
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return f"<is><t{space}>{escape(value)}</t></is>"


def _fmt_num(x: float) -> str:
    return "%.16g" % x  # openpyxl's float spelling (118.39999999999999 → 118.4)


class Template:
    """A unit workbook written by `write_unit_book`, taken apart for stamping."""

    def __init__(self, path: Path, plan: Plan, registry: Registry, unit_code: str, per: Period,
                 tasks: list[tuple[Task, str]]) -> None:
        with zipfile.ZipFile(path) as zf:
            self.infos = zf.infolist()
            self.data = {i.filename: zf.read(i) for i in self.infos}
            parts = ub.workbook_parts(zf, path).sheets
        self.report_part, self.guide_part, self.meta_part = (
            parts[ub.SHEET_REPORT], parts[ub.SHEET_GUIDE], parts[ub.SHEET_META])
        unit = registry.unit(unit_code)
        line = ub.guide_unit_line(unit.name if unit else unit_code, unit_code, per)
        self.per = per
        self._rows: dict[tuple[str, str], tuple[dict[str, object], str, str]] = {}
        self._report(self.data[self.report_part].decode("utf-8"), plan, tasks, line)
        self._guide(self.data[self.guide_part].decode("utf-8"), line)
        self._meta(self.data[self.meta_part].decode("utf-8"))

    def _report(self, xml: str, plan: Plan, tasks: list[tuple[Task, str]], line: str) -> None:
        start = xml.find(f'<row r="{ub.FIRST_ROW}"')
        end = xml.find("</sheetData>")
        if start < 0 or end < start or not _DIMENSION.search(xml):
            raise NotStampable("template layout")
        head, body, self.report_tail = xml[:start], xml[start:end], xml[end:]
        m = re.search(_ROW.format(r=2), head, re.S)
        if not m or len(_T.findall(m.group(0))) != 1:
            raise NotStampable("unit line")
        self.report_head = head
        self.report_row2 = m.span()
        self.styles: dict[tuple[str, bool, bool], str] = {}
        columns = ub.layout.COLUMNS  # read when stamping, like the writer: tests vary it
        letters = [ub.col_letter(i) for i in range(len(columns))]
        by_letter = dict(zip(letters, columns))
        for offset, (task, role) in enumerate(tasks):
            rno = ub.FIRST_ROW + offset
            row = re.search(_ROW.format(r=rno), body, re.S)
            if row is None:
                raise NotStampable("template row")
            values = ub.plan_values(task, role, self.per)
            for cm in _CELL.finditer(row.group(0)):
                column = by_letter.get(cm.group(1))
                if column is None:
                    raise NotStampable("template column")
                self.styles[self._style_key(column, role, values.get(column.id))] = cm.group(3) or ""
        self.letters = letters
        dvs: dict[str, re.Match[str]] = {}
        for dv in _DV.finditer(self.report_tail):
            letter = re.match(r"[A-Z]+", dv.group(1))
            if letter is None or letter.group(0) in dvs:
                raise NotStampable("template validations")
            dvs[letter.group(0)] = dv
        self.dvs = dvs
        ci = {c.id: letters[i] for i, c in enumerate(columns)}
        self.ci = ci
        if ci["progress"] not in dvs or ci["completed_on"] not in dvs:
            raise NotStampable("template validations")
        self._year = plan.year

    @staticmethod
    def _style_key(col: ub.Col, role: str, value: object) -> tuple[str, bool, bool]:
        bold = col.id == "role" and role == ROLE_LEAD
        quote = not col.fill and isinstance(value, str) and value != "" and looks_like_formula(value)
        return (col.id, bold, quote)

    def _guide(self, xml: str, line: str) -> None:
        for m in re.finditer(r"<row [^>]*>.*?</row>", xml, re.S):
            ts = _T.findall(m.group(0))
            if len(ts) == 1 and _unescape(ts[0][1]) == line:
                self.guide_span = m.span()
                self.guide_xml = xml
                return
        raise NotStampable("guide unit line")

    def _meta(self, xml: str) -> None:
        start, end = xml.find("<sheetData>"), xml.find("</sheetData>")
        if start < 0 or end < start:
            raise NotStampable("template metadata sheet")
        self.meta_head, self.meta_tail = xml[:start + len("<sheetData>")], xml[end:]
        cells = {(m.group(1), int(m.group(2))): m.group(3) or "" for m in _CELL.finditer(xml)}
        n_meta = len(ub.META_KEYS)
        self.meta_styles = {
            "A": cells.get(("A", 1), ""), "B": cells.get(("B", 1), ""),
            "B_digest": cells.get(("B", n_meta + 1), ""),
            "D1": cells.get(("D", 1), ""), "E1": cells.get(("E", 1), ""), "F1": cells.get(("F", 1), ""),
            "D": cells.get(("D", 2), ""), "E": cells.get(("E", 2), ""), "F": cells.get(("F", 2), ""),
        }

    # --- stamping one unit ---------------------------------------------------------

    def stamp(self, path: Path, plan: Plan, registry: Registry, unit_code: str,
              tasks: list[tuple[Task, str]], fingerprint: str, template_version: str,
              generated_at: dt.datetime, mac_key: str | None) -> Path:
        unit = registry.unit(unit_code)
        unit_name = unit.name if unit else unit_code
        if unit_name.startswith("=") or unit_code.startswith("="):
            raise NotStampable("formula-like unit name")  # openpyxl would store a formula
        line = ub.guide_unit_line(unit_name, unit_code, self.per)
        rows_xml: list[str] = []
        meta_rows: list[tuple[str, str, str]] = []
        all_values: list[dict[str, object]] = []
        target_rows: list[int] = []
        for offset, (task, role) in enumerate(tasks):
            rno = ub.FIRST_ROW + offset
            values, hashes, row_tpl = self._row(task, role)
            all_values.append(values)
            meta_rows.append((task.key, role, hashes))
            if values["target"]:
                target_rows.append(rno)
            rows_xml.append(row_tpl.replace("\x00", str(rno)))
        if not tasks:
            raise NotStampable("no task")
        last_row = ub.FIRST_ROW + len(tasks) - 1
        report = self._report_xml(line, "".join(rows_xml), last_row, target_rows)
        meta = ub.unit_meta(unit_code=unit_code, unit_name=unit_name, period=self.per, plan_year=plan.year,
                            fingerprint=fingerprint, template_version=template_version, generated_at=generated_at,
                            rows=all_values, keys=[k for k, _, _ in meta_rows])
        n_meta = len(ub.META_KEYS)  # then the digest and the MAC, in the writer's General format
        pairs = [(k, v, self.meta_styles["B" if i < n_meta else "B_digest"])
                 for i, (k, v) in enumerate(ub.meta_pairs(meta, meta_rows, mac_key))]
        parts = {
            self.report_part: report,
            self.guide_part: self._guide_xml(line),
            self.meta_part: self._meta_xml(pairs, meta_rows),
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.infos:
                data = parts[info.filename].encode("utf-8") if info.filename in parts else self.data[info.filename]
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = info.compress_type
                zi.external_attr = info.external_attr
                out.writestr(zi, data)
        return path

    def _row(self, task: Task, role: str) -> tuple[dict[str, object], str, str]:
        """(plan values, cell hashes, row XML with NUL for the row number) of one task row;
        the same task and role give the same row in every unit's book, so it is built once."""
        cached = self._rows.get((task.key, role))
        if cached is not None:
            return cached
        values = ub.plan_values(task, role, self.per)
        cells = []
        for letter, col in zip(self.letters, ub.layout.COLUMNS):
            v = None if col.fill else values[col.id]
            s = self.styles.get(self._style_key(col, role, v))
            if s is None:
                raise NotStampable(f"style of {col.id}")
            head = f'<c r="{letter}\x00"' + (f' s="{s}"' if s else "")
            if v in ("", None):
                cells.append(head + "/>")
            elif isinstance(v, str):
                cells.append(f'{head} t="inlineStr">{_text(v)}</c>')
            elif isinstance(v, bool):
                cells.append(f'{head} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (dt.date, dt.datetime)):
                cells.append(f"{head}><v>{_fmt_num(excel_serial(v))}</v></c>")
            elif isinstance(v, (int, float)):
                cells.append(f"{head}><v>{_fmt_num(v)}</v></c>")
            else:
                raise NotStampable(f"value type {type(v).__name__}")
        ht = _fmt_num(ub.row_height(values))
        row = (values, ub.row_hashes(values), f'<row r="\x00" ht="{ht}" customHeight="1">{"".join(cells)}</row>')
        self._rows[(task.key, role)] = row
        return row

    def _report_xml(self, line: str, body: str, last_row: int, target_rows: list[int]) -> str:
        a, b = self.report_row2
        head = self.report_head
        row2 = _T.sub(lambda m: m.group(1) + escape(line) + m.group(3), head[a:b], count=1)
        head = head[:a] + row2 + head[b:]
        head = _DIMENSION.sub(f'<dimension ref="A1:{self.letters[-1]}{last_row}"/>', head, count=1)
        tail = self.report_tail
        ci = self.ci
        out, pos, kept = [], 0, 0
        for letter, m in sorted(self.dvs.items(), key=lambda kv: kv[1].start()):
            out.append(tail[pos:m.start()])
            pos = m.end()
            if letter in (ci["progress"], ci["completed_on"], ci.get("proposed_due")):  # whole fill columns
                sq = f"{letter}{ub.FIRST_ROW}:{letter}{last_row}"
            elif letter == ci["figure"]:
                if not target_rows:
                    continue
                sq = " ".join(f"{letter}{r}" for r in target_rows)
            else:
                raise NotStampable(f"validation on column {letter}")
            dv = m.group(0)
            out.append(dv.replace(f'sqref="{m.group(1)}"', f"sqref={quoteattr(sq)}", 1))
            kept += 1
        out.append(tail[pos:])
        if target_rows and ci["figure"] not in self.dvs:
            raise NotStampable("template has no Kết quả validation")
        tail = _DV_COUNT.sub(f'<dataValidations count="{kept}"', "".join(out), count=1)
        return head + body + tail

    def _guide_xml(self, line: str) -> str:
        a, b = self.guide_span
        xml = self.guide_xml
        row = _T.sub(lambda m: m.group(1) + escape(line) + m.group(3), xml[a:b], count=1)
        # the line wraps: its height follows the unit's name, as the writer sets it
        row = re.sub(r'(<row [^>]*\bht=")[^"]*"', lambda m: f'{m.group(1)}{ub.guide_row_height(line):g}"', row, count=1)
        return xml[:a] + row + xml[b:]

    def _meta_xml(self, pairs: list[tuple[str, str, str]], meta_rows: list[tuple[str, str, str]]) -> str:
        st = self.meta_styles

        def cell(ref: str, value: str, s: str) -> str:
            attr = f' s="{s}"' if s else ""
            return f'<c r="{ref}"{attr} t="inlineStr">{_text(value)}</c>'

        rows = []
        n = max(len(pairs), len(meta_rows) + 1)
        for r in range(1, n + 1):
            cells = []
            if r <= len(pairs):
                k, v, s = pairs[r - 1]
                cells.append(cell(f"A{r}", k, st["A"]))
                cells.append(cell(f"B{r}", v, s))
            if r == 1:
                cells += [cell("D1", "row_key", st["D1"]), cell("E1", "role", st["E1"]),
                          cell("F1", "cell_hashes", st["F1"])]
            elif r - 2 < len(meta_rows):
                k, role, h = meta_rows[r - 2]
                cells += [cell(f"D{r}", k, st["D"]), cell(f"E{r}", role, st["E"]), cell(f"F{r}", h, st["F"])]
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        head = _DIMENSION.sub(f'<dimension ref="A1:F{n}"/>', self.meta_head, count=1)
        return head + "".join(rows) + self.meta_tail


def _unescape(text: str) -> str:
    from html import unescape

    return unescape(text)
