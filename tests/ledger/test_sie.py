"""The SIE 4 reader on files built here: object lists, escapes, CP437, the standard dimensions, and
broken lines reported as file:line."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.read import read_ledger
from xl_statsbidrag.ledger.sie import read_sie, tokens

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
])
def test_broken_blocks(tmp_path, body, line, message):
    path = write(tmp_path, HEAD + body)
    with pytest.raises(UserError) as exc:
        read_sie(path)
    assert str(exc.value).startswith(f"{path}:{line}: ") and message in str(exc.value), str(exc.value)


def test_cp437_text_is_decoded(tmp_path):
    path = write(tmp_path, HEAD + ['#VER A 1 20190101 "Åre Östersund Härjedalen"', '{',
                                   '#TRANS 4010 {20 "9902"} 1', '}'])
    assert "Östersund" in path.read_bytes().decode("cp437") and b"\x99" in path.read_bytes()  # Ö in CP437
    assert read_sie(path)["text"].tolist() == ["Åre Östersund Härjedalen"]
