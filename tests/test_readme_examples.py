"""README's command examples are what the commands print today: every line `$ parc-xl …`
in a ```text block of README.md is run, in order, in a fresh demo folder (`parc-xl demo`),
and what it prints (stdout and stderr) must be the lines under it up to the next `$`
line; `…` in a line stands for any text, a line that is only `…` for any lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from parc_xl import cli
from parc_xl.jobs import demo

README = Path(__file__).resolve().parents[1] / "README.md"


def examples() -> list[tuple[list[str], list[str]]]:
    """(arguments after `parc-xl`, expected lines) in README order."""
    out: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```text\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for part in re.split(r"^\$ parc-xl ", block, flags=re.M)[1:]:
            command, *lines = part.rstrip("\n").split("\n")
            out.append((shlex.split(command), lines))
    return out


def pattern(lines: list[str]) -> re.Pattern[str]:
    parts = ["(?:.*\n)*?" if line == "…" else ".*?".join(map(re.escape, line.split("…"))) + "\n"
             for line in lines]
    return re.compile("".join(parts))


def test_there_are_examples_to_check() -> None:
    commands = {args[0] for args, _ in examples()}
    assert {"validate", "report", "demo", "merge", "remind"} <= commands


def test_pattern_is_strict() -> None:
    p = pattern(["Đã nhận 3 tệp.", "…", "- b: … lỗi."])
    assert p.fullmatch("Đã nhận 3 tệp.\n- a\n- b: 2 lỗi.\n")
    assert not p.fullmatch("Đã nhận 4 tệp.\n- b: 2 lỗi.\n")
    assert not p.fullmatch("Đã nhận 3 tệp.\n- b: 2 lỗi.\nthêm\n")


def test_readme_examples_print_what_readme_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "demo_out"
    demo.run(folder)
    (folder / "tai_lieu").mkdir()
    (folder / "tai_lieu" / "ghi_chu.txt").write_text("của người dùng", encoding="utf-8")
    monkeypatch.chdir(folder)
    capsys.readouterr()
    for args, lines in examples():
        cli.main(args)
        got = capsys.readouterr()
        printed = got.out + got.err
        assert pattern(lines).fullmatch(printed), f"$ parc-xl {shlex.join(args)}\n{printed}"
