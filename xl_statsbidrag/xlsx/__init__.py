"""Adapter for workbook files on disk: reading (openpyxl, read-only) and writing one sheet into
the package directly."""
