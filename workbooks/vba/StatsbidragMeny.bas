Attribute VB_Name = "StatsbidragMeny"
' Fliken "Statsbidrag" i tillägget Statsbidrag.xlam. Knapparna arbetar på den arbetsbok som var aktiv
' när knappen klickades (xlwings-tilläggets RunPython skickar den till Python, som tar den med
' xw.Book.caller()), så att regionens egna arbetsböcker kan förbli vanliga .xlsx utan makron.
'
' Varje knapp kör Python-paketet xl_statsbidrag genom xlwings-tillägget (RunPython). Det som behövs
' på datorn (se README, avsnittet "För dig som arbetar i Excel"): Python med paketet installerat från
' projektets wheel-fil eller en kopia av projektet, och xlwings-tillägget (xlwings addin install).
Option Explicit

' Knapparna Skapa Bilaga 2, Kontrollera, Hämta utfall och Rekvisition: en och samma återanropsrutin, där
' knappens tag (customUI14.xml) är namnet på Python-funktionen (xl_statsbidrag.excel.buttons.BUTTONS).
' En ny knapp behöver en rad i customUI14.xml och en funktion i BUTTONS, ingen ny VBA.
Public Sub Knapp(control As IRibbonControl)
    KorPython "knapp('" & control.Tag & "')"
End Sub

' Fördela frågar först efter det belopp som ska fördelas.
Public Sub FordelaKnapp(control As IRibbonControl)
    Dim total As String
    If Not ArbetsbokFinns() Then Exit Sub
    total = InputBox("Det nationella belopp som ska fördelas på regionerna efter folkmängd " & _
                     "(kronor, t.ex. 2 835 000 000 eller 2835 mkr):", "Fördela")
    total = Replace(Replace(Replace(Trim$(total), "'", ""), "\", ""), vbLf, "")
    If Len(total) = 0 Then Exit Sub
    KorPython "fordela(None, '" & total & "')"
End Sub

' En arbetsbok i skyddad vy (filer från internet eller e-post) är inte ActiveWorkbook: säg det.
Private Function ArbetsbokFinns() As Boolean
    Dim skyddad As Boolean
    If Not ActiveWorkbook Is Nothing Then
        ArbetsbokFinns = True
        Exit Function
    End If
    On Error Resume Next
    skyddad = Not Application.ActiveProtectedViewWindow Is Nothing
    On Error GoTo 0
    If skyddad Then
        MsgBox "Arbetsboken är öppnad i skyddad vy. Klicka Aktivera redigering i det gula fältet " & _
               "och klicka på knappen igen.", vbInformation, "Statsbidrag"
    Else
        MsgBox "Öppna beslutsunderlaget (arbetsboken) först.", vbInformation, "Statsbidrag"
    End If
End Function

Private Sub KorPython(ByVal anrop As String)
    If Not ArbetsbokFinns() Then Exit Sub
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
