"""Ribbon handlers: one per button of the "CCHC" tab, dispatched by the button's id.

VBA (macros/CchcRibbon.bas) calls `from_vba(addin_version, xlwings_version, button_id,
name, hexvalue, ...)` through xlwings' RunPython; tests call `dispatch(button_id,
bridge=fake, **args)`. A handler finds the calling book, makes sure it is saved, asks for
the period or date, runs the job and shows the outcome; everything Excel-specific goes
through `bridge.Bridge`, every job is the same one the CLI runs.

Jobs that rewrite the open workbook (merge, status, report) do not fight Excel for the
file. Decision: **save, close, run, reopen**. The handler saves the book (after asking; if
the clerk declines, nothing runs), closes it so Excel releases the file and its `~$`
owner file, runs the job on the file on disk (the job writes atomically and keeps a
backup in `sao_luu/`), and reopens the book whatever happened. Applying the result
through xlwings instead would mean a second writer for every sheet the jobs own; this way
the master is written by one code path (the jobs, tested on files), no unsaved work is
lost, and Excel never shows "file in use".
"""

from __future__ import annotations

import datetime as dt
import importlib
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import parc_xl
from parc_xl.errors import ParcError
from parc_xl.excel.bridge import Bridge
from parc_xl.io import master_layout as layout

VALIDATE_SHEET = "Kết quả kiểm tra"
VALIDATE_HEADER = ["Tệp", "Đơn vị", "Kỳ", "Mức độ", "Trang", "Ô", "Nhiệm vụ", "Nội dung"]
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}
MAX_ASKS = 3
LOG_DIR = Path(tempfile.gettempdir()) / "parc_xl"
MAIL_QUESTION = ("Tạo thêm cho mỗi đơn vị một thư nháp (.eml) gửi tới địa chỉ Thư điện tử trong danh mục, "
                 "đính kèm tệp mẫu, để mở bằng Outlook hoặc Thunderbird rồi bấm Gửi?")


class Cancelled(Exception):
    """The clerk cancelled a question; the handler stops quietly."""


# --- what the clerk is asked -----------------------------------------------------------


def ask_period(bridge: Bridge, today: dt.date) -> str:
    from parc_xl.domain.periods import Period, working_period

    prompt = (
        "Kỳ báo cáo (ví dụ 2024-Q1 = quý I, 2024-H1 = 6 tháng, 2024-Q3 = 9 tháng, "
        "2024-Y = cả năm):"
    )
    default = working_period(today).code
    for _ in range(MAX_ASKS):
        answer = bridge.ask(prompt, default)
        if answer is None:
            raise Cancelled
        try:
            return Period.parse(answer).code
        except ValueError as exc:
            bridge.alert(str(exc), "warning")
            default = answer
    raise Cancelled


def ask_date(bridge: Bridge, prompt: str, today: dt.date) -> dt.date:
    from parc_xl.domain.calendar import parse_user_date

    default = today.strftime("%d/%m/%Y")
    for _ in range(MAX_ASKS):
        answer = bridge.ask(prompt, default)
        if answer is None:
            raise Cancelled
        try:
            return parse_user_date(answer)
        except ValueError as exc:
            bridge.alert(str(exc), "warning")
            default = answer
    raise Cancelled


def ask_year(bridge: Bridge, today: dt.date) -> int:
    default = str(today.year)
    for _ in range(MAX_ASKS):
        answer = bridge.ask("Năm của kế hoạch (ví dụ 2024):", default)
        if answer is None:
            raise Cancelled
        if answer.strip().isdigit() and 2000 <= int(answer) <= 2100:
            return int(answer)
        bridge.alert(f"Năm «{answer}» không hợp lệ: cần bốn chữ số, ví dụ 2024.", "warning")
        default = answer
    raise Cancelled


# --- the calling book ------------------------------------------------------------------


