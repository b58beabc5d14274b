"""Golden files: the unit workbook and the master as the import creates it, compared part by
part with their reviewed references in tests/golden/ (helper and how to regenerate:
tests/golden_files.py)."""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from parc_xl.jobs import units_generate

sys.path.insert(0, str(Path(__file__).resolve().parent))

from golden_files import assert_matches_golden, scrub  # noqa: E402
from office import make_office  # noqa: E402


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("golden")
    master = make_office(folder / "office")
    pristine = folder / "so_theo_doi_moi.xlsx"
    shutil.copy2(master, pristine)  # the master as imported (units generate may add its MAC secret)
    res = units_generate.run(master, "2026-Q1", folder / "units", ["PNV"])
    assert res.exit_code == 0, res.summary_vi()
    return {"master": pristine, "unit": Path(res.generated[0].file)}


def test_master_as_imported_matches_its_reference(office: dict[str, Path]) -> None:
    assert_matches_golden(office["master"], "master")


def test_unit_workbook_matches_its_reference(office: dict[str, Path]) -> None:
    assert_matches_golden(office["unit"], "unit_book")


def _rewrite(src: Path, dest: Path, part: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(info, data)


def test_a_changed_cell_fails_the_comparison_and_names_the_part(office: dict[str, Path], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARC_XL_UPDATE_GOLDEN", raising=False)
    changed = tmp_path / "doi.xlsx"
    # the unit's code in the title row of «Báo cáo» (sheet1), as a clerk would notice it
    _rewrite(office["unit"], changed, "xl/worksheets/sheet1.xml", b"PNV)", b"PTP)")
    with pytest.raises(AssertionError, match=r"unit_book: part xl/worksheets/sheet1.xml differs") as err:
        assert_matches_golden(changed, "unit_book")
    assert "+" in str(err.value) and "(mã PTP)" in str(err.value)  # the diff shows the changed line


def test_a_missing_part_fails_the_comparison(office: dict[str, Path], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARC_XL_UPDATE_GOLDEN", raising=False)
    smaller = tmp_path / "thieu.xlsx"
    with zipfile.ZipFile(office["unit"]) as zin, zipfile.ZipFile(smaller, "w") as zout:
        for info in zin.infolist():
            if info.filename != "docProps/app.xml":
                zout.writestr(info, zin.read(info.filename))
    with pytest.raises(AssertionError, match=r"parts missing \['docProps/app.xml'\]"):
        assert_matches_golden(smaller, "unit_book")


def test_only_what_always_differs_is_scrubbed() -> None:
    core = (b'<cp:coreProperties xmlns:cp="urn:cp" xmlns:dcterms="urn:dc"><dcterms:created>2026-12-03T13:39:30Z'
            b'</dcterms:created><dcterms:modified>2026-12-04T08:00:00Z</dcterms:modified></cp:coreProperties>')
    assert b"2026" not in scrub("docProps/core.xml", core)
    sheet = (b'<worksheet xmlns="urn:s"><c r="B15"><is><t>' + b"ab" * 32 + b"</t></is></c>"
             b'<c r="B16"><is><t>15/03/2026</t></is></c><c r="B17"><v>2</v></c></worksheet>')
    out = scrub("xl/worksheets/sheet3.xml", sheet).decode()
    assert "<sha256>" in out and "ab" * 32 not in out
    assert "15/03/2026" in out and "<v>2</v>" in out  # dates and values people see are compared
