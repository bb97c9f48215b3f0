"""The VBA projects of the shipped .xlsm, of the add-in Statsbidrag.xlam, and of a workbook that
``report`` added sheets to, read by readers we did not write: olefile (the compound file), oletools
(the modules' source), LibreOffice's import (Basic modules, document modules with their sheets' code
names, and the buttons' bindings), and a decoder of [MS-OVBA] 2.4.3 written here from the spec."""
import datetime as dt
from pathlib import Path
import re
import shutil
import struct
import subprocess
import uuid
import zipfile

from hypothesis import given, settings, strategies as st
import olefile
from oletools.olevba import VBA_Parser, decompress_stream
import pytest

from tests.conftest import WORKBOOKS, parts, examples, vba_project, DEFAULT_HEADERS
from tests.ooxml_checks import check_package
from tests.support.signatures import signature_remains, signed_xlsm

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.app.validate import validate_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx.package import Package, q
from xl_statsbidrag.xlsx.vbaproject import compress, decompress, module_names


XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


# --- the VBA project format -------------------------------------------------------------------------------

def test_vba_project_streams_are_what_office_expects():
    bin_ = parts(XLSM)["xl/vbaProject.bin"]
    ole = olefile.OleFileIO(bin_)
    assert sorted("/".join(e) for e in ole.listdir()) == [
        "PROJECT", "PROJECTwm", "VBA/Sheet1", "VBA/Sheet2", "VBA/Sheet3", "VBA/Statsbidrag", "VBA/ThisWorkbook",
        "VBA/_VBA_PROJECT", "VBA/dir"]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=Statsbidrag" in project and "Document=ThisWorkbook/&H00000000" in project


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=20000) | st.text(alphabet="Sub End If åäö\r\n\"()=.", max_size=20000).map(
    lambda t: t.encode("cp1252")))
