"""Phần bổ trợ: build the Excel .xlam or the LibreOffice .oxt from macros/ (any OS) and
install it (Excel on Windows; LibreOffice through unopkg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import parc_xl
from parc_xl.addin import build as addin_build
from parc_xl.addin import oxt
from parc_xl.errors import InputError
from parc_xl.jobs._common import JobResult


class AddinResult(JobResult):
    action: str  # "build" | "install"
    path: str = ""
    lines: list[str] = []

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "path": self.path, "messages": self.lines,
                "parc_xl_version": parc_xl.__version__, "xlwings_version": addin_build.xlwings_version()}

    def summary_vi(self) -> str:
        return "\n".join(self.lines)


def build(output: Path, macros: Path | None = None, target: str = "excel") -> AddinResult:
    if target == "libreoffice":
        try:
            path = oxt.build(Path(output), addin_build.find_macros(macros))
        except (oxt.OxtError, addin_build.AddinError) as exc:
            raise InputError(str(exc)) from exc
        return AddinResult(action="build", path=str(path),
                           lines=[f"Đã dựng phần mở rộng LibreOffice: {path} (parc-xl {parc_xl.__version__})"])
    try:
        path = addin_build.build(Path(output), macros)
    except addin_build.AddinError as exc:
        raise InputError(str(exc)) from exc
    line = (f"Đã dựng phần bổ trợ: {path} (parc-xl {parc_xl.__version__}, "
            f"xlwings {addin_build.xlwings_version()})")
    return AddinResult(action="build", path=str(path), lines=[line])


def default_extension() -> Path:
    """The .oxt shipped beside the .xlam (source tree, or the wheel's parc_xl/shipped/)."""
    return addin_build.default_addin().with_name("parc_xl.oxt")


def install(addin: Path | None = None, target: str = "excel") -> AddinResult:
    if target == "libreoffice":
        extension = addin or default_extension()
        try:
            lines = oxt.install(extension)
        except oxt.OxtError as exc:
            raise InputError(str(exc)) from exc
        return AddinResult(action="install", path=str(extension), lines=lines)
    try:
        lines = addin_build.install(addin)
    except addin_build.AddinError as exc:
        raise InputError(str(exc)) from exc
    return AddinResult(action="install", path=str(addin or addin_build.default_addin()), lines=lines)
