"""Adapter for workbook files on disk (lxml): the package and its parts (``package``), a file as a
``format_reader.Source`` (``file_source``, values streamed by ``cells``), and writing sheets into a
copy of the package directly (``writer``, ``worksheet``, ``styles``, ``table``, ``cellpatch``, ``newbook``, ``zipio``); never
openpyxl load and save."""
