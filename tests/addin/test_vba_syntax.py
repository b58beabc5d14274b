"""A VBA syntax parse of macros/*.bas (antlr4-vba: the ANTLR grammar of the VBA language
specification [MS-VBAL], pure Python): a missing End Sub, a stray keyword or an unclosed
call fails here instead of as "Compile error" on the clerk's PC. The xlwings module is not
parsed: it is xlwings' own, uses conditional compilation (#If) and Excel compiles it as shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BAS = sorted((REPO / "macros").glob("*.bas"))


def syntax_errors(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every syntax error ANTLR reports in a module's text."""
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4_vba.vbaLexer import vbaLexer
    from antlr4_vba.vbaParser import vbaParser

    class Collect(ErrorListener):
        def __init__(self) -> None:
            self.errors: list[tuple[int, int, str]] = []

        def syntaxError(self, recognizer, symbol, line, column, msg, e):  # type: ignore[no-untyped-def]  # noqa: N802
            self.errors.append((line, column, msg))

    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    found = Collect()
    lexer = vbaLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(found)
    parser = vbaParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(found)
    parser.startRule()
    return found.errors


@pytest.mark.parametrize("path", BAS, ids=lambda p: p.name)
def test_module_parses_as_vba(path: Path) -> None:
    assert syntax_errors(path.read_text(encoding="ascii")) == []


@pytest.mark.parametrize("mutation", [
    ("End Sub\n", "\n"),               # a procedure left open
    ("Dim ", "Dim Dim "),              # a stray keyword
    ('")', '"'),                       # an unclosed call
])
def test_the_parse_catches_a_broken_module(mutation: tuple[str, str]) -> None:
    """The check can fail: the ribbon module with one typical slip is rejected."""
    text = (REPO / "macros" / "CchcRibbon.bas").read_text(encoding="ascii")
    old, new = mutation
    assert old in text
    assert syntax_errors(text.replace(old, new, 1)) != []
