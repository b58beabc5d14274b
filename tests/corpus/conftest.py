"""Prints the corpus figures (tests/corpus/test_corpus.py) at the end of the run."""

from __future__ import annotations

import sys
from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    mod = sys.modules.get("test_corpus") or next(
        (m for n, m in sys.modules.items() if n.endswith("test_corpus") and hasattr(m, "STATS")), None)
    if mod is None:
        return
    for line in mod.pytest_terminal_summary_lines():
        terminalreporter.write_line(line)
