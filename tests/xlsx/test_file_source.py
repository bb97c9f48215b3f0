"""Tests of xl_statsbidrag.xlsx.file_source."""
import io
import os
import random
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from tests.conftest import EXAMPLE_2019, parts

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx.file_source import read_book

pytestmark = pytest.mark.system


# On CI the same inputs every run (a red CI must be reproducible); elsewhere new ones each run.
DERANDOMIZE = bool(os.environ.get("CI"))


TRIED = {"amount parser": 0, "reader, mutated zip bytes": 0, "reader, mutated sheet XML": 0}


SOURCE = EXAMPLE_2019.read_bytes()


SHEET = parts(EXAMPLE_2019)["xl/worksheets/sheet2.xml"]


def _read(data: bytes, tmp_path) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    try:
        read_book(path)
    except UserError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(SOURCE) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_reader_on_mutated_zip_bytes(tmp_path, flips):
    TRIED["reader, mutated zip bytes"] += 1
    data = bytearray(SOURCE)
    for at, byte in flips:
        data[at] = byte
    _read(bytes(data), tmp_path)


def _with_sheet(sheet: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(SOURCE)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet2.xml" else zin.read(info))
    return out.getvalue()


@settings(max_examples=300, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1), st.integers(1, 20))
def test_reader_on_mutated_sheet_xml(tmp_path, seed, count):
    TRIED["reader, mutated sheet XML"] += 1
    rng = random.Random(seed)
    sheet = bytearray(SHEET)
    pieces = [b"<", b">", b"\"", b"/", b"&", b"9", b"-", b"r=\"ZZ9\"", b"t=\"s\"", b"t=\"e\"", b"<v>", b"</c>",
              b"<row r=\"2\">", b"x", b"\x00", b"\xff"]
    for _ in range(count):
        at = rng.randrange(len(sheet))
        if rng.random() < 0.5:
            sheet[at:at + 1] = rng.choice(pieces)
        else:
            del sheet[at:at + rng.randint(1, 20)]
    _read(_with_sheet(bytes(sheet)), tmp_path)
