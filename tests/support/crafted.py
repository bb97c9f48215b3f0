"""Crafted workbooks: a package copied with members replaced, added or dropped; cells rewritten in place; plain
region layouts; and the expectation that reading one refuses it with a clear error."""
import datetime as dt
import os
import subprocess
import sys
import time
import zipfile

from lxml import etree
import pytest
import xlsxwriter

from tests.conftest import parts, ROOT

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx.ooxml import NS_EXTENDED, NS_VT


TODAY = dt.date(2026, 11, 22)


ACTIVITY_SHEET = "xl/worksheets/sheet2.xml"


# Bounds against blow-ups (a zip bomb inflated, a million-column row allocated), far above the
# normal time so that a busy machine does not fail them; speed itself is measured in benchmarks/.
BOUNDED = 30.0


def _app(count: int, titles: list[str]) -> etree._Element:
    v = f"{{{NS_VT}}}"
    root = etree.Element(f"{{{NS_EXTENDED}}}Properties", nsmap={None: NS_EXTENDED, "vt": NS_VT})
    pairs = etree.SubElement(etree.SubElement(root, f"{{{NS_EXTENDED}}}HeadingPairs"), v + "vector", size="2")
    etree.SubElement(etree.SubElement(pairs, v + "variant"), v + "lpstr").text = "Kalkylblad"
    etree.SubElement(etree.SubElement(pairs, v + "variant"), v + "i4").text = str(count)
    vector = etree.SubElement(etree.SubElement(root, f"{{{NS_EXTENDED}}}TitlesOfParts"), v + "vector",
                              size=str(len(titles)))
    for title in titles:
        etree.SubElement(vector, v + "lpstr").text = title
    return root


def cli(*args, env=None):
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          env=environment)


def with_cell(path, target, ref, cell_xml, sheet=ACTIVITY_SHEET):
    """A copy of ``path`` with the cell ``ref`` of a sheet replaced by ``cell_xml``."""
    xml = parts(path)[sheet].decode()
    start = xml.index(f'<c r="{ref}"')
    end = xml.index("</c>", start) + 4 if xml.find("/>", start) > xml.find("</c>", start) else xml.index("/>", start) + 2
    return rezip(path, target, replace={sheet: (xml[:start] + cell_xml + xml[end:]).encode()})


def plain_book(path, rows, header=("Aktivitet", "Verksamhet", "Belopp", "Objekt")):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", header)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    wb.close()
    return path


def rezip(source, target, replace=None, add=None, drop=()):
    """A copy of a package with some members replaced, added or dropped."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


def refused(path, *words, seconds=BOUNDED):
    """``report`` refuses the file in bounded time, with the words in its message, and writes nothing."""
    out = path.with_name("out.xlsx")
    start = time.perf_counter()
    with pytest.raises(UserError) as info:
        report_file(path, out, TODAY)
    assert time.perf_counter() - start < seconds
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert not out.exists()
    assert not list(path.parent.glob(".out.xlsx.*"))
    return message


def _plain_book(path, merged_amount=False, chart=False, defined=None):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", ["Aktivitet", "Verksamhet", "Belopp", "Objekt"])
    ws.write_row("A2", ["Första", "HoS", 1000, 9917])
    ws.write_row("A3", ["Andra", "HoS", None if merged_amount else 500, 9917])
    ws.write_row("A4", ["Tredje", "HoS", 500, 9917])
    if merged_amount:
        ws.merge_range("C2:C3", 1000)
    if chart:
        sheet = wb.add_chartsheet("Diagram")
        c = wb.add_chart({"type": "column"})
        c.add_series({"values": "=Blad1!$C$2:$C$4"})
        sheet.set_chart(c)
    if defined:
        wb.define_name(defined, "=Blad1!$A$1")
    wb.close()
    return path


def _edit(source, target, change):
    """A copy of a package with some members changed: change(name, data) -> data, or None to drop it;
    and change(None, None) -> {name: data} to add."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in change(None, None).items():
            zout.writestr(name, data)
    return target
