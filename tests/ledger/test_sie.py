"""The SIE 4 reader on files built here: object lists, escapes, CP437, the standard dimensions, and
broken lines reported as file:line."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLE_2019
from tests.support.ledgers import book, cli, write_lines

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.ledger.read import read as _read, read_ledger
from xl_statsbidrag.ledger.sie import read_sie, tokens


# --- 6.-8. SIE ----------------------------------------------------------------------------------------------

RAINDANCE_DIMS = ['#DIM 1 "Ansvar"', '#DIM 2 "Verksamhet"', '#DIM 3 "Aktivitet"', '#DIM 6 "Projekt"',
                  '#DIM 20 "Objekt"']


def sie_file(path: Path, body: list[str], head=("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), dims=RAINDANCE_DIMS,
             encoding="cp437") -> Path:
    return write_lines(path, list(head) + list(dims) + body, encoding)


RAINDANCE_BODY = ['#VER A 1 20190301 "Inköp"', "{",
                  '#TRANS 4010 {1 "410" 2 "HoS" 3 "K1" 6 "P77" 20 "100"} 100.00',
                  '#TRANS 5010 {1 "410" 2 "HoS" 3 "K2" 6 "P78" 20 "100"} 250.50',
                  '#TRANS 2440 {} -350.50', "}"]


def test_sie_dimensions_by_name_number_and_the_raindance_coding(tmp_path):
    path = sie_file(tmp_path / "rd.se", RAINDANCE_BODY)
    frame = read_sie(path)
    assert frame["aktivitet"].tolist() == ["K1", "K2", ""]  # Aktivitet before Projekt
    assert frame["ansvar"].tolist() == ["410", "410", ""] and frame["verksamhet"].tolist() == ["HoS", "HoS", ""]
    notes = frame.attrs["ledger"]["notes"]
    assert "aktivitet = dimension 3 'Aktivitet'" in notes[2]
    assert notes[3] == "aktivitet from dimension 3 'Aktivitet', not 6 'Projekt' (choose with --columns aktivitet=<number>)"
    for choice in ("6", "Projekt", "projekt"):
        assert read_sie(path, {"aktivitet": choice})["aktivitet"].tolist() == ["P77", "P78", ""]
    assert read_sie(path, {"objekt": "3", "aktivitet": "20"})["objekt"].tolist() == ["K1", "K2", ""]
    with pytest.raises(UserError) as exc:
        read_sie(path, {"aktivitet": "Kostnadsbärare"})
    assert "--columns aktivitet=Kostnadsbärare: no dimension 'Kostnadsbärare' in the file (dimensions: 1 'Ansvar', " \
           "2 'Verksamhet', 3 'Aktivitet', 6 'Projekt', 20 'Objekt')" in str(exc.value)
    assert compute(book(), [_read(path, {"aktivitet": "Projekt"}, {"100"})]).actual == [Decimal(0), Decimal(0)]
    assert compute(book(), [_read(path, None, {"100"})]).actual == [Decimal(100), Decimal("250.50")]


def test_an_undeclared_dimension_is_listed_with_numbers_and_names(tmp_path):
    path = sie_file(tmp_path / "u.se", ['#VER A 1 20190301 ""', "{", '#TRANS 4010 {1 "410" 30 "9902"} 1', "}"],
                    dims=['#DIM 1 "Kostnadsställe"'])
    with pytest.raises(UserError, match=r"no dimension named Objekt among the #DIM declarations \(dimensions: 1 "
                                        r"'Kostnadsställe', 30 \(used, not declared\)\)"):
        read_sie(path)
    assert read_sie(path, {"objekt": "30"})["objekt"].tolist() == ["9902"]


@pytest.mark.parametrize("encoding, head, expect", [
    ("utf-8", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), "UTF-8 (the file says #FORMAT PC8, but its bytes are UTF-8)"),
    ("utf-8", ("#FLAGGA 0", "#SIETYP 4"), "UTF-8"),
    ("cp1252", ("#FLAGGA 0", "#SIETYP 4"), "Windows-1252 (Latin-1)"),
    ("cp1252", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"),
     "Windows-1252 (Latin-1) (the file says #FORMAT PC8, but its letters are Latin-1)"),
    ("cp437", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), "CP437 (#FORMAT PC8)"),
    ("cp437", ("#FLAGGA 0", "#SIETYP 4"), "CP437 (PC8, by its letters)"),
])
def test_sie_encodings_are_detected_and_said(tmp_path, encoding, head, expect):
    body = ['#VER A 1 20190301 "Försäljning Åre"', "{", '#TRANS 3010 {20 "SÄLJ" 6 "Östra"} -100.00 "" "Sälj"',
            '#TRANS 1930 {} 100.00', "}"]
    frame = read_sie(sie_file(tmp_path / "e.se", body, head, ['#DIM 20 "Objekt"', '#DIM 6 "Projekt"'], encoding))
    assert frame["objekt"].tolist() == ["SÄLJ", ""] and frame["aktivitet"][0] == "Östra"
    assert frame["text"].tolist() == ["Sälj", "Försäljning Åre"]
    assert frame.attrs["ledger"]["notes"][1] == f"encoding {expect}"


def test_a_sie_file_saved_as_utf16_is_read(tmp_path):
    body = ['#VER A 1 20190301 "Försäljning"', "{", '#TRANS 3010 {20 "SÄLJ"} -100.00', '#TRANS 1930 {} 100.00', "}"]
    path = tmp_path / "u.se"
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(["#FLAGGA 0", "#SIETYP 4", '#DIM 20 "Objekt"'] + body) + "\r\n")
                     .encode("utf-16-le"))
    frame = read_ledger(path)
    assert frame["objekt"].tolist() == ["SÄLJ", ""] and frame["ore"].tolist() == [-10000, 10000]


@pytest.mark.system
@pytest.mark.parametrize("sietyp", ["1", "2", "3"])
def test_sie_1_to_3_are_refused(tmp_path, sietyp):
    path = sie_file(tmp_path / "b.se", ['#KONTO 1930 "Bank"', "#IB 0 1930 1000.00", "#UB 0 1930 1200.00",
                                         "#RES 0 3010 -500.00"], ("#FLAGGA 0", "#FORMAT PC8", f"#SIETYP {sietyp}"))
    with pytest.raises(UserError, match=rf"this file has no vouchers \(#SIETYP {sietyp}\)"):
        read_sie(path)
    done = cli("utfall", EXAMPLE_2019, path, "-o", path.with_suffix(".xlsx"))
    assert done.returncode == 2 and f"no vouchers (#SIETYP {sietyp})" in done.stderr


def test_a_broken_quote_in_a_text_is_read_with_a_warning(tmp_path):
    body = ['#VER A 1 20190301 "Inköp', "{", '#TRANS 4010 {20 "100" 6 "K1"} 100.00 20190301 "Faktura utan slut',
            '#TRANS 4010 {20 "100" 6 "K2"} 5.5 "" "Hyra" 1.0 "Anna"', '#TRANS 2440 {} -105.50', "}"]
    path = sie_file(tmp_path / "q.se", body, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"'])
    frame = read_sie(path)
    assert frame["ore"].tolist() == [10000, 550, -10550]
    assert frame["text"].tolist() == ["Faktura utan slut", "Hyra", "Inköp"]
    (warning,) = frame.attrs["ledger"]["warnings"]
    assert warning.startswith("2 rad(er) med en text utan avslutande citattecken lästes ändå (rad 6, 8)")
    result = compute(book(), [_read(path, None, {"100"})])
    assert [f.code for f in result.findings if f.severity == "warning"][0] == "utfall-fil-varning"
    broken_objects = sie_file(tmp_path / "o.se", ['#VER A 1 20190301 ""', "{", '#TRANS 4010 {20 "100} 1.00', "}"],
                              dims=['#DIM 20 "Objekt"'])
    with pytest.raises(UserError, match=r"o.se:7: unexpected"):
        read_sie(broken_objects)


def test_sie_irregular_lines_read_the_same_as_the_common_form(tmp_path):
    """The vectorised common form and the line-by-line reading give the same rows: tabs, quoted series
    and numbers, escapes, #RTRANS/#BTRANS, blank lines, one-decimal and -0.xx amounts, no date or text."""
    common = ['#VER A 1 20190301 "Ett"', "{", '#TRANS 4010 {20 "100" 6 "K1"} 1.5 20190302 "a"',
              '#TRANS 4010 {20 "100"} -0.50', '#TRANS 2440 {} -1.00', "}"]
    odd = ['\t#VER "A" "1" 20190301 "Ett"', "  {", '#RTRANS 4010 {20 "100"} 9.00', "",
           '\t#TRANS 4010 {20 "100" 6 "K1"} 1.5 20190302 "a"', '#TRANS 4010 {"20" "100"} -0.50 ""',
           '#BTRANS 4010 {} 1.00', '#TRANS 2440 {} -1.00 "" "" 2', "}  "]
    a = read_sie(sie_file(tmp_path / "a.se", common * 3, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"']))
    b = read_sie(sie_file(tmp_path / "b.se", odd + common + odd, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"']))
    columns = ["date", "verifikation", "rad", "konto", "text", "aktivitet", "objekt", "ore"]
    pd.testing.assert_frame_equal(a[columns], b[columns])
    assert a["ore"].tolist() == [150, -50, -100] * 3
    assert b["line"].tolist()[:3] == [10, 11, 13]


HEAD = ['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#FNAMN "Region Jämtland Härjedalen"',
        '#DIM 1 "Kostnadsställe"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"', '#OBJEKT 20 "9902" "Professionsmiljarden"']


def write(tmp_path, lines, name="h.se"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def test_verifications_transactions_and_object_lists(tmp_path):
    path = write(tmp_path, HEAD + [
        '#VER A 1 20190315 "Lön \\"mars\\" Östersund" 20190320',
        '{',
        '\t#TRANS 7010 {1 "410" 6 "P 1" 20 "9902"} 1234.5 "" "" 1.0 "Anna"',
        '  #TRANS 2910 {} -1234.50',
        '}',
        '#VER "B" "7" 20191231 "Bokslut"',
        '{',
        '#RTRANS 4010 {20 "9902"} 10.00 20191231 "tillagd"',
        '#TRANS 4010 {20 "9902"} 10.00 20191231 "tillagd"',
        '#BTRANS 4010 {20 "9902"} 99.00 20191231 "borttagen"',
        '#TRANS 3010 {"20" "9902"} -5 20191230',
        '}',
    ])
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [123450, -123450, 1000, -500]
    assert frame["amount"].tolist() == [Decimal("1234.50"), Decimal("-1234.50"), Decimal(10), Decimal(-5)]
    assert frame["verifikation"].tolist() == ["A 1", "A 1", "B 7", "B 7"]
    assert frame["rad"].tolist() == ["1", "2", "1", "2"]
    assert frame["konto"].tolist() == ["7010", "2910", "4010", "3010"]
    assert frame["objekt"].tolist() == ["9902", "", "9902", "9902"]
    assert frame["ansvar"].tolist() == ["410", "", "", ""] and frame["aktivitet"][0] == "P 1"
    assert frame["text"].tolist() == ['Lön "mars" Östersund', 'Lön "mars" Östersund', "tillagd", 'Bokslut']
    assert frame["date"].dt.date.tolist() == [dt.date(2019, 3, 15)] * 2 + [dt.date(2019, 12, 31), dt.date(2019, 12, 30)]
    assert frame["line"].tolist() == [11, 12, 17, 19]


def test_tokens_escapes_and_object_lists(tmp_path):
    from xl_statsbidrag.ledger.sie import _Line

    where = _Line(tmp_path / "x.se", 1)
    assert tokens('#TRANS 1930 {1 "a b" 6 "c\\"d"} -1.00 "" "x\\\\y"', where) == \
        ["#TRANS", "1930", ["1", "a b", "6", 'c"d'], "-1.00", "", "x\\y"]


def test_objekt_by_the_columns_mapping_when_no_dimension_is_named_so(tmp_path):
    lines = ['#FLAGGA 0', '#SIETYP 4', '#DIM 30 "Kostnadsbärare"', '#VER A 1 20190101 ""', '{',
             '#TRANS 4010 {30 "9902"} 1', '}']
    with pytest.raises(UserError, match="no dimension named Objekt.*--columns objekt=<dimension number>"):
        read_sie(write(tmp_path, lines))
    assert read_sie(write(tmp_path, lines), {"objekt": "30"})["objekt"].tolist() == ["9902"]
    assert read_sie(write(tmp_path, lines), {"objekt": "Kostnadsbärare"})["objekt"].tolist() == ["9902"]


@pytest.mark.parametrize("bad, line, message", [
    ('#TRANS 4010 {20 "9902"} 1', 9, "#TRANS outside a #VER"),
    ('#VER A 1 2019-01-01 ""', 9, "is not a date"),
    ('#DIM 20', 9, "#DIM needs a number and a name"),
    ('some text', 9, "starts with a #LABEL"),
])
def test_broken_lines_are_named_by_file_and_line(tmp_path, bad, line, message):
    path = write(tmp_path, HEAD + [bad])
    with pytest.raises(UserError) as exc:
        read_sie(path)
    assert str(exc.value).startswith(f"{path}:{line}: ") and message in str(exc.value)


@pytest.mark.parametrize("body, line, message", [
    (['#VER A 1 20190101 ""', '{', '#TRANS 4010 {20 "9902"} 12,50', '}'], 11, "'12,50' is not an amount"),
    (['#VER A 1 20190101 ""', '{', '#TRANS 4010 {20 "9902" 6} 1', '}'], 11, "pairs of dimension and object"),
    (['#VER A 1 20190101 ""', '{', '#TRANS 4010 {20 "9902"} 1'], 11, "ends inside a #VER block"),
    (['#VER A 1 20190101 ""', '{', '#VER A 2 20190101 ""'], 11, "#VER inside a #VER block"),
    (['}'], 9, "'}' without a block"),
    (['#VER A 1 20190101 ""', '{', '#TRANS 4010 {20 "9902"} 1 2019013 "x"', '}'], 11, "'2019013' is not a date"),
    (['#VER A 1 99991231 ""', '{', '#TRANS 4010 {20 "9902"} 1', '}'], 11, "'99991231' is not a date the ledger can hold"),
])
def test_broken_blocks(tmp_path, body, line, message):
    path = write(tmp_path, HEAD + body)
    with pytest.raises(UserError) as exc:
        read_sie(path)
    assert str(exc.value).startswith(f"{path}:{line}: ") and message in str(exc.value), str(exc.value)


def test_a_sie_file_saved_as_utf16_is_read_and_bad_paths_are_named(tmp_path):
    """The SIE reader takes its bytes as the CSV readers do (ledger.encodings.file_bytes): UTF-16 text
    recoded, a missing file, a folder and UTF-16 that does not decode named as the user's mistake."""
    lines = HEAD + ['#VER A 1 20190101 "Åre"', '{', '#TRANS 4010 {20 "9902"} 12.50', '}']
    wide = tmp_path / "wide.se"
    wide.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    frame = read_sie(wide)
    assert frame["ore"].tolist() == [1250] and frame["text"].tolist() == ["Åre"]
    with pytest.raises(UserError, match="no such file"):
        read_sie(tmp_path / "missing.se")
    with pytest.raises(UserError, match="is a folder"):
        read_sie(tmp_path)
    broken = tmp_path / "broken.se"
    broken.write_bytes(b"\xff\xfe" + "#FLAGGA 0\r\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(UserError, match="UTF-16 text but cannot be decoded"):
        read_sie(broken)


def test_cp437_text_is_decoded(tmp_path):
    path = write(tmp_path, HEAD + ['#VER A 1 20190101 "Åre Östersund Härjedalen"', '{',
                                   '#TRANS 4010 {20 "9902"} 1', '}'])
    assert "Östersund" in path.read_bytes().decode("cp437") and b"\x99" in path.read_bytes()  # Ö in CP437
    assert read_sie(path)["text"].tolist() == ["Åre Östersund Härjedalen"]