def saved_book(bridge: Bridge, book: Any, doing: str) -> Path:
    """The book's path once it has no unsaved changes; asks to save, refuses otherwise."""
    path = bridge.path(book)
    if path is None:
        bridge.alert(
            f"Sổ này chưa được lưu thành tệp trên máy. Hãy lưu sổ (Tệp → Lưu thành) rồi bấm "
            f"lại để {doing}.",
            "warning",
        )
        raise Cancelled
    if bridge.is_dirty(book):
        answer = bridge.alert(
            f"Sổ {path.name} có thay đổi chưa lưu. Lưu ngay để {doing}?", "warning", "yes_no"
        )
        if answer != "yes":
            bridge.alert(f"Chưa {doing}: sổ còn thay đổi chưa lưu. Không có gì bị thay đổi.", "info")
            raise Cancelled
        bridge.save(book)
    return path


@contextmanager
def book_closed(bridge: Bridge, book: Any, path: Path) -> Iterator[dict[str, Any]]:
    """Close the (saved) book while the job rewrites its file; reopen it in any case.
    The reopened book is put in the yielded dict under "book"."""
    reopened: dict[str, Any] = {}
    bridge.close(book)
    try:
        yield reopened
    finally:
        reopened["book"] = bridge.open(path)


@contextmanager
def busy(bridge: Bridge, text: str) -> Iterator[None]:
    bridge.status(f"CCHC: {text}…")
    try:
        yield
    finally:
        bridge.status(None)


def job(name: str) -> Any:
    """The job module `parc_xl.jobs.<name>`; a clear message if this build lacks it."""
    module = f"parc_xl.jobs.{name}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            raise ParcError(f"Chức năng «{name}» chưa có trong bản parc-xl đang cài ({parc_xl.__version__}).") from exc
        raise


MAX_ALERT = 900  # Excel's MsgBox shows at most about 1,024 characters


def fit_alert(text: str, name: str) -> str:
    """Long summaries: the first lines in the box, the whole text in a file it names."""
    if len(text) <= MAX_ALERT:
        return text
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    full = LOG_DIR / f"ket_qua_{dt.datetime.now():%Y%m%d-%H%M%S}_{name}.txt"
    full.write_text(text, encoding="utf-8-sig")
    head = text[:MAX_ALERT].rsplit("\n", 1)[0]
    return f"{head}\n…\nXem đầy đủ trong tệp {full}"


def show(bridge: Bridge, result: Any) -> None:
    text = fit_alert(result.summary_vi(), type(result).__name__)
    bridge.alert(text, "info" if result.exit_code == 0 else "warning")


def activate_first(bridge: Bridge, book: Any, *sheets: str) -> None:
    names = bridge.sheet_names(book)
    for sheet in sheets:
        if sheet in names:
            bridge.activate(book, sheet)
            return


# --- one handler per button ------------------------------------------------------------


def plan_import(bridge: Bridge, source: Path, output: Path, today: dt.date, units: Path | None = None) -> Any:
    year = ask_year(bridge, today)
    book = bridge.caller()
    if bridge.path(book) == output:  # re-importing into the master that is open
        path = saved_book(bridge, book, "nhập lại kế hoạch")
        with busy(bridge, "đang nhập kế hoạch"), book_closed(bridge, book, path):
            result = job("plan_import").run(source=source, year=year, output=output, units=units)
    else:
        with busy(bridge, "đang nhập kế hoạch"):
            result = job("plan_import").run(source=source, year=year, output=output, units=units)
        bridge.open(output)
    show(bridge, result)
    return result


