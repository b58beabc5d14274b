"""Run VBA functions of an Office file in LibreOffice Basic (VBA compatibility mode).

Runs under the *system* Python that has LibreOffice's `uno` module (not the project's):
    python3 lo_basic.py FILE PROFILE_DIR '[["Module.Function", [args...]], ...]'
prints the JSON list of results. Used by tests/addin/test_vba_runtime.py.
"""
import json
import subprocess
import sys
import time
import os
import uno
from com.sun.star.beans import PropertyValue

def prop(n, v):
    p = PropertyValue()
    p.Name = n
    p.Value = v
    return p

def main():
    xlam, profile = sys.argv[1], sys.argv[2]
    calls = json.loads(sys.argv[3])
    pipe = "parcxl%d" % os.getpid()
    proc = subprocess.Popen(["soffice", "--headless", "--norestore", "--invisible",
                             "-env:UserInstallation=file://" + profile,
                             "--accept=pipe,name=%s;urp;" % pipe])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
                time.sleep(0.5)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(xlam), "_blank", 0,
            (prop("Hidden", True), prop("MacroExecutionMode", 4),
             prop("FilterName", "Calc MS Excel 2007 VBA XML")))
        sp = doc.getScriptProvider()
        out = []
        for name, args in calls:
            script = sp.getScript("vnd.sun.star.script:VBAProject.%s?language=Basic&location=document" % name)
            res = script.invoke(tuple(args), (), ())
            out.append(res[0])
        print(json.dumps(out))
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - soffice may already be gone
            pass
        proc.wait(timeout=30)

main()
