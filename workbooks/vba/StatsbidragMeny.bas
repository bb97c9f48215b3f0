Attribute VB_Name = "StatsbidragMeny"
' Fliken "Statsbidrag" i tillägget Statsbidrag.xlam. Knapparna arbetar på den arbetsbok som är
' aktiv, så att regionens egna arbetsböcker kan förbli vanliga .xlsx utan makron.
'
' Varje knapp kör Python-paketet xl_statsbidrag genom xlwings-tillägget (RunPython) med den aktiva
' arbetsboken. Det som behövs på datorn (se README, avsnittet "För dig som arbetar i Excel"):
' Python med paketet installerat från projektets wheel-fil eller en kopia av projektet, och
' xlwings-tillägget (xlwings addin install).
Option Explicit

Public Sub SkapaBilaga2Knapp(control As IRibbonControl)
    KorPython "skapa_bilaga2(x.active_book())"
End Sub

Public Sub KontrolleraKnapp(control As IRibbonControl)
    KorPython "kontrollera(x.active_book())"
End Sub

Public Sub HamtaUtfallKnapp(control As IRibbonControl)
    KorPython "hamta_utfall(x.active_book())"
End Sub

Public Sub RekvisitionKnapp(control As IRibbonControl)
    KorPython "rekvisition(x.active_book())"
End Sub

Public Sub FordelaKnapp(control As IRibbonControl)
    Dim total As String
    total = InputBox("Det nationella belopp som ska fördelas på regionerna efter folkmängd " & _
                     "(kronor, t.ex. 2 835 000 000 eller 2835 mkr):", "Fördela")
    total = Replace(Replace(Replace(Trim$(total), "'", ""), "\", ""), vbLf, "")
    If Len(total) = 0 Then Exit Sub
    KorPython "fordela(x.active_book(), '" & total & "')"
End Sub

Private Sub KorPython(ByVal anrop As String)
    If ActiveWorkbook Is Nothing Then
        MsgBox "Öppna beslutsunderlaget (arbetsboken) först.", vbInformation, "Statsbidrag"
        Exit Sub
    End If
    On Error GoTo Saknas
    Application.Run "xlwings.xlam!RunPython", "import xl_statsbidrag.excel as x; x." & anrop
    Exit Sub
Saknas:
    MsgBox "Python kunde inte startas genom xlwings-tillägget." & vbCrLf & vbCrLf & _
           "Installera paketet i en kommandotolk:" & vbCrLf & _
           "    pip install ""xl_statsbidrag-0.1.0-py3-none-any.whl[all]""" & vbCrLf & _
           "(eller pip install "".[all]"" i en kopia av projektet) och tillägget:" & vbCrLf & _
           "    xlwings addin install" & vbCrLf & _
           "Starta sedan om Excel." & vbCrLf & vbCrLf & "Fel: " & Err.Description, _
           vbExclamation, "Statsbidrag"
End Sub
