"""The shipped workbooks are exactly what workbooks/build.py makes."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
import re

from lxml import etree
from oletools.olevba import VBA_Parser
import openpyxl
from openxml_audit import FileFormat, OpenXmlValidator
import pytest

from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, parts, examples
from tests.ooxml_checks import check_package

from xl_statsbidrag import excel
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.app.validate import validate_file
from xl_statsbidrag.xlsx.file_source import read_book
from xl_statsbidrag.xlsx.package import Package


XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


# --- the .xlsm as a file ------------------------------------------------------------------------------

def test_xlsm_has_its_macros_buttons_and_settings():
    p = parts(XLSM)
    assert "xl/vbaProject.bin" in p
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in p["[Content_Types].xml"]
    vml = p["xl/drawings/vmlDrawing1.vml"].decode()
    assert vml.count("[0]!Knapp") == 4 and ">Skapa Bilaga 2<" in vml and ">Kontrollera<" in vml
    parser = VBA_Parser("beslutsunderlag_2019.xlsm", data=XLSM.read_bytes())
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    code = modules["Statsbidrag.bas"]
    assert "Public Sub Knapp()" in code and "x.knapp(" in code and "xlwings.xlam!RunPython" in code
    assert code.replace("\r\n", "\n").strip() == (WORKBOOKS / "vba" / "Statsbidrag.bas").read_text(
        encoding="utf-8").replace("\r\n", "\n").strip()
    workbook = p["xl/workbook.xml"].decode()
    assert 'codeName="ThisWorkbook"' in workbook and "ThisWorkbook.cls" in modules
    for i in (1, 2, 3):
        assert f'codeName="Sheet{i}"' in p[f"xl/worksheets/sheet{i}.xml"].decode()
        assert f"Sheet{i}.cls" in modules
    conf = openpyxl.load_workbook(XLSM)["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "xl_statsbidrag.excel")
    assert read_book(XLSM).decided == Decimal(41197089)


@pytest.mark.parametrize("path", [EXAMPLE_2019, EXAMPLE_2018])
def test_shipped_workbooks_are_valid(path):
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(path) == []


@pytest.mark.parametrize("example", sorted(p.name for p in WORKBOOKS.iterdir() if p.suffix in (".xlsx", ".xlsm")))
def test_the_shipped_examples_are_unsigned_and_written_as_before(example, tmp_path):
    with Package(WORKBOOKS / example) as pkg:
        assert pkg.signatures() == [] and pkg.vba_signature_parts() == []
    if example.startswith("professionsmiljarden") or example.startswith("beslutsunderlag"):
        notes = []
        report_file(WORKBOOKS / example, tmp_path / f"r{Path(example).suffix}", notes=notes)
        assert not [n for n in notes if "signature" in n]
        _, findings = validate_file(WORKBOOKS / example)
        assert not [f for f in findings if f.code.startswith("signera")]


def test_shipped_ledger_is_reproducible(tmp_path):
    assert examples.example_ledger(tmp_path / "h.csv").read_bytes() == (WORKBOOKS / "huvudbok_2019.csv").read_bytes()


def test_the_xlsm_has_the_hamta_utfall_button_and_macro():
    from oletools.olevba import VBA_Parser

    xlsm = WORKBOOKS / "beslutsunderlag_2019.xlsm"
    vml = parts(xlsm)["xl/drawings/vmlDrawing1.vml"].decode()
    assert "[0]!Knapp" in vml and ">Hämta utfall<" in vml
    modules = {name: code for _, _, name, code in VBA_Parser("b.xlsm", data=xlsm.read_bytes()).extract_macros()}
    assert "Public Sub Knapp()" in modules["Statsbidrag.bas"]
    from xl_statsbidrag.excel.buttons import knapp, hamta_utfall

    assert hamta_utfall.title == "Hämta utfall" and knapp.__name__ == "knapp"  # the macro's knapp('Hämta utfall')


XLAM = WORKBOOKS / "Statsbidrag.xlam"


# --- the add-in's package -------------------------------------------------------------------------------------

def test_addin_is_an_xlam_with_the_ribbon_tab_and_callbacks():
    p = parts(XLAM)
    assert b'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"' in \
        p["[Content_Types].xml"]
    assert b'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" ' \
           b'Target="customUI/customUI14.xml"' in p["_rels/.rels"]
    from lxml import etree

    ui = etree.fromstring(p["customUI/customUI14.xml"])
    ns = {"c": "http://schemas.microsoft.com/office/2009/07/customui"}
    tab = ui.find(".//c:tab", ns)
    assert tab.get("label") == "Statsbidrag"
    buttons = [(b.get("label"), b.get("onAction"), b.get("tag")) for b in tab.iterfind(".//c:button", ns)]
    assert buttons == [("Skapa Bilaga 2", "Knapp", "skapa_bilaga2"), ("Kontrollera", "Knapp", "kontrollera"),
                       ("Hämta utfall", "Knapp", "hamta_utfall"), ("Rekvisition", "Knapp", "rekvisition"),
                       ("Bokslut", "Knapp", "bokslut"), ("Fördela", "FordelaKnapp", None)]
    code = {n: c for _, _, n, c in VBA_Parser(XLAM.name, data=XLAM.read_bytes()).extract_macros()}["StatsbidragMeny.bas"]
    callbacks = re.findall(r"Public Sub (\w+)\(control As IRibbonControl\)", code)
    assert callbacks == ["Knapp", "FordelaKnapp"]  # one generic callback, and Fördela's, which asks for a total
    assert "KorPython \"knapp('\" & control.Tag & \"')\"" in code
    assert '"import xl_statsbidrag.excel as x; x." & anrop' in code and "active_book" not in code
    # the buttons act on xw.Book.caller(): the workbook active at the click, which xlwings' RunPython passes
    assert re.search(r'KorPython "fordela\(None, ', code)
    assert "ActiveWorkbook Is Nothing" in code and "ActiveProtectedViewWindow" in code and "Aktivera redigering" in code
    # the Python each callback runs exists, takes the book first, and is valid Python as the macro builds it
    import inspect

    from xl_statsbidrag import excel

    for fn in ("knapp", "fordela"):
        assert "book" in inspect.signature(getattr(excel, fn)).parameters
    for tag in [b[2] for b in buttons if b[2]]:
        compile(f"import xl_statsbidrag.excel as x; x.knapp('{tag}')", "RunPython", "exec")
    compile("import xl_statsbidrag.excel as x; x.fordela(None, '2 835 mkr')", "RunPython", "exec")


def _ribbon_buttons() -> list:
    from lxml import etree

    ui = etree.fromstring(parts(XLAM)["customUI/customUI14.xml"])
    return list(ui.iterfind(".//{http://schemas.microsoft.com/office/2009/07/customui}button"))


def test_every_ribbon_tag_names_a_button_and_every_button_is_on_the_ribbon():
    """The generic callback: a ribbon button's tag names a function of BUTTONS (the ``knapp`` it runs finds
    it), and every function of BUTTONS has a ribbon button; Fördela, which asks for a total first, has its
    own callback and is not in BUTTONS."""
    import inspect

    from xl_statsbidrag.excel.buttons import BUTTONS, knapp

    generic = [b for b in _ribbon_buttons() if b.get("onAction") == "Knapp"]
    tags = [b.get("tag") for b in generic]
    assert set(tags) <= set(BUTTONS) and len(tags) == len(set(tags))
    assert set(BUTTONS) == set(tags)
    assert {b.get("onAction") for b in _ribbon_buttons()} == {"Knapp", "FordelaKnapp"}
    for name, work in BUTTONS.items():
        assert list(inspect.signature(work).parameters)[0] == "book" and work.__name__ == name
    for b in generic:  # the label the user sees is the button's own title (its dialogs' title)
        assert BUTTONS[b.get("tag")].title == b.get("label")
    with pytest.raises(SystemExit, match="no button 'nothing'"):
        knapp("nothing")


def test_every_workbook_button_runs_knapp_with_a_caption_that_names_a_button():
    """The .xlsm's buttons all run the one macro Knapp, which passes the clicked button's caption; ``knapp``
    finds the button of BUTTONS by that title (the same function as the ribbon's tag)."""
    from xl_statsbidrag.excel.buttons import BUTTONS

    vml = parts(XLSM)["xl/drawings/vmlDrawing1.vml"].decode()
    macros = re.findall(r"<x:FmlaMacro>([^<]*)</x:FmlaMacro>", vml)
    captions = re.findall(r'<font face="Calibri" size="220" color="#000000">([^<]*)</font>', vml)
    assert macros == ["[0]!Knapp"] * 4
    titles = {f.title: name for name, f in BUTTONS.items()}
    assert [titles.get(c) for c in captions] == ["skapa_bilaga2", "kontrollera", "hamta_utfall", "rekvisition"]
    code = {n: c for _, _, n, c in VBA_Parser(XLSM.name, data=XLSM.read_bytes()).extract_macros()}["Statsbidrag.bas"]
    assert re.findall(r"Public Sub (\w+)\(", code) == ["Knapp"]
    assert "Application.Caller" in code and "x.knapp('\" & titel & \"')" in code


def test_macros_error_dialogs_give_the_readmes_commands():
    from xl_statsbidrag.excel import INSTALL_COMMANDS

    # the README's section "För dig som arbetar i Excel" (which the macros name) and the user guide it links to
    docs = [(WORKBOOKS.parent / name).read_text(encoding="utf-8") for name in ("README.md", "docs/anvandarguide.md")]
    for bas in ("Statsbidrag.bas", "StatsbidragMeny.bas"):
        code = (WORKBOOKS / "vba" / bas).read_text(encoding="utf-8").replace('""', '"')  # VBA's doubled quotes
        for command in INSTALL_COMMANDS:
            assert command in code and all(command in readme for readme in docs), (bas, command)
        assert "pip install xl-statsbidrag" not in code and not any("pip install xl-statsbidrag" in r for r in docs)
    import tomllib

    version = tomllib.loads((WORKBOOKS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert f"xl_statsbidrag-{version}-py3-none-any.whl" in INSTALL_COMMANDS[0]  # the wheel python -m build makes


def test_addin_is_valid_ooxml():
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(XLAM))
    assert result.is_valid, [str(e) for e in result.errors][:5]


def test_shipped_addin_and_xlsm_are_what_build_makes(tmp_path):
    examples.build_all(tmp_path)
    for name in ("Statsbidrag.xlam", "beslutsunderlag_2019.xlsm"):
        assert (tmp_path / name).read_bytes() == (WORKBOOKS / name).read_bytes(), name


def test_shipped_workbooks_are_reproducible(tmp_path):
    for path in examples.build_all(tmp_path):
        shipped = WORKBOOKS / path.name
        assert parts(path) == parts(shipped), f"{shipped.name} differs from build.py: run python workbooks/build.py"
