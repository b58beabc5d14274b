"""CCHC toolbar and menu of LibreOffice Calc: a UNO protocol handler for `org.parcxl.cchc:*`.

LibreOffice loads this file with its own Python (on Debian/Ubuntu the system python3, on
Windows the Python it bundles). Each toolbar or menu entry dispatches the URL
`org.parcxl.cchc:<button id>` — the same ids as the Excel ribbon — and this handler hands
the clicked frame and the id to `parc_xl.libreoffice.commands.run`, which runs the same
handlers as the ribbon. This file only finds the installed parc-xl package; it holds no
logic of its own, so updating parc-xl needs no new extension.
"""

import os
import site
import sys
import traceback

import uno
import unohelper
from com.sun.star.frame import XDispatch, XDispatchProvider
from com.sun.star.lang import XInitialization, XServiceInfo

IMPLEMENTATION = "org.parcxl.cchc.ProtocolHandler"
SERVICES = ("com.sun.star.frame.ProtocolHandler",)
PROTOCOL = "org.parcxl.cchc:"


def path_file():
    """Where `parc-xl addin install --target libreoffice` wrote the folders holding parc-xl."""
    if os.name == "nt":
        base = os.environ.get("APPDATA") or os.path.expanduser("~")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "parc-xl", "libreoffice-path.txt")


def candidate_dirs():
    dirs = [d for d in os.environ.get("PARC_XL_PATH", "").split(os.pathsep) if d]
    try:
        with open(path_file(), encoding="utf-8") as fh:
            dirs += [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    except OSError:
        pass
    return dirs


def import_commands():
    """parc_xl.libreoffice.commands, from LibreOffice's Python or the folders installed for it.
    `site.addsitedir` also runs the folders' .pth files, so editable installs resolve."""
    for folder in candidate_dirs():
        if folder not in sys.path and os.path.isdir(folder):
            site.addsitedir(folder)
    from parc_xl.libreoffice import commands

    return commands


def message(ctx, frame, text):
    """A plain Vietnamese error box for when parc-xl itself cannot be loaded."""
    try:
        toolkit = ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        peer = frame.getContainerWindow() if frame is not None else None
        box = toolkit.createMessageBox(peer, uno.Enum("com.sun.star.awt.MessageBoxType", "ERRORBOX"), 1, "CCHC", text)
        box.execute()
    except Exception:  # noqa: BLE001 - last resort: LibreOffice's own log
        print(text, file=sys.stderr)


class CchcHandler(unohelper.Base, XDispatchProvider, XDispatch, XInitialization, XServiceInfo):
    def __init__(self, ctx, *args):
        self.ctx = ctx
        self.frame = None

    # XInitialization: LibreOffice passes the frame the command belongs to
    def initialize(self, args):
        if args:
            self.frame = args[0]

    # XDispatchProvider
    def queryDispatch(self, url, target, flags):
        return self if url.Protocol == PROTOCOL else None

    def queryDispatches(self, requests):
        return tuple(self.queryDispatch(r.FeatureURL, r.FrameName, r.SearchFlags) for r in requests)

    # XDispatch
    def dispatch(self, url, args):
        try:
            commands = import_commands()
        except Exception as exc:  # noqa: BLE001 - the clerk sees why, not a silent button
            message(self.ctx, self.frame, (
                "Không tìm thấy gói parc-xl cho LibreOffice "
                f"({type(exc).__name__}: {exc}).\n\n"
                "Hãy cài parc-xl rồi chạy «parc-xl addin install --target libreoffice»; "
                f"lệnh này ghi đường dẫn của gói vào {path_file()}.\n"
                f"Python của LibreOffice: {sys.executable} {sys.version.split()[0]}"))
            traceback.print_exc()
            return
        commands.run(self.ctx, self.frame, url.Path)

    def addStatusListener(self, listener, url):
        pass

    def removeStatusListener(self, listener, url):
        pass

    # XServiceInfo
    def getImplementationName(self):
        return IMPLEMENTATION

    def supportsService(self, name):
        return name in SERVICES

    def getSupportedServiceNames(self):
        return SERVICES


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(CchcHandler, IMPLEMENTATION, SERVICES)