def plan_amend(bridge: Bridge, source: Path, today: dt.date) -> Any:
    """Preview the amendment on the open master, ask for its date and reference, confirm,
    then apply it (save, close, run, reopen). Unsure or ambiguous matches: shown, nothing written."""
    book = bridge.caller()
    master = saved_book(bridge, book, "điều chỉnh kế hoạch")
    with busy(bridge, "đang so khớp kế hoạch điều chỉnh"):
        preview = job("plan_amend").run(master=master, source=source, dry_run=True)
    if preview.diff.ambiguous or preview.diff.uncertain:
        bridge.alert(fit_alert(preview.summary_vi() + "\n\nSổ chưa thay đổi. Hãy sửa tệp điều chỉnh, hoặc xác nhận "
                               "từng cặp bằng lệnh parc-xl plan amend … --match / --separate.", "plan_amend"),
                     "warning")
        return preview
    effective = ask_date(bridge, "Ngày văn bản điều chỉnh có hiệu lực (ngày/tháng/năm):", today)
    reference = bridge.ask("Số, ngày của văn bản điều chỉnh (ví dụ: Quyết định số 123/QĐ-UBND ngày 15/6/2026):",
                           preview.reference)
    if reference is None:
        raise Cancelled
    answer = bridge.alert(fit_alert(preview.summary_vi() + "\n\nGhi các thay đổi này vào sổ?", "plan_amend"),
                          "warning", "yes_no")
    if answer != "yes":
        bridge.alert("Chưa điều chỉnh kế hoạch: sổ không thay đổi.", "info")
        raise Cancelled
    with busy(bridge, "đang điều chỉnh kế hoạch"), book_closed(bridge, book, master) as after:
        result = job("plan_amend").run(master=master, source=source, reference=reference, effective=effective)
    activate_first(bridge, after["book"], layout.SHEET_PLAN)
    show(bridge, result)
    return result


def units_generate(bridge: Bridge, out_dir: Path, today: dt.date) -> Any:
    master = saved_book(bridge, bridge.caller(), "tạo mẫu đơn vị")
    period = ask_period(bridge, today)
    mail = bridge.alert(MAIL_QUESTION, "info", "yes_no") == "yes"
    with busy(bridge, "đang tạo mẫu cho các đơn vị"):
        result = job("units_generate").run(master=master, period=period, out_dir=out_dir, mail=mail)
    show(bridge, result)
    return result


def validate(bridge: Bridge, files: list[Path], today: dt.date) -> Any:
    files = expand_files([str(f) for f in files])
    book = bridge.caller()
    master = bridge.path(book) if layout.SHEET_PLAN in bridge.sheet_names(book) else None
    if master is not None:
        master = saved_book(bridge, book, "kiểm tra theo sổ tổng hợp")
    with busy(bridge, f"đang kiểm tra {len(files)} tệp"):
        result = job("validate").run(files=files, master=master, as_of=today)
    bridge.write_sheet(book, VALIDATE_SHEET, validation_rows(result.to_json()))
    show(bridge, result)
    return result


def merge(bridge: Bridge, inbox: Path, today: dt.date) -> Any:
    book = bridge.caller()
    master = saved_book(bridge, book, "tổng hợp")
    period = ask_period(bridge, today)
    with busy(bridge, "đang tổng hợp báo cáo các đơn vị"), book_closed(bridge, book, master) as after:
        result = job("merge").run(master=master, inbox=inbox, period=period, as_of=today)
    activate_first(bridge, after["book"], layout.SHEET_SUBMISSIONS)
    show(bridge, result)
    return result


def remind(bridge: Bridge, out_dir: Path, today: dt.date) -> Any:
    """Letters and drafts for the units to chase; the master is only read (it stays open)."""
    master = saved_book(bridge, bridge.caller(), "đôn đốc")
    period = ask_period(bridge, today)
    as_of = ask_date(bridge, "Đôn đốc tính đến ngày (ngày/tháng/năm):", today)
    with busy(bridge, "đang tạo văn bản đôn đốc"):
        result = job("remind").run(master=master, period=period, out_dir=out_dir, as_of=as_of)
    show(bridge, result)
    return result


