Attribute VB_Name = "CchcRibbon"
' Ribbon callbacks of the "CCHC" tab (macros/customUI14.xml names each Sub here).
' Each one asks for the paths only a dialog can give, then hands over to Python
' (CchcCore.CallPython -> parc_xl.excel.handlers.from_vba). Python asks for the period or
' date, runs the job and shows every message. ASCII only: see the note in CchcCore.
' Every callback starts with WorkbookReady (Protected View / no workbook guard), before
' anything reads ActiveWorkbook (tests/addin/test_macros.py checks it).
Option Explicit
Option Private Module

Public Sub OnPlanImport(control As IRibbonControl)
    Dim picked As Collection, target As String
    If Not WorkbookReady(False) Then Exit Sub
    Set picked = PickFiles(VN("Ch\u1ECDn ph\u1EE5 l\u1EE5c k\u1EBF ho\u1EA1ch (Word, Excel ho\u1EB7c v\u0103n b\u1EA3n)"), _
                           VN("Ph\u1EE5 l\u1EE5c k\u1EBF ho\u1EA1ch"), "*.docx;*.xlsx;*.pdf;*.txt", False)
    If picked.Count = 0 Then Exit Sub
    target = PickSaveAs(VN("L\u01B0u s\u1ED5 t\u1ED5ng h\u1EE3p m\u1EDBi"), "SoTongHop_CCHC.xlsx", "Excel (*.xlsx), *.xlsx")
    If target = "" Then Exit Sub
    CallPython control.Id, "source", Hex16(picked(1)), "output", Hex16(target)
End Sub

Public Sub OnPlanAmend(control As IRibbonControl)
    ' The amended appendix; Python shows the preview and asks before writing the open master.
    Dim picked As Collection
    If Not WorkbookReady(True) Then Exit Sub
    Set picked = PickFiles(VN("Ch\u1ECDn ph\u1EE5 l\u1EE5c k\u1EBF ho\u1EA1ch \u0111\u00E3 \u0111i\u1EC1u ch\u1EC9nh"), _
                           VN("Ph\u1EE5 l\u1EE5c k\u1EBF ho\u1EA1ch"), "*.docx;*.xlsx;*.pdf;*.txt", False)
    If picked.Count = 0 Then Exit Sub
    CallPython control.Id, "source", Hex16(picked(1))
End Sub

Public Sub OnUnitsGenerate(control As IRibbonControl)
    Dim folder As String
    If Not WorkbookReady(True) Then Exit Sub
    folder = PickFolder(VN("Ch\u1ECDn th\u01B0 m\u1EE5c \u0111\u1EC3 l\u01B0u m\u1EABu c\u1EE7a c\u00E1c \u0111\u01A1n v\u1ECB"))
    If folder = "" Then Exit Sub
    CallPython control.Id, "out_dir", Hex16(folder)
End Sub

Public Sub OnValidate(control As IRibbonControl)
    Dim picked As Collection, i As Long, joined As String
    If Not WorkbookReady(False) Then Exit Sub
    Set picked = PickFiles(VN("Ch\u1ECDn c\u00E1c t\u1EC7p b\u00E1o c\u00E1o c\u1EE7a \u0111\u01A1n v\u1ECB c\u1EA7n ki\u1EC3m tra"), _
                           VN("T\u1EC7p Excel"), "*.xlsx", True)
    If picked.Count = 0 Then Exit Sub
    For i = 1 To picked.Count
        If i > 1 Then joined = joined & vbLf
        joined = joined & picked(i)
    Next i
    ' Any number of files: the list travels in a UTF-16 temp file, not on the command line.
    CallPython control.Id, "files_list", Hex16(WriteUnicodeList("parc_xl_files.txt", joined))
End Sub

Public Sub OnMerge(control As IRibbonControl)
    Dim folder As String
    If Not WorkbookReady(True) Then Exit Sub
    folder = PickFolder(VN("Ch\u1ECDn th\u01B0 m\u1EE5c ch\u1EE9a b\u00E1o c\u00E1o \u0111\u01A1n v\u1ECB g\u1EEDi v\u1EC1"))
    If folder = "" Then Exit Sub
    CallPython control.Id, "inbox", Hex16(folder)
End Sub

Public Sub OnStatus(control As IRibbonControl)
    If Not WorkbookReady(True) Then Exit Sub
    CallPython control.Id
End Sub

Public Sub OnRemind(control As IRibbonControl)
    ' The folder for the letters and drafts; Python asks the period and the date (the master is only read).
    Dim folder As String
    If Not WorkbookReady(True) Then Exit Sub
    folder = PickFolder(VN("Ch\u1ECDn th\u01B0 m\u1EE5c \u0111\u1EC3 l\u01B0u v\u0103n b\u1EA3n \u0111\u00F4n \u0111\u1ED1c"))
    If folder = "" Then Exit Sub
    CallPython control.Id, "out_dir", Hex16(folder)
End Sub

Public Sub OnReport(control As IRibbonControl)
    Dim target As String
    If Not WorkbookReady(True) Then Exit Sub
    target = PickSaveAs(VN("L\u01B0u b\u00E1o c\u00E1o Word"), "BaoCao_CCHC.docx", "Word (*.docx), *.docx")
    If target = "" Then Exit Sub
    CallPython control.Id, "output", Hex16(target)
End Sub

Public Sub OnCheckInstall(control As IRibbonControl)
    ' Reports Python path and versions; the probe is forced so a fixed setup is seen at once.
    If Not WorkbookReady(False) Then Exit Sub
    If Not Preflight(True) Then Exit Sub
    CallPython control.Id, "addin_path", Hex16(ThisWorkbook.FullName)
End Sub
