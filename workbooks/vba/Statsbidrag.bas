Attribute VB_Name = "Statsbidrag"
' Knapparna "Skapa Bilaga 2", "Kontrollera", "Hämta utfall" och "Rekvisition" i beslutsunderlaget.
'
' Makrona kör Python-paketet xl_statsbidrag på den här arbetsboken genom xlwings-tillägget
' (RunPython). Det som behövs på datorn (se README, avsnittet "För dig som arbetar i Excel"):
' Python med paketet installerat från projektets wheel-fil eller en kopia av projektet, och
' xlwings-tillägget (xlwings addin install).
Option Explicit

Public Sub SkapaBilaga2()
    KorPython "import xl_statsbidrag.excel as x; x.skapa_bilaga2()"
End Sub

Public Sub Kontrollera()
    KorPython "import xl_statsbidrag.excel as x; x.kontrollera()"
End Sub

Public Sub HamtaUtfall()
    KorPython "import xl_statsbidrag.excel as x; x.hamta_utfall()"
End Sub

Public Sub Rekvisition()
    KorPython "import xl_statsbidrag.excel as x; x.rekvisition()"
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