def status(bridge: Bridge, today: dt.date) -> Any:
    book = bridge.caller()
    master = saved_book(bridge, book, "cập nhật trạng thái")
    as_of = ask_date(bridge, "Tính trạng thái tính đến ngày (ngày/tháng/năm):", today)
    with busy(bridge, "đang cập nhật trạng thái"), book_closed(bridge, book, master) as after:
        result = job("status").run(master=master, as_of=as_of)
    activate_first(bridge, after["book"], layout.SHEET_DASHBOARD, layout.SHEET_TRACKING)
    show(bridge, result)
    return result


def ask_recipients(bridge: Bridge, master: Path) -> list[str]:
    """Nơi nhận of the report (the CLI's --noi-nhan): offered as the last report's, else
    Sở Nội vụ (`report.recipients_default`); an empty answer leaves a marked blank in the
    report for the office to fill."""
    from parc_xl.domain.report_content import split_recipients
    from parc_xl.jobs.report import recipients_default

    answer = bridge.ask(RECIPIENTS_PROMPT, recipients_default(master))
    if answer is None:
        raise Cancelled
    return split_recipients(answer)


RECIPIENTS_PROMPT = ("Nơi nhận báo cáo (các cơ quan cách nhau bằng dấu «;», ví dụ: UBND Thành phố; Sở Nội vụ). "
                     "Để trống nếu chưa rõ: báo cáo để chỗ trống đánh dấu vàng.")


def report(bridge: Bridge, output: Path, today: dt.date) -> Any:
    book = bridge.caller()
    master = saved_book(bridge, book, "lập báo cáo")
    period = ask_period(bridge, today)
    recipients = ask_recipients(bridge, master)
    with busy(bridge, "đang lập báo cáo"), book_closed(bridge, book, master) as after:
        result = job("report").run(master=master, period=period, output=output, recipients=recipients)
    activate_first(bridge, after["book"], layout.SHEET_DASHBOARD)
    show(bridge, result)
    return result


def check_install(bridge: Bridge, today: dt.date, addin_path: Path | None = None) -> str:
    import xlwings

    text = install_report(xlwings.__version__, addin_path)
    bridge.alert(text, "info")
    return text


def install_report(xlwings_version: str, addin_path: Path | None) -> str:
    return "\n".join([
        "Cài đặt hoạt động bình thường.",
        f"Python: {sys.executable} (phiên bản {platform.python_version()})",
        f"parc-xl: {parc_xl.__version__} · xlwings: {xlwings_version}",
        f"Phần bổ trợ: {addin_path or 'không rõ'}",
        f"Nhật ký lỗi (nếu có): {LOG_DIR}",
    ])


HANDLERS: dict[str, Callable[..., Any]] = {
    "plan_import": plan_import,
    "plan_amend": plan_amend,
    "units_generate": units_generate,
    "validate": validate,
    "merge": merge,
    "remind": remind,
    "status": status,
    "report": report,
    "check_install": check_install,
}


def validation_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The `Kết quả kiểm tra` table from `validate --json` output."""
    rows: list[list[Any]] = [VALIDATE_HEADER]
    for f in data.get("files", []):
        name = Path(str(f.get("file", ""))).name
        issues = f.get("issues") or []
        if not issues:
            rows.append([name, f.get("unit"), f.get("period"), "", "", "", "", "Không có lỗi."])
        for i in issues:
            rows.append([
                name, f.get("unit"), f.get("period"),
                SEVERITY_VI.get(str(i.get("severity")), i.get("severity")),
                i.get("sheet"), i.get("cell"), i.get("task_key"), i.get("message"),
            ])
    return rows


# --- entry points ----------------------------------------------------------------------


def dispatch(button_id: str, bridge: Bridge | None = None, today: dt.date | None = None, **args: Any) -> Any:
    """Run the handler of ribbon button `button_id`; every failure becomes a Vietnamese
    message box, never a traceback. Returns the job's result (None if it did not run)."""
    if bridge is None:
        from parc_xl.excel.bridge import XlwingsBridge

        bridge = XlwingsBridge()
    handler = HANDLERS.get(button_id)
    if handler is None:
        bridge.alert(f"Nút «{button_id}» không có trong bản parc-xl đang cài ({parc_xl.__version__}).", "critical")
        return None
    try:
        return handler(bridge, today=today or dt.date.today(), **args)
    except Cancelled:
        return None
    except ParcError as exc:
        bridge.alert(str(exc), "critical")
    except Exception as exc:  # noqa: BLE001 - the clerk must see a message, not a traceback
        log = write_log(button_id, exc)
        bridge.alert(
            f"Lỗi ngoài dự kiến khi chạy «{button_id}»: {type(exc).__name__}: {exc}\n\n"
            f"Chi tiết đã ghi vào {log}. Hãy gửi tệp này cho người hỗ trợ kỹ thuật.",
            "critical",
        )
    return None


