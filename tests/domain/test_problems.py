"""The problem catalogue: one code per fault, a Vietnamese label for each, and no code
used anywhere in the code base that the catalogue does not know."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError

import parc_xl
from parc_xl.domain.problems import CATALOGUE, Problem, Severity, error, errors_first, label, warning

SOURCE = Path(parc_xl.__file__).parent

# call name -> position of the code argument
_CODE_ARG = {"error": 0, "warning": 0, "err": 0, "warn": 0, "_refuse": 1, "DateResult": 1, "FigureResult": 1}


def _codes_in_source() -> dict[str, list[str]]:
    """Every literal problem code passed to a problem-making call, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = list(node.args)
            pos = _CODE_ARG.get(name or "")
            literal = None
            if pos is not None and len(args) > pos and isinstance(args[pos], ast.Constant):
                literal = args[pos].value
            for kw in node.keywords:
                if name == "Problem" and kw.arg == "code" and isinstance(kw.value, ast.Constant):
                    literal = kw.value.value
            if isinstance(literal, str) and literal:
                found.setdefault(literal, []).append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_every_code_used_in_the_code_base_is_catalogued() -> None:
    used = _codes_in_source()
    assert len(used) > 50  # the scan really sees the checks
    missing = {c: where for c, where in used.items() if c not in CATALOGUE}
    assert missing == {}, "add these codes to parc_xl/domain/problems.py CATALOGUE"


def test_one_code_per_fault_the_unknown_unit() -> None:
    used = _codes_in_source()
    assert "unit-unknown" in used and "unknown-unit" not in used and "unknown-unit" not in CATALOGUE


def test_labels_are_vietnamese_and_distinct() -> None:
    labels = [t.label for t in CATALOGUE.values()]
    assert all(lbl and unicodedata.is_normalized("NFC", lbl) for lbl in labels)
    assert all(code not in t.label for code, t in CATALOGUE.items())
    assert len(set(labels)) == len(labels), "two codes would look the same to people"


def test_problem_refuses_unknown_codes_and_keywords() -> None:
    with pytest.raises(ValidationError):
        error("no-such-code", "x")
    with pytest.raises(ValidationError):
        Problem(code="date-invalid", severity=Severity.ERROR, message="x", row=5)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        warning("date-invalid", "x", shet="Báo cáo")


def test_people_see_the_label_json_keeps_the_code() -> None:
    p = error("progress-invalid", 'Ô I5 (Tiến độ): "xong" không có trong danh sách.', sheet="Báo cáo", cell="I5")
    assert str(p) == 'Lỗi (Tiến độ không hợp lệ) Báo cáo!I5: Ô I5 (Tiến độ): "xong" không có trong danh sách.'
    assert "progress-invalid" not in str(p)
    assert p.model_dump(mode="json")["code"] == "progress-invalid"
    assert label("unit-group-guessed") == "Nhóm đơn vị suy ra từ kế hoạch"


def test_templates_fill_the_shared_message() -> None:
    p = error("unit-unknown", params={"unit": "PXYZ"}, file="a.xlsx")
    assert p.message == "Mã đơn vị «PXYZ» trong tệp không có trong danh mục đơn vị của sổ theo dõi."
    assert "Tệp › Lưu thành" in CATALOGUE["xls-format"].message(file="a.xls")
    with pytest.raises(ValueError):
        error("progress-invalid")  # no template: the call site must say what is wrong


def test_no_english_excel_menu_names_in_messages() -> None:
    english = ("File ›", "Save As", "Unhide", "Unmerge", "Protect Workbook", "Merge & Center")
    hits = [f"{p.relative_to(SOURCE)}: {w}" for p in SOURCE.rglob("*.py")
            for w in english if w in p.read_text(encoding="utf-8")]
    assert hits == []


def test_errors_come_first_in_found_order() -> None:
    ps = [warning("not-reported", "w1"), error("date-invalid", "e1"), warning("figure-missing", "w2"),
          error("evidence-missing", "e2")]
    assert [p.message for p in errors_first(ps)] == ["e1", "e2", "w1", "w2"]


def test_one_json_shape_for_a_problem() -> None:
    """validate's "issues" and merge's "issues"/"warnings" are this record, key for key."""
    p = warning("progress-synonym", "m", file="a.xlsx", sheet="Báo cáo", cell="H7", task_key="K1", value="xong")
    assert p.to_json() == {"code": "progress-synonym", "severity": "warning", "sheet": "Báo cáo", "cell": "H7",
                           "task_key": "K1", "message": "m"}
    assert list(p.to_json()) == ["code", "severity", "sheet", "cell", "task_key", "message"]