def test_compression_round_trips_and_agrees_with_oletools(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_a_signed_vba_project_is_found_and_reported(signed_xlsm):
    with Package(signed_xlsm) as pkg:
        assert pkg.signatures() == []
        assert pkg.vba_signature_parts() == ["xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin",
                                             "xl/vbaProjectSignatureV3.bin"]
    _, findings = validate_file(signed_xlsm)
    assert [f.severity for f in findings if f.code == "signerade-makron"] == ["info"]


def test_a_change_to_a_signed_vba_project_is_refused_or_the_signature_removed(signed_xlsm, tmp_path):
    """The writer's step, whatever the command: a changed vbaProject.bin never keeps its signature."""
    from xl_statsbidrag.xlsx.ooxml import REL_VBA_PROJECT
    from xl_statsbidrag.xlsx.writer import _Edit

    def edit(unsign):
        pkg = Package(signed_xlsm)
        e = _Edit(pkg)
        project = e.target(e.wb_part, REL_VBA_PROJECT)
        e.parts[project] = pkg.read(project) + b"\0"  # a change to the project, as a future command might make
        return pkg, e

    pkg, e = edit(False)
    with pkg, pytest.raises(UserError, match="VBA project is digitally signed .*changes the project xl/vbaProject.bin"):
        e.finish()
    pkg, e = edit(True)
    with pkg:
        removed = e.finish(unsign=True)
    e.write(signed_xlsm, tmp_path / "out.xlsm")
    assert removed and "the macros are unsigned" in removed[0]
    assert signature_remains(tmp_path / "out.xlsm") == []
    assert check_package(tmp_path / "out.xlsm") == []
    with zipfile.ZipFile(tmp_path / "out.xlsm") as z:  # no relationships part left empty
        assert "xl/_rels/vbaProject.bin.rels" not in z.namelist()


TODAY = dt.date(2026, 11, 22)


XLAM = WORKBOOKS / "Statsbidrag.xlam"


def _ole(data: bytes):
    return olefile.OleFileIO(data)


def _project_stream(bin_: bytes) -> dict[str, str]:
    text = _ole(bin_).openstream("PROJECT").read().decode("cp1252")
    return {k: v.strip('"') for k, v in (line.split("=", 1) for line in text.split("\r\n") if "=" in line
                                         and not line.startswith(("Document", "Module", "&H")))}


# --- [MS-OVBA] 2.4.3.3 Decryption, from the spec ------------------------------------------------------------

def decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """(Version, ProjKey, Data) of an encrypted CMG/DPB/GC value."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = data[0], data[1], data[2]
    version, proj_key = seed ^ version_enc, seed ^ proj_key_enc
    unencrypted_byte_1, encrypted_byte_1, encrypted_byte_2 = proj_key, proj_key_enc, version_enc
    out = []
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((encrypted_byte_2 + unencrypted_byte_1) & 0xFF)
        out.append(byte)
        encrypted_byte_2, encrypted_byte_1, unencrypted_byte_1 = encrypted_byte_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(out[ignored:ignored + 4]))[0]
    body = bytes(out[ignored + 4:])
    assert len(body) == length, "Length must give the data's size"
    return version, proj_key, body


def _key(project_id: str) -> int:
    """2.4.3.1: ProjKey is the sum of the project ID's bytes, modulo 256 (as a byte accumulates)."""
    key = 0
    for byte in project_id.encode("ascii"):
        key = (key + byte) & 0xFF
    return key


def test_the_decoder_reads_excels_own_values():
    """xlwings' quickstart.xlsm was saved by Excel: its values decode to its own project's key."""
    project = _project_stream(vba_project())
    for name, data in (("CMG", b"\0\0\0\0"), ("DPB", b"\0"), ("GC", b"\xff")):
        assert decrypt(project[name]) == (2, _key(project["ID"]), data)


@pytest.mark.parametrize("path", [XLSM, XLAM], ids=["xlsm", "xlam"])
def test_cmg_dpb_gc_are_encrypted_with_our_project_key(path):
    """Not protected (CMG 0), no password (DPB a single 0 byte), visible (GC 0xFF), each keyed by the
    project's own ID (2.3.1.15-17); the constants we used to copy carried quickstart's key."""
    project = _project_stream(parts(path)["xl/vbaProject.bin"])
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", project["ID"])
    key = _key(project["ID"])
    assert decrypt(project["CMG"]) == (2, key, b"\0\0\0\0")
    assert decrypt(project["DPB"]) == (2, key, b"\0")
    assert decrypt(project["GC"]) == (2, key, b"\xff")
    assert key != _key(_project_stream(vba_project())["ID"])


# --- references ---------------------------------------------------------------------------------------------

def _references(bin_: bytes) -> list[tuple[str, int, str]]:
    """(name, record id, libid) of each reference in the dir stream (decompressed by oletools), walked
    record by record as [MS-OVBA] 2.3.4.2 lays them out."""
    d = bytes(decompress_stream(bytearray(_ole(bin_).openstream("VBA/dir").read())))
    out, i, name = [], 0, None
    while i < len(d):
        rid, size = struct.unpack_from("<HI", d, i)
        if rid == 0x09:
            size = 6
        body = d[i + 6:i + 6 + size]
        if rid == 0x16:
            name = body.decode("cp1252")
        elif rid in (0x0D, 0x0E, 0x2F, 0x33):
            libid_len = struct.unpack_from("<I", body)[0]
            out.append((name, rid, body[4:4 + libid_len].decode("cp1252")))
        elif rid == 0x0F:
            break
        i += 6 + size
    return out


def test_references_are_the_ones_excel_writes():
    quickstart = {n: (rid, libid) for n, rid, libid in _references(vba_project())}
    xlsm = _references(parts(XLSM)["xl/vbaProject.bin"])
    assert [(n, rid) for n, rid, _ in xlsm] == [("stdole", 0x0D), ("Office", 0x0D), ("xlwings", 0x0E)]
    libids = {n: libid for n, _, libid in xlsm}
    assert libids["stdole"].startswith("*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#")
    assert libids["Office"].split("#")[0] == quickstart["Office"][1].split("#")[0]  # the same type library
    assert quickstart["xlwings"][0] == 0x0E and libids["xlwings"].endswith("\\xlwings.xlam")  # a project reference
    xlam = _references(parts(XLAM)["xl/vbaProject.bin"])
    assert [(n, rid) for n, rid, _ in xlam] == [("stdole", 0x0D), ("Office", 0x0D)]  # IRibbonControl


# --- modules and code names -----------------------------------------------------------------------------------

def _code_names(path) -> dict[str, str]:
    """Sheet name -> code name, from the workbook and sheet parts."""
    p = parts(path)
    wb = p["xl/workbook.xml"].decode()
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', p["xl/_rels/workbook.xml.rels"].decode()))
    rels.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"',
                                              p["xl/_rels/workbook.xml.rels"].decode())})
    out = {"(workbook)": re.search(r'<workbookPr[^>]*codeName="([^"]+)"', wb).group(1)}
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*? r:id="(rId\d+)"', wb):
        sheet = p["xl/" + rels[rid].lstrip("/").removeprefix("xl/")].decode()
        match = re.search(r'<sheetPr[^>]*codeName="([^"]+)"', sheet)
        out[name] = match.group(1) if match else None
    return out


