"""What the clerk is asked in LibreOffice: message boxes, a one-line question, file and
folder pickers.

`UnoDialogs` shows LibreOffice's own dialogs. `ScriptedDialogs` answers from a JSON file
named by the environment variable PARC_XL_LO_SCRIPT and logs every question beside it:
the end-to-end test drives a real, headless LibreOffice through the extension with it,
where no one could click a dialog.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal, Protocol

from parc_xl.excel.bridge import Answer, Style

TITLE = "CCHC"
SCRIPT_ENV = "PARC_XL_LO_SCRIPT"
Filters = list[tuple[str, str]]  # (name shown, pattern such as "*.xlsx")


class Dialogs(Protocol):
    def message(self, text: str, style: Style, buttons: Literal["ok", "yes_no"]) -> Answer: ...

    def ask(self, prompt: str, default: str) -> str | None: ...

    def pick_files(self, title: str, filters: Filters, multiple: bool) -> list[Path]: ...

    def pick_folder(self, title: str) -> Path | None: ...

    def pick_save(self, title: str, default_name: str, filters: Filters) -> Path | None: ...


def from_environment(ctx: Any, frame: Any) -> Dialogs:
    script = os.environ.get(SCRIPT_ENV)
    return ScriptedDialogs(Path(script)) if script else UnoDialogs(ctx, frame)


class ScriptedDialogs:
    """Answers, per kind of question, in the order given:
    {"message": ["yes"], "ask": ["2026-Q1"], "files": [["/a.xlsx"]], "folder": ["/in"],
    "save": ["/out.docx"]}. A question with no answer left is cancelled (and logged)."""

    def __init__(self, script: Path) -> None:
        self.script = script
        self.log_path = script.with_name(script.name + ".log.json")

    def _answer(self, kind: str, record: dict[str, Any]) -> Any:
        answers: dict[str, list[Any]] = json.loads(self.script.read_text(encoding="utf-8"))
        queue = answers.get(kind) or []
        answer = queue.pop(0) if queue else None
        answers[kind] = queue
        self.script.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
        log = json.loads(self.log_path.read_text(encoding="utf-8")) if self.log_path.exists() else []
        log.append({"kind": kind, **record, "answer": answer})
        self.log_path.write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
        return answer

    def message(self, text: str, style: Style, buttons: Literal["ok", "yes_no"]) -> Answer:
        answer = self._answer("message", {"text": text, "style": style, "buttons": buttons})
        if buttons == "ok":
            return "ok"
        return "yes" if answer == "yes" else "no"

    def ask(self, prompt: str, default: str) -> str | None:
        answer = self._answer("ask", {"text": prompt, "default": default})
        return None if answer is None else str(answer)

    def pick_files(self, title: str, filters: Filters, multiple: bool) -> list[Path]:
        answer = self._answer("files", {"text": title, "filters": filters})
        return [Path(p) for p in answer or []]

    def pick_folder(self, title: str) -> Path | None:
        answer = self._answer("folder", {"text": title})
        return None if answer is None else Path(answer)

    def pick_save(self, title: str, default_name: str, filters: Filters) -> Path | None:
        answer = self._answer("save", {"text": title, "default": default_name})
        return None if answer is None else Path(answer)


class UnoDialogs:
    """LibreOffice's dialogs, modal to the Calc window the button was clicked in."""

    BOX_TYPES = {"info": "INFOBOX", "warning": "WARNINGBOX", "critical": "ERRORBOX"}

    def __init__(self, ctx: Any, frame: Any) -> None:
        self.ctx = ctx
        self.frame = frame
        self.smgr = ctx.ServiceManager

    def _create(self, service: str) -> Any:
        return self.smgr.createInstanceWithContext(service, self.ctx)

    def _parent(self) -> Any:
        return self.frame.getContainerWindow() if self.frame is not None else None

    def message(self, text: str, style: Style, buttons: Literal["ok", "yes_no"]) -> Answer:
        import uno

        box_type = "QUERYBOX" if buttons == "yes_no" else self.BOX_TYPES[style]
        button_set = uno.getConstantByName(
            "com.sun.star.awt.MessageBoxButtons." + ("BUTTONS_YES_NO" if buttons == "yes_no" else "BUTTONS_OK"))
        toolkit = self._create("com.sun.star.awt.Toolkit")
        box = toolkit.createMessageBox(
            self._parent(), uno.Enum("com.sun.star.awt.MessageBoxType", box_type), button_set, TITLE, text)
        result = box.execute()
        box.dispose()
        if buttons == "ok":
            return "ok"
        return "yes" if result == uno.getConstantByName("com.sun.star.awt.MessageBoxResults.YES") else "no"

    def ask(self, prompt: str, default: str) -> str | None:
        import uno

        model = self._create("com.sun.star.awt.UnoControlDialogModel")
        model.Title, model.Width, model.Height = TITLE, 280, 82

        def add(name: str, kind: str, **props: Any) -> None:
            part = model.createInstance(f"com.sun.star.awt.UnoControl{kind}Model")
            for key, value in props.items():
                setattr(part, key, value)
            model.insertByName(name, part)

        add("prompt", "FixedText", PositionX=6, PositionY=6, Width=268, Height=28, Label=prompt, MultiLine=True)
        add("answer", "Edit", PositionX=6, PositionY=38, Width=268, Height=14, Text=default)
        add("ok", "Button", PositionX=158, PositionY=60, Width=56, Height=16, Label="Đồng ý", DefaultButton=True,
            PushButtonType=uno.Enum("com.sun.star.awt.PushButtonType", "OK"))
        add("cancel", "Button", PositionX=218, PositionY=60, Width=56, Height=16, Label="Hủy",
            PushButtonType=uno.Enum("com.sun.star.awt.PushButtonType", "CANCEL"))
        dialog = self._create("com.sun.star.awt.UnoControlDialog")
        dialog.setModel(model)
        dialog.createPeer(self._create("com.sun.star.awt.Toolkit"), self._parent())
        try:
            ok = dialog.execute() == 1
            return str(dialog.getControl("answer").getText()) if ok else None
        finally:
            dialog.dispose()

    def _file_picker(self, template: str, title: str, filters: Filters) -> Any:
        import uno

        picker = self._create("com.sun.star.ui.dialogs.FilePicker")
        picker.initialize((uno.getConstantByName(f"com.sun.star.ui.dialogs.TemplateDescription.{template}"),))
        picker.setTitle(title)
        for name, pattern in filters:
            picker.appendFilter(name, pattern)
        if filters:
            picker.setCurrentFilter(filters[0][0])
        return picker

    def pick_files(self, title: str, filters: Filters, multiple: bool) -> list[Path]:
        import uno

        picker = self._file_picker("FILEOPEN_SIMPLE", title, filters)
        picker.setMultiSelectionMode(multiple)
        if picker.execute() != 1:
            return []
        return [Path(uno.fileUrlToSystemPath(url)) for url in picker.getSelectedFiles()]

    def pick_folder(self, title: str) -> Path | None:
        import uno

        picker = self._create("com.sun.star.ui.dialogs.FolderPicker")
        picker.setTitle(title)
        if picker.execute() != 1:
            return None
        return Path(uno.fileUrlToSystemPath(picker.getDirectory()))

    def pick_save(self, title: str, default_name: str, filters: Filters) -> Path | None:
        import uno

        picker = self._file_picker("FILESAVE_AUTOEXTENSION", title, filters)
        picker.setDefaultName(default_name)
        if picker.execute() != 1:
            return None
        files = picker.getSelectedFiles()
        return Path(uno.fileUrlToSystemPath(files[0])) if files else None
