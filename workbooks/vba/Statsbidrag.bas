Attribute VB_Name = "Statsbidrag"
' Knapparna "Skapa Bilaga 2", "Kontrollera", "Hämta utfall" och "Rekvisition" i beslutsunderlaget.
'
' Alla knappar kör makrot Knapp: Application.Caller är namnet på knappen som klickades, och knappens text
' (t.ex. "Skapa Bilaga 2") säger Python vilken knapp det är (xl_statsbidrag.excel.buttons.knapp). En ny
' knapp behöver ingen ny VBA.
'
' Makrot kör Python-paketet xl_statsbidrag på den här arbetsboken genom xlwings-tillägget
' (RunPython). Det som behövs på datorn (se README, avsnittet "För dig som arbetar i Excel"):
' Python med paketet installerat från projektets wheel-fil eller en kopia av projektet, och
' xlwings-tillägget (xlwings addin install).
Option Explicit

Public Sub Knapp()
    Dim titel As String
    On Error Resume Next
    titel = ActiveSheet.Buttons(Application.Caller).Caption
    On Error GoTo 0
    titel = Replace(Replace(titel, "'", ""), "\", "")
    If Len(titel) = 0 Then
        MsgBox "Klicka på en av knapparna på bladet.", vbInformation, "xl-statsbidrag"
        Exit Sub
    End If
    KorPython "import xl_statsbidrag.excel as x; x.knapp('" & titel & "')"
End Sub

Private Sub KorPython(ByVal kod As String)
    On Error GoTo Saknas
    Application.Run "xlwings.xlam!RunPython", kod
    Exit Sub
Saknas:
    MsgBox "Python kunde inte startas genom xlwings-tillägget." & vbCrLf & vbCrLf & _
           "Installera paketet i en kommandotolk:" & vbCrLf & _
           "    pip install ""xl_statsbidrag-0.1.0-py3-none-any.whl[all]""" & vbCrLf & _
           "(eller pip install "".[all]"" i en kopia av projektet) och tillägget:" & vbCrLf & _
           "    xlwings addin install" & vbCrLf & _
           "Starta sedan om Excel." & vbCrLf & vbCrLf & "Fel: " & Err.Description, _
           vbExclamation, "xl-statsbidrag"
End Sub