def _documents(bin_: bytes) -> set[str]:
    text = _ole(bin_).openstream("PROJECT").read().decode("cp1252")
    return set(re.findall(r"^Document=([^/]+)/&H00000000", text, re.M))


@pytest.mark.parametrize("path", [XLSM, XLAM], ids=["xlsm", "xlam"])
def test_every_sheet_has_a_code_name_and_a_document_module(path):
    names = _code_names(path)
    bin_ = parts(path)["xl/vbaProject.bin"]
    assert None not in names.values()
    assert set(names.values()) == _documents(bin_)
    macros = {n: c for _, _, n, c in VBA_Parser(path.name, data=path.read_bytes()).extract_macros()}
    for code_name in names.values():
        assert f"{code_name}.cls" in macros


def test_report_on_an_xlsm_sets_code_names_and_copies_the_project_byte_for_byte(tmp_path):
    """Item 8 (issue 23): Bilaga 2 and Kontroll get the code names Sheet4 and Sheet5 (the next SheetN no
    module or sheet has) and nothing else: vbaProject.bin is the input's, byte for byte, and Excel adds
    the document modules from the code names (acceptance 1.10).  Running report again keeps the names."""
    out = tmp_path / "out.xlsm"
    report_file(XLSM, out, TODAY)
    names = _code_names(out)
    assert names["Bilaga 2"] == "Sheet4" and names["Kontroll"] == "Sheet5"
    assert parts(out)["xl/vbaProject.bin"] == parts(XLSM)["xl/vbaProject.bin"]
    assert _documents(parts(out)["xl/vbaProject.bin"]) == {"ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"}
    again = tmp_path / "again.xlsm"
    report_file(out, again, TODAY)
    assert _code_names(again) == names
    assert parts(again)["xl/vbaProject.bin"] == parts(XLSM)["xl/vbaProject.bin"]


