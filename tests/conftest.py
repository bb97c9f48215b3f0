"""Shared fixtures: the example workbooks, a feature-rich .xlsm, and LibreOffice."""
from __future__ import annotations

import hashlib
import os
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

# xlwings' documented free key, set before anything imports xlwings (it reads the key when its pro
# modules load): tests drive xlwings code without Excel, whatever order they run in.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
sys.path.insert(0, str(WORKBOOKS))

import build as examples  # noqa: E402  (workbooks/build.py)

EXAMPLE_2019 = WORKBOOKS / "beslutsunderlag_2019.xlsx"
EXAMPLE_2018 = WORKBOOKS / "professionsmiljarden_2018.xlsx"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00\xff\x00\x00" * 1
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def vba_project() -> bytes:
    """A real VBA project: the one in xlwings' quickstart workbook."""
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as z:
        return z.read("xl/vbaProject.bin")


def rich_extras(tmp: Path):
    """Things openpyxl's load-and-save loses or that a sheet writer could disturb."""
    png = tmp / "logo.png"
    png.write_bytes(tiny_png())
    vba = tmp / "vbaProject.bin"
    vba.write_bytes(vba_project())

    def extra(wb, sheets):
        ws = sheets["activities"]
        if wb.filename.endswith(".xlsm"):
            wb.add_vba_project(str(vba))
            wb.set_vba_name("ThisWorkbook")
            ws.insert_button("L2", {"macro": "SampleCall", "caption": "Skapa Bilaga 2", "width": 120, "height": 30})
        ws.insert_textbox("L5", "Instruktion: fyll i utfall i kolumnen Utfall.", {"width": 240, "height": 60})
        ws.insert_image("L9", str(png))
        ws.write_comment("A4", "Aktivitetens namn")
        ws.write_dynamic_array_formula("N20:N20", "=UNIQUE(Aktiviteter[Objekt])", None, "9902")
        ws.write_url("L12", "https://www.skr.se/", string="SKR")
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"values": "=Aktiviteter!$E$5:$E$8", "name": "Belopp"})
        ws.insert_chart("L14", chart)
        wb.define_name("Aktiviteter!LokaltNamn", "=Aktiviteter!$A$1")
        ws.conditional_format("E5:E27", {"type": "data_bar", "data_bar_2010": True})  # an x14 extension
        ws.add_sparkline("N2", {"range": "Aktiviteter!E5:E10"})  # another one
    return extra


def _rich(tmp_path_factory, suffix: str) -> Path:
    tmp = tmp_path_factory.mktemp("rich")
    path = tmp / f"rich{suffix}"
    examples.build(path, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"], rich_extras(tmp))
    return path


@pytest.fixture(scope="session")
def rich_xlsm(tmp_path_factory) -> Path:
    return _rich(tmp_path_factory, ".xlsm")


@pytest.fixture(scope="session")
def rich_xlsx(tmp_path_factory) -> Path:
    return _rich(tmp_path_factory, ".xlsx")


@pytest.fixture(scope="session")
def libreoffice():
    """The LibreOffice converter; on CI its absence is a failure, elsewhere a skip."""
    from xl_statsbidrag.files import libreoffice as lo

    if lo.soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required on CI (apt-get install libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    return lo


DEFAULT_HEADERS = ["Aktivitet", "Verksamhet", "Belopp", "Objekt", "Pott", "Utfall"]


def small_book(path: Path, rows: list[list], headers: list[str] | None = None,
               pots: list[tuple] | None = None, labels: dict[str, object] | None = None,
               objekt: list[str] | None = None, sheet_name: str = "Överenskommelse",
               table_name: str = "Aktiviteter") -> Path:
    """A small decision-support workbook written by XlsxWriter, for tests that need variations."""
    import xlsxwriter

    headers = headers or DEFAULT_HEADERS
    pots = pots if pots is not None else [("Stimulansmedel", 1000, "Nej", ""), ("Specialistsjuksköterskor", 500, "Ja", "SSK")]
    values = {"Överenskommelsens benämning": "Testöverenskommelsen", "År": 2019,
              "Bidragsmottagare": "Region Test"}
    values.update(labels or {})
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet_name)
    r = 0
    for label, value in values.items():
        ws.write(r, 0, label)
        if value is not None:
            ws.write(r, 1, value)
        r += 1
    r += 1
    ws.add_table(r, 0, r + max(1, len(pots)), 3, {"name": "Potter", "columns": [{"header": h} for h in
                 ("Pott", "Belopp", "Öronmärkt", "Ändamål")], "data": [list(p) for p in pots]})
    r += len(pots) + 3
    if objekt is not None:
        ws.add_table(r, 0, r + max(1, len(objekt)), 1, {"name": "Objekt", "columns": [{"header": "Objekt"},
                     {"header": "Benämning"}], "data": [[o, ""] for o in objekt]})
    ws2 = wb.add_worksheet("Aktiviteter")
    ws2.add_table(2, 0, 2 + max(1, len(rows)), len(headers) - 1, {
        "name": table_name, "columns": [{"header": h} for h in headers]})
    for i, row in enumerate(rows):  # strings as strings, even when they start with "="
        for j, value in enumerate(row):
            if isinstance(value, str):
                ws2.write_string(3 + i, j, value)
            elif value is not None:
                ws2.write_number(3 + i, j, value)
    wb.close()
    return path


def pytest_terminal_summary(terminalreporter):
    """Say how many inputs the fuzz tests tried."""
    import sys

    fuzz = sys.modules.get("test_fuzz")
    if fuzz is not None and any(fuzz.TRIED.values()):
        terminalreporter.write_line("fuzzing: " + ", ".join(f"{k}: {v} inputs" for k, v in fuzz.TRIED.items()))
