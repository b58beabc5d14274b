Attribute VB_Name = "CchcCore"
' parc-xl add-in: the plumbing under the "CCHC" ribbon tab.
'
' ENCODING RULE: keep every VBA source file pure ASCII. The VBA editor stores and reads
' module source in the system ANSI code page (Windows-1258 on Vietnamese Windows,
' Windows-1252 elsewhere), so Vietnamese letters typed into a VBA string literal are
' mangled on another PC. All messages the clerk reads after Python has started come from
' Python (parc_xl/excel/handlers.py). The few shown before Python can run (Python or the
' package missing, versions that do not match) are written as VN("...\u1EC7...") escapes
' that VN() turns into Unicode at run time; tests/addin/test_macros.py checks the rule.
'
' ARGUMENTS: values picked in dialogs (paths may hold Vietnamese letters, quotes, "&" or
' "%") travel to Python hex-encoded (UTF-16 code units, see Hex16), so no quoting rule of
' cmd.exe or of Python string literals can break them.
'
' UNICODE PATHS: VBA's Environ, Dir, Open and Kill convert to the ANSI code page, so a
' Vietnamese Windows user name (C:\Users\Nguy\u1EC5n) breaks them. Our own temporary files go
' through Scripting.FileSystemObject (Unicode), in its TemporaryFolder, written and read
' as UTF-16 (Python writes utf-16 too).
'
' PRIVACY: Option Private Module keeps these Public Functions out of worksheet formulas
' and the Macros dialog of other workbooks (a received return cannot call them).
Option Explicit
Option Private Module

' Must equal parc_xl.__version__ of the package this add-in was built with
' (tests/addin/test_macros.py pins it); a mismatch is reported before any job runs.
Public Const PARC_XL_VERSION As String = "0.1.0"

Private PreflightPassed As Boolean
' The empty workbook WorkbookReady opened for xlwings; closed when the click is over.
Private BlankBook As Workbook