def test_a_code_name_is_never_one_a_module_or_sheet_has(tmp_path):
    """A standard module named Sheet3, and a second sheet whose code name is Sheet4: the new sheets get
    Sheet2 and Sheet5, the first SheetN that neither a module nor a sheet has."""
    from xl_statsbidrag.xlsx.vbaproject import OFFICE, STDOLE, Module, vba_project as make

    bin_ = make([Module("ThisWorkbook", document="workbook"), Module("Sheet1", document="worksheet"),
                 Module("Sheet3", "Public Sub X()\nEnd Sub")], (STDOLE, OFFICE))

    def extra(wb, sheets):
        (tmp_path / "p.bin").write_bytes(bin_)
        wb.add_vba_project(str(tmp_path / "p.bin"))
        wb.set_vba_name("ThisWorkbook")
        sheets["activities"].set_vba_name("Sheet4")

    source = tmp_path / "in.xlsm"
    examples.build(source, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"], extra)
    out = tmp_path / "out.xlsm"
    report_file(source, out, TODAY)
    names = _code_names(out)
    before = _code_names(source)
    assert before == {"(workbook)": "ThisWorkbook", "Överenskommelse": "Sheet1", "Aktiviteter": "Sheet4"}
    assert module_names(bin_) == ["ThisWorkbook", "Sheet1", "Sheet3"]
    assert (names["Bilaga 2"], names["Kontroll"]) == ("Sheet2", "Sheet5")
    assert parts(out)["xl/vbaProject.bin"] == bin_


FORM_CLSID = "C62A69F0-16DC-11CE-9E98-00AA00574A4F"  # the class id Excel gives a UserForm's storage


def _form_project() -> bytes:
    """A project with a UserForm whose storage carries the form's class id (as Excel writes it; ActiveX
    controls inside a form are storages with their own class ids), set in the compound file's
    directory entry where [MS-CFB] 2.6.1 keeps it."""
    from xl_statsbidrag.xlsx.vbaproject import compound_file, read_compound_file

    streams = read_compound_file(vba_project())
    streams.update({"UserForm1/f": b"\x00\x04\x18\x00" + bytes(20), "UserForm1/o": b"",
                    "UserForm1/\x03VBFrame": b"VERSION 5.00\r\nBegin {C62A69F0-16DC-11CE-9E98-00AA00574A4F} "
                                              b"UserForm1\r\nEnd\r\n"})
    data = bytearray(compound_file(streams))
    name = "UserForm1".encode("utf-16-le") + b"\0\0"
    entry = data.index(name.ljust(64, b"\0") + struct.pack("<HB", len(name), 1))
    clsid = uuid.UUID(FORM_CLSID).bytes_le
    data[entry + 80:entry + 96] = clsid
    assert olefile.OleFileIO(bytes(data)).getclsid("UserForm1") == FORM_CLSID
    return bytes(data)


SIGNATURES = ("vbaProjectSignature", "vbaProjectSignatureAgile", "vbaProjectSignatureV3")


def _signed_xlsm(tmp_path) -> tuple[Path, bytes]:
    """The shipped .xlsm with the form project above, signed as Excel signs a project: the three
    signature parts, related from vbaProject.bin's own relationships part."""
    bin_ = _form_project()
    source = tmp_path / "signed.xlsm"
    types = {"vbaProjectSignature": "vbaProjectSignature", "vbaProjectSignatureAgile": "vbaProjectSignatureAgile",
             "vbaProjectSignatureV3": "vbaProjectSignatureV3"}
    kinds = {"vbaProjectSignature": "http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature",
             "vbaProjectSignatureAgile": "http://schemas.microsoft.com/office/2014/relationships/"
                                         "vbaProjectSignatureAgile",
             "vbaProjectSignatureV3": "http://schemas.microsoft.com/office/2020/07/relationships/"
                                      "vbaProjectSignatureV3"}
    with zipfile.ZipFile(XLSM) as z, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", "".join(
                    f'<Override PartName="/xl/{n}.bin" ContentType="application/vnd.ms-office.{types[n]}"/>'
                    for n in SIGNATURES).encode() + b"</Types>")
            elif info.filename == "xl/vbaProject.bin":
                data = bin_
            out.writestr(info, data)
        out.writestr("xl/_rels/vbaProject.bin.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="{kinds[n]}" Target="{n}.bin"/>' for i, n in enumerate(SIGNATURES, 1))
            + "</Relationships>").encode())
        for n in SIGNATURES:  # a PKCS#7 blob in real life; any bytes test that it is carried over untouched
            out.writestr(f"xl/{n}.bin", n.encode() + bytes(range(256)) * 8)
    return source, bin_


def test_a_signed_project_with_forms_is_copied_untouched(tmp_path):
    """The rewrite the writer used to do would have invalidated Excel's signature (it covers the modules)
    and dropped the storage class ids of forms and their controls; now the project, its signatures and
    their relationships are the input's bytes, and the form keeps its class id as olefile reads it."""
    source, bin_ = _signed_xlsm(tmp_path)
    out = tmp_path / "out.xlsm"
    report_file(source, out, TODAY)
    before, after = parts(source), parts(out)
    for name in ["xl/vbaProject.bin", "xl/_rels/vbaProject.bin.rels"] + [f"xl/{n}.bin" for n in SIGNATURES]:
        assert after[name] == before[name], name
    assert olefile.OleFileIO(after["xl/vbaProject.bin"]).getclsid("UserForm1") == FORM_CLSID
    types = after["[Content_Types].xml"].decode()
    assert all(f'PartName="/xl/{n}.bin"' in types for n in SIGNATURES)
    assert _code_names(out)["Bilaga 2"] == "Sheet4"


