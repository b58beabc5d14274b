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
Option Explicit

' Must equal parc_xl.__version__ of the package this add-in was built with
' (tests/addin/test_macros.py pins it); a mismatch is reported before any job runs.
Public Const PARC_XL_VERSION As String = "0.1.0"

Private PreflightPassed As Boolean

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

Private Function ReadAll(ByVal path As String) As String
    Dim f As Integer, s As String
    If Dir(path) = "" Then Exit Function
    f = FreeFile
    Open path For Binary Access Read As #f
    s = Space$(LOF(f))
    Get #f, , s
    Close #f
    ReadAll = s
End Function

Private Function Probe(ByRef errText As String) As String
    ' Run the configured Python once: "parc_xl version|xlwings version|sys.executable".
    Dim outFile As String, errFile As String, cmd As String, py As String
    outFile = Environ("TEMP") & "\parc_xl_probe.txt"
    errFile = Environ("TEMP") & "\parc_xl_probe_err.txt"
    On Error Resume Next
    Kill outFile
    Kill errFile
    On Error GoTo 0
    py = Interpreter()
    cmd = "cmd.exe /C """"" & py & """ -c ""import sys, parc_xl, xlwings; " & _
          "open(sys.argv[1], 'w').write(parc_xl.__version__ + '|' + xlwings.__version__ + '|' + sys.executable)"" """ & _
          outFile & """ 2> """ & errFile & """"""
    WScript.Run cmd, 0, True
    errText = ReadAll(errFile)
    Probe = Trim$(ReadAll(outFile))
End Function

Public Function Preflight(Optional ByVal force As Boolean = False) As Boolean
    ' True when Python, parc_xl and xlwings are found and agree with this add-in.
    ' Checked once per Excel session (about half a second); Kiem tra cai dat forces it.
    Dim py As String, found As String, errText As String, parts() As String
    If PreflightPassed And Not force Then
        Preflight = True
        Exit Function
    End If
    py = Interpreter()
    If py <> "python" And py <> "pythonw" And Not FileExists(py) Then
        MsgBox VN("Kh\u00F4ng t\u00ECm th\u1EA5y Python t\u1EA1i:") & vbLf & py & vbLf & vbLf & _
               VN("H\u00E3y c\u00E0i l\u1EA1i theo h\u01B0\u1EDBng d\u1EABn (b\u01B0\u1EDBc ""parc-xl addin install"").") , vbCritical, "CCHC"
        Exit Function
    End If
    found = Probe(errText)
    If InStr(found, "|") = 0 Then
        If InStr(errText, "parc_xl") > 0 Then
            MsgBox VN("Python ch\u1EA1y \u0111\u01B0\u1EE3c nh\u01B0ng ch\u01B0a c\u00E0i g\u00F3i parc-xl:") & vbLf & py & vbLf & vbLf & _
                   VN("M\u1EDF Command Prompt v\u00E0 ch\u1EA1y: """) & py & " -m pip install parc-xl""", vbCritical, "CCHC"
        ElseIf InStr(errText, "xlwings") > 0 Then
            MsgBox VN("Python ch\u1EA1y \u0111\u01B0\u1EE3c nh\u01B0ng ch\u01B0a c\u00E0i g\u00F3i xlwings:") & vbLf & py & vbLf & vbLf & _
                   VN("M\u1EDF Command Prompt v\u00E0 ch\u1EA1y: """) & py & " -m pip install xlwings==" & XLWINGS_VERSION & """", vbCritical, "CCHC"
        Else
            MsgBox VN("Kh\u00F4ng ch\u1EA1y \u0111\u01B0\u1EE3c Python") & " (" & py & ")." & vbLf & vbLf & _
                   VN("H\u00E3y c\u00E0i Python v\u00E0 ch\u1EA1y l\u1EA1i ""parc-xl addin install"".") & vbLf & vbLf & Left$(errText, 600), vbCritical, "CCHC"
        End If
        Exit Function
    End If
    parts = Split(found, "|")
    If parts(0) <> PARC_XL_VERSION Or parts(1) <> XLWINGS_VERSION Then
        MsgBox VN("Phi\u00EAn b\u1EA3n kh\u00F4ng kh\u1EDBp gi\u1EEFa ph\u1EA7n b\u1ED5 tr\u1EE3 v\u00E0 g\u00F3i Python:") & vbLf & _
               VN("ph\u1EA7n b\u1ED5 tr\u1EE3: parc-xl ") & PARC_XL_VERSION & ", xlwings " & XLWINGS_VERSION & vbLf & _
               "Python: parc-xl " & parts(0) & ", xlwings " & parts(1) & vbLf & vbLf & _
               VN("H\u00E3y ch\u1EA1y l\u1EA1i ""parc-xl addin install"" \u0111\u1EC3 c\u00E0i ph\u1EA7n b\u1ED5 tr\u1EE3 \u0111\u00FAng phi\u00EAn b\u1EA3n.") , vbCritical, "CCHC"
        Exit Function
    End If
    PreflightPassed = True
    Preflight = True
End Function

Public Sub CallPython(ByVal buttonId As String, ParamArray namesAndValues() As Variant)
    ' Run handler buttonId of parc_xl.excel.handlers with hex-encoded keyword arguments.
    Dim cmd As String, i As Long
    If Not Preflight() Then Exit Sub
    If ActiveWorkbook Is Nothing Then Workbooks.Add   ' RunPython needs an active book
    cmd = "import parc_xl.excel.handlers as h; h.from_vba('" & PARC_XL_VERSION & "', '" & _
          XLWINGS_VERSION & "', '" & buttonId & "'"
    For i = LBound(namesAndValues) To UBound(namesAndValues)
        cmd = cmd & ", '" & CStr(namesAndValues(i)) & "'"
    Next i
    cmd = cmd & ")"
    If Len(cmd) > 7000 Then
        MsgBox VN("\u0110\u00E3 ch\u1ECDn qu\u00E1 nhi\u1EC1u t\u1EC7p cho m\u1ED9t l\u1EA7n ch\u1EA1y. H\u00E3y ch\u1ECDn \u00EDt t\u1EC7p h\u01A1n, ho\u1EB7c ch\u1ECDn c\u1EA3 th\u01B0 m\u1EE5c."), vbExclamation, "CCHC"
        Exit Sub
    End If
    RunPython cmd
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
    Set PickFiles = picked
End Function

Public Function PickSaveAs(ByVal title As String, ByVal suggested As String, ByVal filterText As String) As String
    ' Save-as picker (nothing is written by Excel); "" when cancelled.
    Dim answer As Variant
    answer = Application.GetSaveAsFilename(InitialFileName:=suggested, FileFilter:=filterText, Title:=title)
    If VarType(answer) = vbString Then PickSaveAs = answer
End Function
