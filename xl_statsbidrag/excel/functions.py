"""The worksheet functions, for Excel through xlwings ("UDF Modules" = xl_statsbidrag.excel, which names them
at its top) and for xlwings Lite (``lite/main.py`` wraps them):

    =SB_FORDELA(total; vikter; [regel])      a column of kronor, spilling
    =SB_KVAR(pott; belopp)                   what is left of a pot
    =SB_KONTROLL(tillgängligt; belopp; [namn]; [pott]; [pottnamn]; [pottbelopp]; [öronmärkt])

Each runs the plain function of ``app.functions``.  A function that cannot give a result returns Excel's
error value #VALUE! with its Swedish message in the cell to the right (``function_error``): a formula
over it sees the error (ISERROR is TRUE, SUM gives #VALUE!).  It does not raise: classic xlwings' VBA
wrapper would write the exception's text into the cell, which formulas take for text.  Results are 2-D
lists: Excel 365 spills them; in Excel 2016/2019 select the range first and enter the formula with
Ctrl+Shift+Enter (a legacy array formula).
"""
from __future__ import annotations

import sys

import xlwings as xw

from ..app import functions
from ..core.allocation import AllocationError
from ..core.errors import UserError
from ..core.money import AmountError


def _swedish(exc: Exception) -> str:
    if isinstance(exc, AmountError):
        return exc.sv
    if isinstance(exc, UserError):
        return exc.message
    return f"beräkningen kunde inte göras ({exc})"


XL_ERR_VALUE = -2146826273  # CVErr(xlErrValue) as COM carries it: VT_ERROR with SCODE 0x800A07DF


def excel_error_value(platform: str | None = None) -> object:
    """Excel's #VALUE! as a function's result must carry it to the cell.  Classic xlwings (Windows) hands
    the result to COM as it is, and pywin32 turns its ``VARIANT(VT_ERROR, scode)`` into an error value
    (VBA's CVErr); xlwings has no error type of its own there (xlwings issues 776, 1108).  Under xlwings
    Lite (Pyodide) xlwings' Office.js engine turns the text "#VALUE!" into the error itself
    (``xlwings.pro._xlofficejs.errorstr_to_errortype``)."""
    if (platform or sys.platform) == "win32":
        import pythoncom  # lazy: Windows only (pywin32)
        from win32com.client import VARIANT  # lazy: Windows only

        return VARIANT(pythoncom.VT_ERROR, XL_ERR_VALUE)
    return "#VALUE!"


def function_error(message: str) -> list[list[object]]:
    """The result of a function that cannot give one: #VALUE! and, to its right, the Swedish message."""
    return [[excel_error_value(), message]]


def _sheet_function(call):
    try:
        return call()
    except (UserError, AmountError, AllocationError) as exc:
        return function_error(_swedish(exc))


@xw.func
@xw.arg("vikter", ndim=2)
def SB_FORDELA(total, vikter, regel="largest-remainder"):
    """Fördelar ett totalbelopp på vikter (t.ex. folkmängd) i hela kronor som summerar exakt."""
    return _sheet_function(lambda: functions.allocate(total, vikter, regel or "largest-remainder"))


@xw.func
@xw.arg("belopp", ndim=2)
def SB_KVAR(pott, belopp):
    """Det som återstår av en pott efter beloppen i ett område."""
    return _sheet_function(lambda: functions.remainder(pott, belopp))


@xw.func
@xw.arg("belopp", ndim=2)
@xw.arg("namn", ndim=2)
@xw.arg("pott", ndim=2)
@xw.arg("pottnamn", ndim=2)
@xw.arg("pottbelopp", ndim=2)
@xw.arg("oronmarkt", ndim=2)
def SB_KONTROLL(tillgangligt, belopp, namn=None, pott=None, pottnamn=None, pottbelopp=None, oronmarkt=None):
    """Kontrollerar beloppen mot det som finns att fördela; en tabell med avvikelserna."""
    return _sheet_function(lambda: functions.findings(tillgangligt, belopp, namn, pott, pottnamn, pottbelopp,
                                                       oronmarkt))
