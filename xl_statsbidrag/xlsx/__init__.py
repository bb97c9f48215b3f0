"""Adapter for workbook files on disk: reading a package's parts and cells as a stream, and adding or
replacing sheets in a copy of it, one module per part as the package has them (lxml throughout; never
openpyxl load and save; every part not touched is copied byte for byte).  The modules: ARCHITECTURE.md.
"""
