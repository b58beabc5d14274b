"""Golden-file comparison (XlsxWriter's habit, ../shared/STYLE.md): a workbook we write is
unzipped beside a reviewed reference under tests/golden/<layout>/ and compared part by part,
after removing what always differs between two runs:

- `docProps/core.xml`'s created/modified times;
- SHA-256 digests and MACs (64 hex digits: the per-master secret makes every MAC new);
- ISO timestamps written as text (a unit workbook's `generated_at`).

XML parts are compared as pretty-printed text (attribute order and namespace prefixes as
written), so a failure shows a readable diff of the part that changed.

To regenerate the references after a reviewed layout change:

    PARC_XL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

then look at the diff (`git diff tests/golden`) and open the workbooks in Excel or
LibreOffice before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_ENV = "PARC_XL_UPDATE_GOLDEN"

_CORE_TIMES = re.compile(r"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
_DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
_ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")


def scrub(name: str, data: bytes) -> bytes:
    """A part as compared: volatile values replaced, XML pretty-printed."""
    if not name.endswith((".xml", ".rels", ".vml")):
        return data
    root = etree.fromstring(data)
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    if name == "docProps/core.xml":
        text = _CORE_TIMES.sub(r"<dcterms:\1>…</dcterms:\1>", text)
    text = _DIGEST.sub("<sha256>", text)
    text = _ISO_TIME.sub("<time>", text)
    return text.encode("utf-8")


def _parts(xlsx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlsx) as zf:
        return {i.filename: scrub(i.filename, zf.read(i.filename)) for i in zf.infolist() if not i.is_dir()}


def assert_matches_golden(xlsx: Path, layout: str) -> None:
    """`xlsx` has the parts of tests/golden/<layout>/, each equal after `scrub`; with
    PARC_XL_UPDATE_GOLDEN=1 the reference is rewritten from `xlsx` instead."""
    reference = GOLDEN / layout
    parts = _parts(xlsx)
    if os.environ.get(UPDATE_ENV) == "1":
        shutil.rmtree(reference, ignore_errors=True)
        for name, data in parts.items():
            target = reference / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return
    assert reference.is_dir(), f"no reference {reference}: run with {UPDATE_ENV}=1 once, review, commit"
    expected = {p.relative_to(reference).as_posix(): p.read_bytes() for p in reference.rglob("*") if p.is_file()}
    missing, extra = sorted(set(expected) - set(parts)), sorted(set(parts) - set(expected))
    assert not missing and not extra, f"{layout}: parts missing {missing}, parts not in the reference {extra}"
    for name in sorted(expected):
        if parts[name] == expected[name]:
            continue
        diff = difflib.unified_diff(
            expected[name].decode("utf-8", "replace").splitlines(),
            parts[name].decode("utf-8", "replace").splitlines(),
            f"golden/{layout}/{name}", f"{xlsx.name}/{name}", lineterm="", n=2)
        shown = "\n".join(list(diff)[:40])
        raise AssertionError(f"{layout}: part {name} differs from the reference "
                             f"(regenerate with {UPDATE_ENV}=1 after review)\n{shown}")
