"""Tests of xl_statsbidrag.ledger.read."""
from __future__ import annotations

import re

import pytest

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.read import read_ledger


def test_refused_files(tmp_path):
    for name, data, message in [
        ("h.pdf", b"%PDF-1.4\x00\x00", "neither CSV, Excel (.xlsx) nor SIE"),
        ("h.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "not a readable Excel workbook"),
        ("h.csv", b"just some words\nwithout any separator\n", "no separator"),
        ("h.csv", b"a;b;c\n1;2;3\n", "no header row with konto, objekt and belopp"),
        ("h.xlsx", b"PK\x03\x04broken", "the Excel file cannot be read"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(UserError, match=re.escape(message)):
            read_ledger(path)
    with pytest.raises(UserError, match="no such file"):
        read_ledger(tmp_path / "missing.csv")
