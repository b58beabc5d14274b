"""Nhập kế hoạch through the CLI, as a clerk or a script runs it: JSON contract, exit
codes, warnings for the seed's known defects, bad input that never leaves a master."""

from __future__ import annotations

import json
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from parc_xl.cli import main
from parc_xl.io import master_layout as L
from parc_xl.samples import SAMPLES_DIR


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def seed(seeds: Path, prefix: str) -> Path:
    return next(seeds.glob(f"{prefix}_*.txt"))


def test_seed_000_imports_with_its_defects_reported(seeds_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    master = tmp_path / "m000.xlsx"
    code, data = run_cli(capsys, "plan", "import", str(seed(seeds_dir, "000")), "--year", "2024", "-o", str(master))
    assert code == 0
    assert len(data["tasks"]) == 89 and len(data["areas"]) == 7
    keys = [t["key"] for t in data["tasks"]]
    assert {"1.1", "1.1#1", "1.6", "1.6#1", "1.14#1", "1.14#4"} <= set(keys) and "1.14" not in keys
    by_key = {t["key"]: t for t in data["tasks"]}
    assert by_key["7.6"]["deadline"]["due"] == "2023-12-31"
    assert by_key["7.11"]["deadline"]["kind"] == "unspecified"
    assert by_key["1.13"]["deadline"]["recurrence"] == "quarterly"
    assert by_key["1.1"]["deadline"] == {
        **by_key["1.1"]["deadline"], "kind": "event", "relative_days": 10, "working_days": True}
    warned = {w["task_key"] for w in data["warnings"] if w["code"] == "deadline"}
    assert {"7.6", "7.11"} <= warned
    assert all(t["lead_units"] for t in data["tasks"]), "every lead cell resolves to a unit or group"
    # the master holds the same plan
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name(L.SHEET_PLAN).to_python()
    assert [r[0] for r in rows[1:]] == keys


def test_seed_003_commune_tasks_resolve_to_the_commune_group(seeds_dir: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_cli(capsys, "plan", "import", str(seed(seeds_dir, "003")), "--year", "2024",
                         "-o", str(tmp_path / "m003.xlsx"))
    assert code == 0
    assert len(data["tasks"]) == 87 and len(data["areas"]) == 7
    groups = {g["code"]: g for g in data["groups"]}
    assert "G_XA" in groups
    commune_tasks = [t for t in data["tasks"] if "xã - thị trấn" in t["lead"]]
    assert commune_tasks and all("G_XA" in t["lead_units"] for t in commune_tasks)
    unresolved_leads = [w for w in data["warnings"] if w["code"] == "unit-unresolved" and "chủ trì" in w["message"]]
    assert unresolved_leads == []
    assert any(w["code"] == "unit-group-empty" for w in data["warnings"]), "the clerk is told to add communes"


def _plan_signature(data: dict) -> list[tuple]:
    return [(t["key"], t["stt"], t["area"], t["task"], t["product"], t["lead"], t["coord"], t["deadline_text"],
             tuple(t["lead_units"])) for t in data["tasks"]]


def test_sample_gives_the_same_plan_from_docx_xlsx_and_text(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    signatures = []
    for name in ("ke_hoach_mau.docx", "ke_hoach_mau.xlsx", "ke_hoach_mau.txt"):
        code, data = run_cli(capsys, "plan", "import", str(SAMPLES_DIR / name), "--year", "2026",
                             "-o", str(tmp_path / f"{name}.xlsx"))
        assert code == 0, data
        signatures.append(_plan_signature(data))
    assert signatures[0] == signatures[1] == signatures[2]
    assert len(signatures[0]) == 42


def test_reimport_into_an_unreported_master_keeps_keys_and_uses_its_registry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = tmp_path / "m.xlsx"
    src = str(SAMPLES_DIR / "ke_hoach_mau.docx")
    _, first = run_cli(capsys, "plan", "import", src, "--year", "2026", "-o", str(master))
    # the clerk renames a unit's code in the registry sheet: the re-import must use it
    wb = load_workbook(master)
    ws = wb[L.SHEET_UNITS]
    ws["E2"] = "phongnv@example.gov.vn"
    wb.save(master)
    code, second = run_cli(capsys, "plan", "import", src, "--year", "2026", "-o", str(master))
    assert code == 0
    assert [t["key"] for t in second["tasks"]] == [t["key"] for t in first["tasks"]]
    assert any(u["email"] == "phongnv@example.gov.vn" for u in second["units"])
    assert list((tmp_path / "sao_luu").glob("m_*.xlsx")), "the previous master was backed up"


def test_master_layout_for_people(tmp_path: Path) -> None:
    master = tmp_path / "m.xlsx"
    assert main(["plan", "import", str(SAMPLES_DIR / "ke_hoach_mau.docx"), "--year", "2026", "-o", str(master)]) == 0
    wb = load_workbook(master)
    assert wb.sheetnames[:4] == [L.SHEET_GUIDE, L.SHEET_UNITS, L.SHEET_GROUPS, L.SHEET_PLAN]
    assert wb[L.SHEET_META].sheet_state == "veryHidden"
    ws = wb[L.SHEET_PLAN]
    assert [c.value for c in ws[1]] == [c.header for c in L.PLAN_COLUMNS]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.print_title_rows == "$1:$1"
    assert ws["D1"].font.name == "Times New Roman" and ws["D2"].alignment.wrap_text
    assert ws.column_dimensions["D"].width >= 50
    track = wb[L.SHEET_TRACKING]
    assert track.conditional_formatting, "status colours are conditional formats"


@pytest.mark.parametrize("make, expected_code, phrase", [
    (lambda p: p / "khong_co.docx", 2, "Không tìm thấy"),
    (lambda p: _write(p / "rac.docx", b"\x00\x01 not a document"), 2, ""),
    (lambda p: _docx_without_table(p / "khong_bang.docx"), 2, "bảng"),
    (lambda p: _xlsx_without_header(p / "khong_tieu_de.xlsx"), 2, ""),
    (lambda p: _write(p / "cu.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600), 2, ""),
    (lambda p: _write(p / "rong.txt", "STT\tNhiệm vụ cụ thể\tSản phẩm\tĐơn vị chủ trì\tĐơn vị phối hợp\t"
                      "Thời gian hoàn thành\n".encode()), 1, ""),
])
def test_bad_input_gives_a_vietnamese_record_and_no_master(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           make, expected_code: int, phrase: str) -> None:
    src = make(tmp_path)
    master = tmp_path / "out.xlsx"
    code, data = run_cli(capsys, "plan", "import", str(src), "--year", "2024", "-o", str(master))
    assert code == expected_code
    assert data["error"]["message"] and phrase in data["error"]["message"]
    assert "Traceback" not in data["error"]["message"]
    assert not master.exists(), "never a partial master"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~parc")]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _docx_without_table(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Kế hoạch cải cách hành chính năm 2024 (không có phụ lục)")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Nơi nhận"
    doc.save(path)
    return path


def _xlsx_without_header(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["Họ tên", "Điểm"])
    wb.active.append(["An", 9])
    wb.save(path)
    return path


def test_nfd_text_and_non_breaking_spaces_are_normalised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (SAMPLES_DIR / "ke_hoach_mau.txt").read_text(encoding="utf-8")
    odd = unicodedata.normalize("NFD", text).replace(" huyện", "\u00a0huyện")
    src = tmp_path / "nfd.txt"
    src.write_text(odd, encoding="utf-8")
    _, plain = run_cli(capsys, "plan", "import", str(SAMPLES_DIR / "ke_hoach_mau.txt"), "--year", "2026",
                       "-o", str(tmp_path / "a.xlsx"))
    code, data = run_cli(capsys, "plan", "import", str(src), "--year", "2026", "-o", str(tmp_path / "b.xlsx"))
    assert code == 0
    assert _plan_signature(data) == _plan_signature(plain)


def test_refuses_to_overwrite_a_file_that_is_not_a_master(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = _xlsx_without_header(tmp_path / "bang_luong.xlsx")
    before = other.read_bytes()
    code, data = run_cli(capsys, "plan", "import", str(SAMPLES_DIR / "ke_hoach_mau.txt"), "--year", "2026",
                         "-o", str(other))
    assert code == 2 and "không ghi đè" in data["error"]["message"]
    assert other.read_bytes() == before


def test_deadline_command_prints_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_cli(capsys, "deadline", "Quý I/2024", "--year", "2024")
    assert code == 0
    assert {k: data[k] for k in ("kind", "first_due", "due", "recurrence", "relative_days", "working_days")} == {
        "kind": "date", "first_due": "2024-03-31", "due": "2024-03-31", "recurrence": None,
        "relative_days": None, "working_days": False}
    assert main(["deadline", "Hàng quý", "--year", "2024"]) == 0
    assert "định kỳ" in capsys.readouterr().out


def test_usage_errors_exit_2_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_cli(capsys, "plan", "import", "x.docx")
    assert code == 2 and data["error"]["code"] == "usage"


@pytest.mark.libreoffice
def test_libreoffice_renders_the_plan_sheet(tmp_path: Path, soffice: str) -> None:
    master = tmp_path / "m.xlsx"
    assert main(["plan", "import", str(SAMPLES_DIR / "ke_hoach_mau.docx"), "--year", "2026", "-o", str(master)]) == 0
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(master)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "m.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Nhiệm vụ" in text and "Err:" not in text and "#NAME" not in text
    with zipfile.ZipFile(master) as zf:
        assert all("<f>" not in zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
