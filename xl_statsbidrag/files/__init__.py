"""Files other than the workbook package: paths and the kinds of file the tool takes, files written
whole or not at all, CSV that Excel opens safely, iCalendar, and LibreOffice headless."""
