"""The workbook format is defined once (workbook_format): the readers of our format, of a region's
own layout, the worksheet functions and the reference data agree on the total-row rule, the earmark
flag words and how headers are compared (copies of these had drifted apart)."""
from tests.conftest import small_book

from xl_statsbidrag.app import functions as sheetfuncs
from xl_statsbidrag.read.workbook_format import is_earmarked
from xl_statsbidrag.xlsx.file_source import read_book


def test_earmarked_flag_as_a_number(tmp_path):
    book = read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                pots=[("S", 500, "Nej", ""), ("E", 500, 1, "")]))
    assert [p.earmarked for p in book.agreement.pots] == [False, True]
    from xl_statsbidrag.app import functions as sheetfuncs
    table = sheetfuncs.findings(None, [[100.0]], None, None, [["S"], ["E"]], [[500.0], [500.0]], [[0.0], [1.0]])
    assert any(r[1] == "oronmarkt-kvar" for r in table[1:])


def test_the_earmark_flag_words_are_one_set():
    assert all(is_earmarked(w) for w in ("ja", "Ja", "x", "1", "true", "SANT", "yes"))
    assert not any(is_earmarked(w) for w in ("", "nej", "0", "false"))
