"""One function per CCHC toolbar entry: ask for what the Excel ribbon's VBA asks for
(macros/CchcRibbon.bas: the same pickers, titles and filters), then run the ribbon's
handler through the LibreOffice bridge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from parc_xl.libreoffice.dialogs import Dialogs, Filters, from_environment

PLAN_FILTERS: Filters = [("Phụ lục kế hoạch (Word, Excel, văn bản, PDF)", "*.docx;*.xlsx;*.txt;*.pdf"),
                         ("Tất cả các tệp", "*.*")]
XLSX_FILTERS: Filters = [("Excel (*.xlsx)", "*.xlsx")]
DOCX_FILTERS: Filters = [("Word (*.docx)", "*.docx")]

Picker = Callable[[Dialogs], dict[str, Any] | None]  # None: the clerk cancelled


def _plan_import(d: Dialogs) -> dict[str, Any] | None:
    picked = d.pick_files("Chọn phụ lục kế hoạch (Word, Excel hoặc văn bản)", PLAN_FILTERS, False)
    if not picked:
        return None
    target = d.pick_save("Lưu sổ tổng hợp mới", "SoTongHop_CCHC.xlsx", XLSX_FILTERS)
    return None if target is None else {"source": picked[0], "output": target}


def _plan_amend(d: Dialogs) -> dict[str, Any] | None:
    picked = d.pick_files("Chọn phụ lục kế hoạch đã điều chỉnh", PLAN_FILTERS, False)
    return {"source": picked[0]} if picked else None


def _units_generate(d: Dialogs) -> dict[str, Any] | None:
    folder = d.pick_folder("Chọn thư mục để lưu mẫu của các đơn vị")
    return None if folder is None else {"out_dir": folder}


def _validate(d: Dialogs) -> dict[str, Any] | None:
    picked = d.pick_files("Chọn các tệp báo cáo của đơn vị cần kiểm tra", XLSX_FILTERS, True)
    return {"files": picked} if picked else None


def _merge(d: Dialogs) -> dict[str, Any] | None:
    folder = d.pick_folder("Chọn thư mục chứa báo cáo đơn vị gửi về")
    return None if folder is None else {"inbox": folder}


def _remind(d: Dialogs) -> dict[str, Any] | None:
    folder = d.pick_folder("Chọn thư mục để lưu văn bản đôn đốc")
    return None if folder is None else {"out_dir": folder}


def _report(d: Dialogs) -> dict[str, Any] | None:
    target = d.pick_save("Lưu báo cáo Word", "BaoCao_CCHC.docx", DOCX_FILTERS)
    return None if target is None else {"output": target}


def _nothing(d: Dialogs) -> dict[str, Any] | None:
    return {}


PICKERS: dict[str, Picker] = {
    "plan_import": _plan_import,
    "plan_amend": _plan_amend,
    "units_generate": _units_generate,
    "validate": _validate,
    "merge": _merge,
    "status": _nothing,
    "remind": _remind,
    "report": _report,
    "check_install": _nothing,
}


def run(ctx: Any, frame: Any, command: str) -> Any:
    """The toolbar entry `command` (a ribbon button id) in the Calc window `frame`."""
    from parc_xl.excel import handlers
    from parc_xl.libreoffice.bridge import UnoBridge

    dialogs = from_environment(ctx, frame)
    bridge = UnoBridge(ctx, frame, dialogs)
    picker = PICKERS.get(command)
    if picker is None:  # dispatch says which button this build lacks
        return handlers.dispatch(command, bridge=bridge)
    args = picker(dialogs)
    if args is None:
        return None
    if command == "check_install":
        args["addin_path"] = extension_path(ctx)
    return handlers.dispatch(command, bridge=bridge, **args)


def extension_path(ctx: Any) -> Path | None:
    import uno

    try:
        provider = ctx.getValueByName("/singletons/com.sun.star.deployment.PackageInformationProvider")
        url = provider.getPackageLocation("org.parcxl.cchc")
        return Path(uno.fileUrlToSystemPath(url)) if url else None
    except Exception:  # noqa: BLE001 - only shown as information
        return None
