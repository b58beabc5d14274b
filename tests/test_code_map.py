"""README «Cấu trúc mã» answers "where is the rule for X?": every module it names exists,
so a rule moved in a refactor cannot leave the map pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## Cấu trúc mã")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_every_module_the_code_map_names_exists() -> None:
    named = set(re.findall(r"`((?:parc_xl/)?(?:domain|io|jobs|excel|addin|tests)/[\w/]+\.py)", _section()))
    assert len(named) >= 30  # the rule table, not a stray mention
    missing = sorted(n for n in named if not (REPO / n).is_file() and not (REPO / "parc_xl" / n).is_file())
    assert missing == [], f"README «Cấu trúc mã» names modules that do not exist: {missing}"
