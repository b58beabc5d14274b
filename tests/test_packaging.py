"""What a plain `pip install .` (no extras) must bring: every third-party module the
package imports at run time is a declared dependency, and `python -m parc_xl` works
(Windows installs where `Scripts\\` is not on PATH)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# imported only on Windows inside Excel, or from the system Python of LibreOffice
PLATFORM_ONLY = {"uno", "unohelper", "com", "win32com", "pythoncom", "pywintypes", "winreg", "msvcrt", "_winapi"}


def _top_level_imports() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((REPO / "parc_xl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return found


def test_every_runtime_import_is_a_declared_dependency() -> None:
    declared = {re.split(r"[<>=!~\[ ;]", d)[0].lower().replace("_", "-")
                for d in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]}
    dists = packages_distributions()
    undeclared = {}
    for module, where in _top_level_imports().items():
        if module in sys.stdlib_module_names or module == "parc_xl" or module in PLATFORM_ONLY:
            continue
        owners = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not owners & declared:
            undeclared[module] = where
    assert not undeclared, f"imported but only in extras (or nowhere): {undeclared}"


def test_python_dash_m_parc_xl_runs_the_cli() -> None:
    run = subprocess.run([sys.executable, "-m", "parc_xl", "--version"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "0." in run.stdout + run.stderr


def test_every_package_and_the_shipped_add_in_are_in_the_wheel_config() -> None:
    """pyproject lists its packages (the add-in rides along as the data-only package
    parc_xl.shipped, mapped to workbooks/): a new package under parc_xl/ missing from the
    list would be left out of the wheel."""
    setuptools_cfg = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "parc_xl").rglob("__init__.py")}
    listed = set(setuptools_cfg["packages"])
    assert on_disk - listed == set(), f"packages missing from pyproject [tool.setuptools] packages: {on_disk - listed}"
    assert listed - on_disk == {"parc_xl.shipped"}
    shipped = REPO / setuptools_cfg["package-dir"]["parc_xl.shipped"]
    assert sorted(setuptools_cfg["package-data"]["parc_xl.shipped"]) == ["parc_xl.oxt", "parc_xl.xlam"]
    assert all((shipped / name).is_file() for name in setuptools_cfg["package-data"]["parc_xl.shipped"])
    assert "data-files" not in setuptools_cfg
