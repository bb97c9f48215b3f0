"""Inside Excel, through xlwings: the worksheet functions (``functions``), the buttons of the decision-support
workbook and of the add-in Statsbidrag.xlam's ribbon (``buttons``), the open workbook as a source
(``source``) and as a target (``writer``).  Everything here is adaptation: the work is done by the use
cases of ``app``, the same code as the CLI's.

This module is what xlwings imports by name ("UDF Modules" = xl_statsbidrag.excel on the sheet
xlwings.conf of the .xlsm; ``RunPython "import xl_statsbidrag.excel as x; x.skapa_bilaga2()"`` in the
macros and the ribbon; ``lite/main.py``), so it names the functions, the buttons and what Lite runs.
"""
from .buttons import (BUTTONS, INSTALL_COMMANDS, LEDGER_FILTER, NO_FILE_DIALOG, NO_WORKBOOK, bokslut, button, check,
                      close_year, create_report, create_requisition, fetch_utfall, findings_text, fordela, hamta_utfall, knapp,
                      kontrollera, rekvisition, skapa_bilaga2)
from .functions import SB_FORDELA, SB_KONTROLL, SB_KVAR, excel_error_value, function_error
from .source import Classic, Lite, Live, LiveSource, book_name, read_async, read_live
from .writer import OpenWorkbook, column_width, write_layout
from ..core.errors import UserError
from ..core.money import format_kr

__all__ = ["BUTTONS", "INSTALL_COMMANDS", "LEDGER_FILTER", "NO_FILE_DIALOG", "NO_WORKBOOK", "bokslut", "button", "check",
           "close_year",
           "create_report", "create_requisition", "fetch_utfall", "findings_text", "fordela", "hamta_utfall", "knapp",
           "kontrollera", "rekvisition", "skapa_bilaga2", "SB_FORDELA", "SB_KONTROLL", "SB_KVAR", "excel_error_value",
           "function_error", "Classic", "Lite", "Live", "LiveSource", "book_name", "read_async", "read_live",
           "OpenWorkbook", "column_width", "write_layout", "UserError", "format_kr"]
