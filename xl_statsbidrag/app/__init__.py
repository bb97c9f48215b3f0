"""The use cases, each written once as ``usecase(book, target, ...)``: the CLI (``cli``), batch, the
buttons in Excel (``excel``) and xlwings Lite (``lite/main.py``) run the same code.  A ``target.Target``
is where the sheets go: a copy of a workbook file (``files.FileCopy``), a new workbook
(``files.NewWorkbook``) or the workbook open in Excel (``excel.writer.OpenWorkbook``)."""
