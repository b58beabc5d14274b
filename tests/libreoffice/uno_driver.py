"""Drive a real LibreOffice through the CCHC extension, as a clerk would click it.

Run by LibreOffice's Python (the one with `uno`), not by the test's interpreter:
    python3 uno_driver.py SPEC.json
SPEC: {"soffice", "profile" (file URL), "master", "commands": [ids], "snapshot": path}.
Starts soffice headless on a private pipe with the given profile, opens the master
hidden, dispatches `org.parcxl.cchc:<id>` for each command in the master's frame (the
extension's dialogs are answered by the script named in PARC_XL_LO_SCRIPT), then writes a
snapshot of the document as LibreOffice shows it afterwards: sheets, the active sheet, the
`Theo dõi` values and, per row, the status colour its conditional format gives.
"""

import json
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

TRACKING = "Theo dõi"


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe, proc, timeout=90.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException as exc:
            if proc.poll() is not None:
                raise SystemExit(f"soffice ended with {proc.returncode} before accepting connections") from exc
            if time.monotonic() > deadline:
                raise SystemExit("soffice did not accept a connection in time") from exc
            time.sleep(0.3)


def documents(desktop):
    found = []
    e = desktop.getComponents().createEnumeration()
    while e.hasMoreElements():
        doc = e.nextElement()
        if hasattr(doc, "getURL"):
            found.append(doc)
    return found


def find(desktop, url):
    for doc in documents(desktop):
        if doc.getURL() == url:
            return doc
    return None


def used_rows(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    addr = cursor.getRangeAddress()
    data = sheet.getCellRangeByPosition(0, 0, addr.EndColumn, addr.EndRow).getDataArray()
    return [list(r) for r in data]


def colours(doc, sheet, rows):
    """Per row: the fill colour (RRGGBB) LibreOffice gives it through the conditional format
    on its cells — the entry whose formula `$X5="status"` matches the row's status cell."""
    styles = doc.getStyleFamilies().getByName("CellStyles")
    out = []
    for r in range(len(rows)):
        cell = sheet.getCellByPosition(0, r)
        entries = cell.ConditionalFormat
        colour = None
        for i in range(entries.getCount()):
            entry = entries.getByIndex(i)
            formula = entry.getFormula1()
            if '="' not in formula:
                continue
            ref, _, literal = formula.partition('="')
            literal = literal.rstrip('"')
            col_letters = "".join(ch for ch in ref if ch.isalpha())
            col = 0
            for ch in col_letters:
                col = col * 26 + (ord(ch.upper()) - 64)
            if sheet.getCellByPosition(col - 1, r).getString() == literal:
                back = styles.getByName(entry.getStyleName()).CellBackColor
                colour = f"{back & 0xFFFFFF:06X}"
                break
        out.append(colour)
    return out


def snapshot(doc):
    sheets = doc.getSheets()
    snap = {"url": doc.getURL(), "sheets": list(sheets.getElementNames()), "modified": doc.isModified()}
    controller = doc.getCurrentController()
    snap["active"] = controller.getActiveSheet().getName() if controller is not None else None
    if sheets.hasByName(TRACKING):
        sheet = sheets.getByName(TRACKING)
        rows = used_rows(sheet)
        snap["tracking"] = rows
        snap["tracking_colours"] = colours(doc, sheet, rows)
    return snap


def main(spec_path):
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    pipe = "parcxl_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [spec["soffice"], f"-env:UserInstallation={spec['profile']}", "--headless", "--invisible",
         "--norestore", "--nologo", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=open(spec["snapshot"] + ".soffice.log", "w"))
    result = {"steps": []}
    try:
        ctx = connect(pipe, proc)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(spec["master"]))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        for command in spec["commands"]:
            doc = find(desktop, url) or doc
            frame = doc.getCurrentController().getFrame()
            started = time.monotonic()
            dispatcher.executeDispatch(frame, "org.parcxl.cchc:" + command, "", 0, ())
            reopened = find(desktop, url)
            step = {"command": command, "seconds": round(time.monotonic() - started, 2),
                    "open": reopened is not None}
            if reopened is not None:
                step["snapshot"] = snapshot(reopened)
                doc = reopened
            result["steps"].append(step)
        for d in documents(desktop):
            d.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - soffice may already be gone
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        with open(spec["snapshot"], "w", encoding="utf-8") as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
