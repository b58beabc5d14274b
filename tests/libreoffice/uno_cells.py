"""What LibreOffice Calc shows on given cells of a workbook: value, and the drop-down list,
input message and error message of its validation. Run by LibreOffice's Python:
    python3 uno_cells.py SPEC.json
SPEC: {"soffice", "profile", "book", "sheet", "cells": ["K5", …], "out"}."""

import json
import subprocess
import sys
import uuid

import uno
from uno_driver import connect, prop


def main(spec_path):
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    pipe = "parcxl_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [spec["soffice"], f"-env:UserInstallation={spec['profile']}", "--headless", "--invisible",
         "--norestore", "--nologo", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        ctx = connect(pipe, proc)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(spec["book"]), "_blank", 0,
                                           (prop("Hidden", True),))
        sheet = doc.getSheets().getByName(spec["sheet"])
        for ref in spec["cells"]:
            cell = sheet.getCellRangeByName(ref)
            v = cell.Validation
            out[ref] = {
                "string": cell.getString(),
                "type": v.Type.value,
                "formula1": v.getFormula1(),
                "show_list": int(v.ShowList),
                "show_input": bool(v.ShowInputMessage),
                "input_title": v.InputTitle,
                "input_message": v.InputMessage,
                "show_error": bool(v.ShowErrorMessage),
                "error_title": v.ErrorTitle,
                "error_message": v.ErrorMessage,
                "locked": bool(cell.CellProtection.IsLocked),
            }
        out["_protected"] = bool(sheet.isProtected())
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - soffice may already be gone
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        with open(spec["out"], "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