def test_damaged_projects_raise_only_vba_project_error():
    import random

    from xl_statsbidrag.xlsx.vbaproject import VBAProjectError

    rng = random.Random(13)
    for source in (parts(XLSM)["xl/vbaProject.bin"], vba_project()):
        for _ in range(300):
            data = bytearray(source)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                module_names(bytes(data))
            except VBAProjectError:
                pass
    with pytest.raises(VBAProjectError):
        module_names(b"not a compound file")


def test_report_on_an_xlsm_with_an_unreadable_project_copies_it(tmp_path):
    """A project we cannot read is copied byte for byte, and the new sheets get no code name (Excel adds
    the modules itself on the first save), instead of the report failing."""
    source = tmp_path / "damaged.xlsm"
    with zipfile.ZipFile(XLSM) as z, zipfile.ZipFile(source, "w") as out:
        for info in z.infolist():
            data = z.read(info.filename)
            out.writestr(info, b"\xD0\xCF\x11\xE0 damaged" if info.filename == "xl/vbaProject.bin" else data)
    target = tmp_path / "out.xlsm"
    report_file(source, target, TODAY)
    assert parts(target)["xl/vbaProject.bin"] == b"\xD0\xCF\x11\xE0 damaged"
    names = _code_names(target)
    assert names["Bilaga 2"] is None and names["Kontroll"] is None and names["Aktiviteter"] == "Sheet2"


# --- LibreOffice's import -------------------------------------------------------------------------------------

