"""xl-statsbidrag: targeted state grants (riktade statsbidrag) for Swedish regions, in Excel.

The core (model, amounts, validation, report layout) has no I/O; ``xlsx`` reads and writes
workbook files, ``cli`` is the command line.
"""
__version__ = "0.1.0"