Public Function VN(ByVal s As String) As String
    ' Decode \uXXXX escapes (ASCII source -> Unicode text).
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(s)
        If Mid$(s, i, 2) = "\u" And i + 5 <= Len(s) Then
            out = out & ChrW(CLng("&H" & Mid$(s, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    VN = out
End Function

Public Function Hex16(ByVal s As String) As String
    ' Encode a string as hex UTF-16 code units, 4 digits each (decoded by handlers.from_vba).
    Dim i As Long, out As String
    For i = 1 To Len(s)
        out = out & Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)
    Next i
    Hex16 = out
End Function

Private Function Interpreter() As String
    Dim p As String
    p = GetConfig("INTERPRETER_WIN", "")
    If p = "" Then p = GetConfig("INTERPRETER", "python")
    Interpreter = p
End Function

Private Function Fso() As Object
    Set Fso = CreateObject("Scripting.FileSystemObject")
End Function

Public Function TempPath(ByVal fileName As String) As String
    ' A file in the user's TEMP folder, as a Unicode path (FSO, not Environ).
    TempPath = Fso().GetSpecialFolder(2).Path & "\" & fileName
End Function

Private Function ReadAll(ByVal path As String, ByVal utf16 As Boolean) As String
    ' Whole text file; "" when absent. utf16: written by Python as UTF-16 (BOM).
    Dim ts As Object
    If Not Fso().FileExists(path) Then Exit Function
    Set ts = Fso().OpenTextFile(path, 1, False, IIf(utf16, -1, 0))
    If Not ts.AtEndOfStream Then ReadAll = ts.ReadAll
    ts.Close
End Function

Private Sub DeleteQuietly(ByVal path As String)
    On Error Resume Next
    Fso().DeleteFile path, True
    On Error GoTo 0
End Sub

Public Function WriteUnicodeList(ByVal fileName As String, ByVal text As String) As String
    ' Write text as UTF-16 to a temp file and return its path (for long file lists).
    Dim ts As Object, path As String
    path = TempPath(fileName)
    Set ts = Fso().CreateTextFile(path, True, True)
    ts.Write text
    ts.Close
    WriteUnicodeList = path
End Function

Private Function ConsolePython(ByVal py As String) As String
    ' python.exe beside the configured pythonw.exe: pip run by pythonw shows nothing.
    If LCase$(Right$(py, 11)) = "pythonw.exe" Then
        ConsolePython = Left$(py, Len(py) - 11) & "python.exe"
    ElseIf py = "pythonw" Then
        ConsolePython = "python"
    Else
        ConsolePython = py
    End If
End Function

Public Function WorkbookReady(ByVal needsMaster As Boolean) As Boolean
    ' Every ribbon callback calls this first: nothing may touch ActiveWorkbook (xlwings'
    ' GetConfig does) in Protected View or with no workbook open (run-time error 91).
    Dim pv As Object
    On Error Resume Next
    Set pv = Application.ActiveProtectedViewWindow
    On Error GoTo 0
    If Not pv Is Nothing Then
        MsgBox VN("S\u1ED5 \u0111ang m\u1EDF \u1EDF Ch\u1EBF \u0111\u1ED9 xem \u0111\u01B0\u1EE3c b\u1EA3o v\u1EC7 (Protected View). " & _
               "H\u00E3y b\u1EA5m \u00ABB\u1EADt ch\u1EC9nh s\u1EEDa\u00BB (Enable Editing) tr\u00EAn thanh m\u00E0u v\u00E0ng r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt."), vbExclamation, "CCHC"
        Exit Function
    End If
    If ActiveWorkbook Is Nothing Then
        If needsMaster Then
            MsgBox VN("Ch\u01B0a c\u00F3 s\u1ED5 n\u00E0o \u0111ang m\u1EDF. H\u00E3y m\u1EDF s\u1ED5 t\u1ED5ng h\u1EE3p (s\u1ED5 theo d\u00F5i) r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt."), vbExclamation, "CCHC"
            Exit Function
        End If
        Set BlankBook = Workbooks.Add   ' xlwings needs an active workbook; the job opens its own files
    End If
    WorkbookReady = True
End Function

Public Sub CloseBlankBook()
    ' Close the workbook WorkbookReady added, if nobody has typed into it or saved it
    ' (a cancelled picker or a finished job would otherwise leave an empty Book1 open).
    Dim untouched As Boolean
    If BlankBook Is Nothing Then Exit Sub
    On Error Resume Next
    untouched = BlankBook.Saved And BlankBook.Path = ""
    If Err.Number = 0 And untouched Then BlankBook.Close SaveChanges:=False
    Err.Clear
    On Error GoTo 0
    Set BlankBook = Nothing
End Sub

Private Function Probe(ByRef errText As String) As String
    ' Run the configured Python once: "parc_xl version|xlwings version|sys.executable".
    ' "" with errText = "ASR" when Windows refused to start cmd.exe (Defender rule).
    Dim outFile As String, errFile As String, cmd As String, py As String
    outFile = TempPath("parc_xl_probe.txt")
    errFile = TempPath("parc_xl_probe_err.txt")
    DeleteQuietly outFile
    DeleteQuietly errFile
    py = Interpreter()
    cmd = "cmd.exe /C """"" & py & """ -c ""import sys, parc_xl, xlwings; " & _
          "open(sys.argv[1], 'w', encoding='utf-16').write(parc_xl.__version__ + '|' + xlwings.__version__ + '|' + sys.executable)"" """ & _
          outFile & """ 2> """ & errFile & """"""
    On Error Resume Next
    WScript.Run cmd, 0, True
    If Err.Number <> 0 Then
        errText = "ASR"
        Err.Clear
        On Error GoTo 0
        Exit Function
    End If
    On Error GoTo 0
    errText = ReadAll(errFile, False)
    Probe = Trim$(ReadAll(outFile, True))
    DeleteQuietly outFile
    DeleteQuietly errFile
End Function

Public Function Preflight(Optional ByVal force As Boolean = False) As Boolean
    ' True when Python, parc_xl and xlwings are found and agree with this add-in.
    ' Checked once per Excel session (about half a second); Kiem tra cai dat forces it.
    ' When not, the clerk has read why and the click is over.
    Preflight = PreflightChecks(force)
    If Not Preflight Then CloseBlankBook
End Function

Private Function PreflightChecks(ByVal force As Boolean) As Boolean
    Dim py As String, found As String, errText As String, parts() As String
    If PreflightPassed And Not force Then
        PreflightChecks = True
        Exit Function
    End If
    py = Interpreter()
    If py <> "python" And py <> "pythonw" And Not FileExists(py) Then
        MsgBox VN("Kh\u00F4ng t\u00ECm th\u1EA5y Python t\u1EA1i:") & vbLf & py & vbLf & vbLf & _
               VN("H\u00E3y c\u00E0i l\u1EA1i theo h\u01B0\u1EDBng d\u1EABn (b\u01B0\u1EDBc ""py -m parc_xl addin install"").") , vbCritical, "CCHC"
        Exit Function
    End If
    found = Probe(errText)
    If errText = "ASR" Then
        MsgBox AsrMessage(), vbCritical, "CCHC"
        Exit Function
    End If
    If InStr(found, "|") = 0 Then
        If InStr(errText, "No module named 'parc_xl'") > 0 Then
            MsgBox VN("Python ch\u1EA1y \u0111\u01B0\u1EE3c nh\u01B0ng ch\u01B0a c\u00E0i g\u00F3i parc-xl:") & vbLf & py & vbLf & vbLf & _
                   VN("M\u1EDF Command Prompt trong th\u01B0 m\u1EE5c parc-xl \u0111\u00E3 nh\u1EADn v\u00E0 ch\u1EA1y:") & vbLf & _
                   """" & ConsolePython(py) & """ -m pip install ." & vbLf & "py -m parc_xl addin install", vbCritical, "CCHC"
        ElseIf InStr(errText, "No module named 'xlwings'") > 0 Then
            MsgBox VN("Python ch\u1EA1y \u0111\u01B0\u1EE3c nh\u01B0ng ch\u01B0a c\u00E0i g\u00F3i xlwings:") & vbLf & py & vbLf & vbLf & _
                   VN("M\u1EDF Command Prompt v\u00E0 ch\u1EA1y:") & vbLf & _
                   """" & ConsolePython(py) & """ -m pip install xlwings==" & XLWINGS_VERSION, vbCritical, "CCHC"
        Else
            MsgBox VN("Kh\u00F4ng ch\u1EA1y \u0111\u01B0\u1EE3c Python") & " (" & py & ")." & vbLf & vbLf & _
                   VN("H\u00E3y c\u00E0i Python v\u00E0 ch\u1EA1y l\u1EA1i ""py -m parc_xl addin install"".") & vbLf & vbLf & Left$(errText, 600), vbCritical, "CCHC"
        End If
        Exit Function
    End If
    parts = Split(found, "|")
    If parts(0) <> PARC_XL_VERSION Or parts(1) <> XLWINGS_VERSION Then
        MsgBox VN("Phi\u00EAn b\u1EA3n kh\u00F4ng kh\u1EDBp gi\u1EEFa ph\u1EA7n b\u1ED5 tr\u1EE3 v\u00E0 g\u00F3i Python:") & vbLf & _
               VN("ph\u1EA7n b\u1ED5 tr\u1EE3: parc-xl ") & PARC_XL_VERSION & ", xlwings " & XLWINGS_VERSION & vbLf & _
               "Python: parc-xl " & parts(0) & ", xlwings " & parts(1) & vbLf & vbLf & _
               VN("H\u00E3y ch\u1EA1y l\u1EA1i ""py -m parc_xl addin install"" \u0111\u1EC3 c\u00E0i ph\u1EA7n b\u1ED5 tr\u1EE3 \u0111\u00FAng phi\u00EAn b\u1EA3n.") , vbCritical, "CCHC"
        Exit Function
    End If
    PreflightPassed = True
    PreflightChecks = True
End Function

Public Function AsrMessage() As String
    ' Defender ASR rule "Block all Office applications from creating child processes"
    ' (GUID d4f940ab-401b-4efc-aadc-ad5f3c50688a) stops the cmd.exe that runs Python.
    AsrMessage = VN("Windows kh\u00F4ng cho Excel ch\u1EA1y ch\u01B0\u01A1ng tr\u00ECnh Python (cmd.exe b\u1ECB ch\u1EB7n). " & _
        "Th\u01B0\u1EDDng do quy t\u1EAFc b\u1EA3o m\u1EADt c\u1EE7a Microsoft Defender \u00ABBlock all Office applications from creating child processes\u00BB " & _
        "(ASR, GUID d4f940ab-401b-4efc-aadc-ad5f3c50688a).") & vbLf & vbLf & _
        VN("H\u00E3y nh\u1EDD b\u1ED9 ph\u1EADn CNTT th\u00EAm ngo\u1EA1i l\u1EC7 (ASR exclusion) cho t\u1EC7p ph\u1EA7n b\u1ED5 tr\u1EE3:") & vbLf & _
        ThisWorkbook.FullName & vbLf & VN("ho\u1EB7c cho ph\u00E9p Excel ch\u1EA1y cmd.exe v\u00E0 Python:") & vbLf & Interpreter()
End Function

Public Sub CallPython(ByVal buttonId As String, ParamArray namesAndValues() As Variant)
    ' Run handler buttonId of parc_xl.excel.handlers with hex-encoded keyword arguments.
    ' The caller has checked WorkbookReady (an active, editable workbook exists).
    Dim cmd As String, i As Long
    If Not Preflight() Then Exit Sub
    cmd = "import parc_xl.excel.handlers as h; h.from_vba('" & PARC_XL_VERSION & "', '" & _
          XLWINGS_VERSION & "', '" & buttonId & "'"
    For i = LBound(namesAndValues) To UBound(namesAndValues)
        cmd = cmd & ", '" & CStr(namesAndValues(i)) & "'"
    Next i
    cmd = cmd & ")"
    If Len(cmd) > 7000 Then
        MsgBox VN("\u0110\u01B0\u1EDDng d\u1EABn qu\u00E1 d\u00E0i cho m\u1ED9t l\u1EA7n ch\u1EA1y."), vbExclamation, "CCHC"
        CloseBlankBook
        Exit Sub
    End If
    Dim failedNumber As Long, failedText As String
    On Error Resume Next
    RunPython cmd
    failedNumber = Err.Number
    failedText = Err.Description
    On Error GoTo 0
    ' 70 = "Permission denied", -2147024891 = E_ACCESSDENIED: the process was not started
    If failedNumber = 70 Or failedNumber = -2147024891 Then
        MsgBox AsrMessage(), vbCritical, "CCHC"
    ElseIf failedNumber <> 0 Then
        MsgBox failedText, vbCritical, "CCHC"
    End If
    CloseBlankBook
End Sub

Public Function PickFolder(ByVal title As String) As String
    ' Folder picker; "" when cancelled.
    With Application.FileDialog(msoFileDialogFolderPicker)
        .Title = title
        .AllowMultiSelect = False
        If ActiveWorkbook Is Nothing Then
        ElseIf ActiveWorkbook.Path <> "" Then
            .InitialFileName = ActiveWorkbook.Path & "\"
        End If
        If .Show = -1 Then PickFolder = .SelectedItems(1)
    End With
    If PickFolder = "" Then CloseBlankBook
End Function

Public Function PickFiles(ByVal title As String, ByVal filterName As String, ByVal filterSpec As String, _
                          ByVal multi As Boolean) As Collection
    ' File picker; an empty collection when cancelled.
    Dim picked As New Collection, i As Long
    With Application.FileDialog(msoFileDialogFilePicker)
        .Title = title
        .AllowMultiSelect = multi
        .Filters.Clear
        .Filters.Add filterName, filterSpec
        If ActiveWorkbook Is Nothing Then
        ElseIf ActiveWorkbook.Path <> "" Then
            .InitialFileName = ActiveWorkbook.Path & "\"
        End If
        If .Show = -1 Then
            For i = 1 To .SelectedItems.Count
                picked.Add .SelectedItems(i)
            Next i
        End If
    End With
    If picked.Count = 0 Then CloseBlankBook
    Set PickFiles = picked
End Function

Public Function PickSaveAs(ByVal title As String, ByVal suggested As String, ByVal filterText As String) As String
    ' Save-as picker (nothing is written by Excel); "" when cancelled.
    Dim answer As Variant
    answer = Application.GetSaveAsFilename(InitialFileName:=suggested, FileFilter:=filterText, Title:=title)
    If VarType(answer) = vbString Then PickSaveAs = answer
    If PickSaveAs = "" Then CloseBlankBook
End Function
