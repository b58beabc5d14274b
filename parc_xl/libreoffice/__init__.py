"""The CCHC commands inside LibreOffice Calc.

`macros/libreoffice/cchc_component.py` (the extension's UNO component) calls
`commands.run`; the commands ask for files through `dialogs` and run the Excel ribbon's
own handlers (`parc_xl.excel.handlers`) over `bridge.UnoBridge`, so no job logic is
written twice. These modules import `uno` only when LibreOffice runs them.
"""