def write_log(button_id: str, exc: BaseException) -> Path:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"loi_{dt.datetime.now():%Y%m%d-%H%M%S}_{button_id}.txt"
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return log


PATH_ARGS = {"source", "output", "units", "out_dir", "inbox", "addin_path"}


def decode_args(pairs: tuple[str, ...]) -> dict[str, Any]:
    """VBA's ("name", hex UTF-16 value, ...) → keyword arguments (paths as Path;
    `files` is newline-separated, folders in it expand to their .xlsx files; `files_list`
    names a UTF-16 temp file holding such a list — any number of files, no command-line
    cap — read and deleted here)."""
    if len(pairs) % 2:
        raise ValueError("odd number of name/value items")
    args: dict[str, Any] = {}
    for name, value in zip(pairs[::2], pairs[1::2]):
        text = bytes.fromhex(value).decode("utf-16-be")
        if name == "files":
            args[name] = expand_files(text.split("\n"))
        elif name == "files_list":
            listing = Path(text)
            args["files"] = expand_files(listing.read_text(encoding="utf-16").splitlines())
            listing.unlink(missing_ok=True)
        elif name in PATH_ARGS:
            args[name] = Path(text)
        else:
            args[name] = text
    return args


def expand_files(items: list[str]) -> list[Path]:
    out: list[Path] = []
    for item in items:
        if not item.strip():
            continue
        p = Path(item)
        if p.is_dir():
            out += sorted(q for q in p.glob("*.xlsx") if not q.name.startswith("~$"))
        else:
            out.append(p)
    return out


def version_mismatch(addin_version: str, addin_xlwings: str, xlwings_version: str) -> str | None:
    if addin_version == parc_xl.__version__ and addin_xlwings == xlwings_version:
        return None
    return (
        "Phiên bản không khớp giữa phần bổ trợ Excel và gói Python:\n"
        f"phần bổ trợ: parc-xl {addin_version}, xlwings {addin_xlwings}\n"
        f"Python ({sys.executable}): parc-xl {parc_xl.__version__}, xlwings {xlwings_version}\n\n"
        "Hãy chạy lại «py -m parc_xl addin install» để cài phần bổ trợ đúng phiên bản."
    )


def from_vba(addin_version: str, addin_xlwings: str, button_id: str, *pairs: str, bridge: Bridge | None = None) -> Any:
    """Entry point of the VBA side (RunPython); see CchcCore.CallPython."""
    import xlwings

    if bridge is None:
        from parc_xl.excel.bridge import XlwingsBridge

        bridge = XlwingsBridge()
    problem = version_mismatch(addin_version, addin_xlwings, xlwings.__version__)
    if problem:
        bridge.alert(problem, "critical")
        return None
    try:
        args = decode_args(pairs)
    except (ValueError, UnicodeDecodeError) as exc:
        bridge.alert(f"Phần bổ trợ gửi tham số không đọc được ({exc}). Hãy chạy lại «py -m parc_xl addin install».",
                     "critical")
        return None
    return dispatch(button_id, bridge=bridge, **args)
