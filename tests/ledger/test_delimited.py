"""Tests of xl_statsbidrag.ledger.delimited."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.ledgers import write, write_lines

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.frame import COLUMNS
from xl_statsbidrag.ledger.read import read_ledger, read as _read


def test_semicolons_decimal_commas_cp1252_and_a_title_row(tmp_path):
    path = write(tmp_path, "Huvudbok för Region Jämtland Härjedalen;;;\r\n\r\n"
                           "Bokföringsdatum;Ver.nr;Konto;Kostnadsställe;Projekt;Objekt;Verifikationstext;Belopp\r\n"
                           "2019-03-01;A12;4010;410;P1;9902;Kaffe & bröd, Östersund;1 234,50\r\n"
                           "20190302;A13;3010;410;;9902;Återbetalning;-0,05\r\n\r\n"
                           "02/04/2019;A14;7010;410;P1;9902;Lön;1.234.567,89\r\n", "cp1252")
    frame = read_ledger(path)
    assert list(frame.columns) == list(COLUMNS) + ["amount"]
    assert frame["amount"].tolist() == [Decimal("1234.50"), Decimal("-0.05"), Decimal("1234567.89")]
    assert frame["ore"].tolist() == [123450, -5, 123456789]
    assert frame["date"].dt.date.tolist() == [dt.date(2019, 3, 1), dt.date(2019, 3, 2), dt.date(2019, 4, 2)]
    assert frame["text"][0] == "Kaffe & bröd, Östersund" and frame["ansvar"][0] == "410"
    assert frame["aktivitet"].tolist() == ["P1", "", "P1"] and frame["objekt"].tolist() == ["9902"] * 3
    assert frame["line"].tolist() == [4, 5, 7]  # the file's own line numbers, blank lines counted


def test_the_line_cut_of_a_large_export_gives_the_rows_a_full_read_gives(tmp_path):
    """Above 1 MB, utfall first cuts the file to the lines that contain an objekt code; the rows and
    their line numbers must be those of a full read."""
    from xl_statsbidrag.ledger.read import read as _read

    lines = ["Huvudbok 2019;;;;", "", "Datum;Ver;Konto;Objekt;Text;Belopp"]
    for i in range(30000):
        objekt = ("9902", " 9902", "9917", "1234", "19902")[i % 5] if i % 7 else "5555"
        lines.append(f"2019-{1 + i % 12:02d}-15;{99020 + i};4010;{objekt};Rad {i} åäö 9902;{i},{i % 100:02d}")
        if i % 1000 == 0:
            lines.append("")
    path = tmp_path / "big.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert path.stat().st_size > 1 << 20
    cut = _read(path, None, {"9902"})
    full = read_ledger(path).drop(columns="amount")
    full = full[full["objekt"] == "9902"].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, full)
    assert len(cut) == sum(1 for i in range(30000) if i % 7 and i % 5 in (0, 1))
    assert (cut["line"].map(lambda n: lines[n - 1].split(";")[3].strip()) == "9902").all()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(["9902", "9917", "99", "9", "02", ";", "\n", "\r\n", "x", "ö"]), max_size=40)
       .map("".join), needles=st.lists(st.sampled_from(["9902", "9917", "99", "0", "2;9", "ö"]), min_size=1, max_size=3),
       chunk=st.sampled_from([1, 3, 7, 1 << 23]), skip=st.integers(0, 3))
def test_the_line_cut_keeps_exactly_the_lines_with_a_code(monkeypatch, text, needles, chunk, skip):
    """``_candidate_lines`` against the plain definition: every line (from ``start``) that contains one of
    the codes, whole, with its line number; codes that overlap or contain one another, a last line
    without a line end, a chunk boundary anywhere (a last chunk shorter than a code raised IndexError)."""
    from xl_statsbidrag.ledger import delimited

    monkeypatch.setattr(delimited, "_CHUNK", chunk)
    data = text.encode("cp1252")
    start = min(skip, len(data))
    start = data.rfind(b"\n", 0, start) + 1  # a line's start, as the reader gives it
    codes = [n.encode("cp1252") for n in needles]
    lines = data[start:].split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    kept = [(i, line) for i, line in enumerate(lines, start=5) if any(c in line for c in codes)]
    body, numbers = delimited._candidate_lines(data, start, 5, codes)
    assert body == b"".join(line + b"\n" for _, line in kept)
    assert numbers.tolist() == [i for i, _ in kept]


# --- 3. separators, CRs and line breaks ----------------------------------------------------------------

@pytest.mark.parametrize("objekt", [None, {"100"}])
def test_a_stray_separator_in_a_text_is_refused_naming_the_line(tmp_path, objekt):
    path = write_lines(tmp_path / "h.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;Kaffe och bröd;100;10",
                                      "2019-01-02;4010;Kaffe; bröd;100;20"])
    with pytest.raises(UserError, match=r"h.csv: line 3: 6 fields where the header \(line 1\) has 5: a separator "
                                        r"\(';'\) inside a text that is not in quotes\?"):
        _read(path, None, objekt)


def test_a_cr_inside_a_text_is_a_space_and_a_cr_only_file_is_read(tmp_path):
    lines = ["Datum;Konto;Text;Objekt;Belopp"] + [f"2019-01-01;4010;Rad {i}\rforts;100;{i},00" for i in range(3)]
    frame = read_ledger(write_lines(tmp_path / "crlf.csv", lines))
    assert frame["text"].tolist() == ["Rad 0 forts", "Rad 1 forts", "Rad 2 forts"] and frame["ore"].sum() == 300
    assert frame["line"].tolist() == [2, 3, 4]
    big = ["Huvudbok", "Datum;Konto;Text;Objekt;Belopp"] + \
        [f"2019-{1 + i % 12:02d}-01;4010;Faktura {i} Östersund;{100 if i % 4 == 0 else 200 + i % 7};{i},50"
         for i in range(40000)]
    path = write_lines(tmp_path / "mac.csv", big, newline="\r")
    assert path.stat().st_size > 1 << 20 and b"\n" not in path.read_bytes()
    cut = _read(path, None, {"100"})
    assert len(cut) == 10000 and cut["ore"].sum() == sum(i * 100 + 50 for i in range(0, 40000, 4))
    assert cut["line"].iloc[1] == 7 and cut.attrs["ledger"]["notes"][2] == "CR line ends (old Mac)"
    assert len(read_ledger(path)) == 40000


def test_a_cr_only_file_with_a_cr_inside_a_text_is_refused_naming_the_line(tmp_path):
    path = write_lines(tmp_path / "mac.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;a;100;1",
                                        "2019-01-02;4010;b\rc;100;2"], newline="\r")
    with pytest.raises(UserError, match="line 3: 3 field"):
        read_ledger(path)


def test_quoted_line_breaks_in_the_title_and_in_fields(tmp_path):
    lines = ['"Huvudbok 2019', 'Region Jämtland Härjedalen";;;;', "", "Datum;Konto;Text;Objekt;Belopp",
             '2019-01-01;4010;"Faktura; två', 'rader";100;"1 234,50"', "2019-01-02;4010;Lön;100;10,00"]
    path = write_lines(tmp_path / "q.csv", lines)
    for frame in (read_ledger(path), _read(path, None, {"100"})):
        assert frame["ore"].tolist() == [123450, 1000]
        assert frame["text"].tolist() == ["Faktura; två\r\nrader", "Lön"]
        assert frame["line"].tolist() == [5, 7]
    unended = write_lines(tmp_path / "u.csv", lines[3:4] + ['2019-01-01;4010;"Lön;100;10,00', "2019-01-02;4010;b;100;2"])
    with pytest.raises(UserError, match=r"u.csv: line 2: 3 field\(s\) where the header \(line 1\) has 5: a quote "
                                        r'\(\"\) that does not end'):
        read_ledger(unended)


def test_trailing_separators_and_quoted_separators_are_fine_a_short_row_is_not(tmp_path):
    path = write_lines(tmp_path / "t.csv", ["Datum,Konto,Text,Objekt,Belopp,", '2019-01-01,4010,"Hyra, maj",100,"2500,00",',
                                      "2019-01-02,4010,Lön,100,12.5,,,"], "utf-8")
    assert read_ledger(path)["ore"].tolist() == [250000, 1250]
    short = write_lines(tmp_path / "s.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;Lön;100"])
    with pytest.raises(UserError, match="line 2: 4 field"):
        read_ledger(short)
