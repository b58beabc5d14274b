"""Stamped unit workbooks (io/unit_stamp.py) are the workbooks `write_unit_book` writes:
same cell values and types, styles, row heights, column widths, merges, data validations,
protection, print setup, hidden metadata and MAC; validate and merge accept them."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from parc_xl.domain.assignments import unit_tasks, units_with_tasks
from parc_xl.domain.fingerprint import plan_fingerprint
from parc_xl.domain.models import Plan, Registry, Task
from parc_xl.domain.periods import Period
from parc_xl.io import unit_book as ub
from parc_xl.io.unit_stamp import NotStampable, Template
from parc_xl.jobs import units_generate
from parc_xl.jobs.validate import check_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unit_books import PERIOD, YEAR, make_plan, make_registry  # noqa: E402

KEY = "5f" * 32
AT = dt.datetime(YEAR, 3, 1, 8, 30)


def tricky_plan() -> Plan:
    """make_plan plus texts Excel would take for formulas, targets, spaces and line breaks."""
    plan = make_plan()
    extra = [
        Task(key="4.1", stt="4.1", area="4", task="= 100% hồ sơ được số hóa\nvà lưu trữ điện tử",
             product="+ Báo cáo", lead="Các cơ quan", deadline_text="-  Quý II", lead_units=["G_CQ", "G_XA"]),
        Task(key="4.2", stt="4.2", area="4", task="  Tỷ lệ hài lòng đạt 95% trở lên  ", product="@Báo cáo",
             lead="Các cơ quan", deadline_text="Thường xuyên", lead_units=["PNV"], coord_units=["G_XA"]),
    ]
    return plan.model_copy(update={"tasks": [*plan.tasks, *extra]})


def _style(c: Any) -> tuple[Any, ...]:
    f, a, b = c.font, c.alignment, c.border
    return (f.name, f.sz, f.b, f.i, f.color.rgb if f.color is not None else None,
            c.fill.fill_type, c.fill.fgColor.rgb, b.left.style, b.right.style, b.top.style, b.bottom.style,
            a.horizontal, a.vertical, a.wrap_text, c.protection.locked, c.number_format, c.quotePrefix)


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a unit sees or the merge checks in a unit workbook, as plain data."""
    wb = load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames, "lock": wb.security.lockStructure, "active": wb.active.title}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.data_type, _style(c)) for row in ws.iter_rows() for c in row
                 if c.value is not None or c.has_style}
        dvs = sorted((str(d.sqref), d.type, d.operator, d.formula1, d.formula2, d.allow_blank, d.showErrorMessage,
                      d.errorStyle, d.errorTitle, d.error, d.showInputMessage, d.promptTitle, d.prompt)
                     for d in ws.data_validations.dataValidation)
        out[ws.title] = {
            "cells": cells, "dims": ws.dimensions, "dvs": dvs,
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "state": ws.sheet_state, "protected": ws.protection.sheet,
            "format_rows": ws.protection.formatRows, "format_columns": ws.protection.formatColumns,
            "freeze": ws.freeze_panes, "titles": ws.print_title_rows, "area": ws.print_area,
            "page": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                     ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage
                     if ws.sheet_properties.pageSetUpPr else None),
            "margins": (ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom),
            "footer": ws.oddFooter.center.text, "grid": ws.sheet_view.showGridLines,
        }
    return out


def written_and_stamped(tmp_path: Path, plan: Plan, registry: Registry | None = None) -> list[tuple[str, Path, Path]]:
    """(unit, written by write_unit_book, stamped from the first unit's workbook) per unit."""
    registry = registry or make_registry()
    per = Period.parse(PERIOD)
    fp = plan_fingerprint(plan)
    codes = [u.code for u in registry.units if u.code in set(units_with_tasks(plan, registry))]
    first = codes[0]
    tpl_path = ub.write_unit_book(tmp_path / "w" / f"{first}.xlsx", plan, registry, first, per,
                                  unit_tasks(plan, registry, first), fp, ub.TEMPLATE_VERSION, AT, mac_key=KEY)
    template = Template(tpl_path, plan, registry, first, per, unit_tasks(plan, registry, first))
    out = []
    for code in codes[1:]:
        tasks = unit_tasks(plan, registry, code)
        w = ub.write_unit_book(tmp_path / "w" / f"{code}.xlsx", plan, registry, code, per, tasks, fp,
                               ub.TEMPLATE_VERSION, AT, mac_key=KEY)
        try:
            s = template.stamp(tmp_path / "s" / f"{code}.xlsx", plan, registry, code, tasks, fp,
                               ub.TEMPLATE_VERSION, AT, KEY)
        except NotStampable:
            continue
        out.append((code, w, s))
    return out


