"""Adapter for workbook files on disk, one module per part as the package has them (lxml throughout;
never openpyxl load and save).

Reading: ``package`` (the zip, its parts and relationships, hardened), ``cells`` (sheet values as a
stream), ``file_source`` (a file as a ``read.source.Source``).

Writing into a copy of a package: ``writer`` (the transaction: which parts change, are added or go),
``worksheet``, ``table``, ``styles``, ``workbook``, ``relationships``, ``content_types``, ``app``,
``custom``, ``cellpatch`` (cells set in an existing sheet), ``vbaproject`` (the module names of an
.xlsm's project, for a new sheet's code name; the project itself is copied byte for byte), and
``zipio`` (every other part copied as raw compressed bytes).  ``newbook`` makes a new workbook (with
``theme``) and writes into it the same way; ``ooxml`` names the namespaces and types.
"""