def _to_ods(libreoffice, source, tmp_path, addin=False):
    copy = tmp_path / "in" / source.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(source, copy)
    profile = libreoffice.make_profile(tmp_path / "profile")
    cmd = [libreoffice.soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo"]
    if addin:  # LibreOffice has no filter chosen by the .xlam extension; the package is the same format
        cmd.append("--infilter=Calc MS Excel 2007 VBA XML")
    subprocess.run(cmd + ["--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(copy)],
                   capture_output=True, timeout=300)
    out = tmp_path / "out" / (source.stem + ".ods")
    assert out.exists(), "LibreOffice could not load the file"
    with zipfile.ZipFile(out) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def _basic(ods: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Module name -> (module type, source as LibreOffice imported it, without its added header lines)."""
    out = {}
    for name, text in ods.items():
        m = re.search(r'script:name="([^"]+)" script:language="StarBasic" script:moduleType="(\w+)">(.*)</script:module>',
                      text, re.S)
        if name.startswith("Basic/VBAProject/") and m:
            import html

            body = html.unescape(m.group(3)).split("\n")
            body = [line for line in body if not line.startswith(("Rem Attribute", "Option VBASupport"))]
            out[m.group(1)] = (m.group(2), "\n".join(body).strip())
    return out


def _libre_code_names(ods) -> dict[str, str]:
    settings = ods["settings.xml"]
    return dict(re.findall(r'<config:config-item-map-entry config:name="([^"]+)">(?:(?!</config:config-item-map-entry>).)*?'
                           r'config:name="CodeName" config:type="string">([^<]+)<', settings, re.S))


def _bas(path):
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("Attribute ")).strip()


@pytest.mark.system
def test_libreoffice_imports_the_xlsm_modules_code_names_and_buttons(libreoffice, tmp_path):
    ods = _to_ods(libreoffice, XLSM, tmp_path)
    modules = _basic(ods)
    assert modules["Statsbidrag"] == ("normal", _bas(WORKBOOKS / "vba" / "Statsbidrag.bas"))
    assert {n for n, (kind, _) in modules.items() if kind == "document"} == {"ThisWorkbook", "Sheet1", "Sheet2",
                                                                             "Sheet3"}
    code_names = _libre_code_names(ods)
    assert {k: v for k, v in code_names.items() if k != "*doc*"} == {
        k: v for k, v in _code_names(XLSM).items() if k != "(workbook)"}
    bindings = re.findall(r'xlink:href="vnd\.sun\.star\.script:VBAProject\.([\w.]+)\?language=Basic', ods["content.xml"])
    assert bindings == ["Statsbidrag.Knapp"] * 4


@pytest.mark.system
def test_libreoffice_imports_the_addin(libreoffice, tmp_path):
    modules = _basic(_to_ods(libreoffice, XLAM, tmp_path, addin=True))
    assert modules["StatsbidragMeny"] == ("normal", _bas(WORKBOOKS / "vba" / "StatsbidragMeny.bas"))
    assert {n for n, (kind, _) in modules.items() if kind == "document"} == {"ThisWorkbook", "Sheet1"}


@pytest.mark.system
def test_libreoffice_maps_the_reports_new_sheets_to_their_code_names(libreoffice, tmp_path):
    """LibreOffice's import gives Bilaga 2 and Kontroll the code names report set and imports the
    project unchanged; it adds no document module for them (Excel does, on open: acceptance 1.10)."""
    out = tmp_path / "rapport.xlsm"
    report_file(XLSM, out, TODAY)
    ods = _to_ods(libreoffice, out, tmp_path)
    modules = _basic(ods)
    assert _libre_code_names(ods)["Bilaga 2"] == "Sheet4" and _libre_code_names(ods)["Kontroll"] == "Sheet5"
    assert modules["Statsbidrag"][1] == _bas(WORKBOOKS / "vba" / "Statsbidrag.bas")
    assert {n for n, (kind, _) in modules.items() if kind == "document"} == {"ThisWorkbook", "Sheet1", "Sheet2",
                                                                             "Sheet3"}


REPORT_DAY = dt.date(2026, 11, 24)


def test_a_new_sheet_does_not_take_a_code_name_that_a_sheet_without_a_module_has(tmp_path):
    """XlsxWriter gives every sheet of an .xlsm a code name (Sheet1, Sheet2, Sheet3) whether or not the
    VBA project has its module; the new sheet Bilaga 2 took "Sheet3" a second time."""
    import xlsxwriter

    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(vba_project())  # modules ThisWorkbook, Sheet1, Sheet2, Module1
    source = tmp_path / "three.xlsm"
    wb = xlsxwriter.Workbook(str(source))
    wb.add_vba_project(str(vba))
    wb.set_vba_name("ThisWorkbook")
    agreement = wb.add_worksheet("Överenskommelse")
    for row, (label, value) in enumerate({"Överenskommelsens benämning": "T", "År": 2019,
                                          "Bidragsmottagare": "Region Test"}.items()):
        agreement.write(row, 0, label)
        agreement.write(row, 1, value)
    agreement.add_table(4, 0, 5, 3, {"name": "Potter", "data": [["Stimulansmedel", 1000, "Nej", ""]], "columns": [
        {"header": h} for h in ("Pott", "Belopp", "Öronmärkt", "Ändamål")]})
    wb.add_worksheet("Aktiviteter").add_table(2, 0, 3, 5, {"name": "Aktiviteter", "columns": [
        {"header": h} for h in DEFAULT_HEADERS], "data": [["A1", "V", 100, "", "Stimulansmedel", None]]})
    wb.add_worksheet("Tredje")  # code name Sheet3, no module Sheet3
    wb.close()
    out = tmp_path / "out.xlsm"
    report_file(source, out, REPORT_DAY)
    with Package(out) as pkg:
        codes = [pkg.xml(s.part).find(q("sheetPr")).get("codeName") for s in pkg.sheets]
        modules = module_names(pkg.read("xl/vbaProject.bin"))
    assert codes[:3] == ["Sheet1", "Sheet2", "Sheet3"]
    assert len(set(codes)) == len(codes) and not {c.casefold() for c in codes[3:]} & {m.casefold() for m in modules}
    assert modules == module_names(vba.read_bytes())  # the project is copied as it is (issue 23, item 8)