@pytest.mark.parametrize("plan", [make_plan(), tricky_plan()], ids=["plan", "tricky"])
def test_a_stamped_book_is_the_written_book(tmp_path: Path, plan: Plan) -> None:
    pairs = written_and_stamped(tmp_path, plan)
    assert len(pairs) >= 2  # PTP and the communes are stamped from PNV's book
    for code, written, stamped in pairs:
        a, b = snapshot(written), snapshot(stamped)
        for key in a:
            assert a[key] == b[key], f"{code}: {key} differs"


LONG_NAME = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Hóc Môn, Thành phố Hồ Chí Minh"


def test_a_long_unit_name_wraps_in_the_guide(tmp_path: Path, soffice: str) -> None:
    """The guide's last line names the unit: with a long name it wraps inside the page (it
    was cut at the right edge), in the written template and in every stamped book alike."""
    base = make_registry()
    registry = base.model_copy(update={"units": [u.model_copy(update={"name": LONG_NAME}) if u.code == "PTP" else u
                                                 for u in base.units]})
    pairs = written_and_stamped(tmp_path, make_plan(), registry)
    written, stamped = next((w, s) for code, w, s in pairs if code == "PTP")
    assert snapshot(written) == snapshot(stamped)
    guide = load_workbook(stamped)[ub.SHEET_GUIDE]
    last = guide.max_row
    line = f"Đơn vị: {LONG_NAME} (mã PTP) — Kỳ báo cáo: Quý I/{YEAR}"
    assert guide.cell(row=last, column=1).value == line and guide.cell(row=last, column=1).alignment.wrap_text
    assert guide.row_dimensions[last].height == 2 * 17 + 4  # two lines of 12 pt
    # and printed: the whole line is on the page
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(stamped)], check=True, capture_output=True, timeout=180)
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "PTP.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    assert " ".join(page.split()).count(f"Kỳ báo cáo: Quý I/{YEAR}") == 1
    assert "Hồ Chí Minh (mã PTP)" in " ".join(page.split())
    short = load_workbook(next(s for code, _, s in pairs if code != "PTP"))[ub.SHEET_GUIDE]
    assert short.row_dimensions[short.max_row].height == 17 + 4


def test_stamped_metadata_and_mac_are_the_writers(tmp_path: Path) -> None:
    plan = tricky_plan()
    for code, written, stamped in written_and_stamped(tmp_path, plan):
        rw, rs = ub.read_unit_book(written), ub.read_unit_book(stamped)
        assert rs.meta == rw.meta and rs.meta["unit"] == code
        assert rs.meta_rows == rw.meta_rows and rs.meta_digest == rw.meta_digest and rs.mac == rw.mac
        assert ub.mac_matches(KEY, rs.meta, rs.meta_rows, rs.mac)
        assert rs.rows == rw.rows and rs.header == rw.header
        report = check_file(stamped, plan, make_registry(), dt.date(YEAR, 3, 20), mac_key=KEY)
        assert report.readable and not [p for p in report.problems if p.severity.value == "error"], report.problems


def test_generate_stamps_every_unit_after_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    real = ub.write_unit_book

    def counting(path: Path, *args: Any, **kw: Any) -> Path:
        written.append(Path(path).name)
        return real(path, *args, **kw)

    monkeypatch.setattr(units_generate, "write_unit_book", counting)
    res = units_generate.generate(tricky_plan(), make_registry(), PERIOD, tmp_path, mac_key=KEY, generated_at=AT)
    assert len(res.generated) >= 3
    assert written == [Path(res.generated[0].file).name]  # only the template is written by openpyxl
    for g in res.generated:
        assert ub.read_unit_book(Path(g.file)).meta["unit"] == g.unit


def test_a_unit_the_template_cannot_show_is_written(tmp_path: Path) -> None:
    """The template unit only leads: a coordinating row's plain role style is not in it."""
    plan = make_plan()
    registry = make_registry()
    per = Period.parse(PERIOD)
    fp = plan_fingerprint(plan)
    lead_only = [(t, r) for t, r in unit_tasks(plan, registry, "PNV") if r == "Chủ trì"]
    tpl = ub.write_unit_book(tmp_path / "t.xlsx", plan, registry, "PNV", per, lead_only, fp, mac_key=KEY)
    template = Template(tpl, plan, registry, "PNV", per, lead_only)
    with pytest.raises(NotStampable):
        template.stamp(tmp_path / "x.xlsx", plan, registry, "XA1", unit_tasks(plan, registry, "XA1"), fp,
                       ub.TEMPLATE_VERSION, AT, KEY)
