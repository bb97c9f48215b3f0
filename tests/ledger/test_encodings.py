"""Tests of xl_statsbidrag.ledger.encodings."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tests.support.ledgers import write

from xl_statsbidrag.ledger.read import read_ledger


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_utf8_with_and_without_bom_and_commas(tmp_path, encoding, bom):
    path = tmp_path / "h.csv"
    path.write_bytes(bom + 'Datum,Konto,Objekt,Aktivitet,Text,Belopp\n2019-05-01,5010,9917,P2,"Hyra, maj","2500,00"\n'
                     '2019-05-02,5010,9917,P2,Åtgärd,12.5\n'.encode(encoding))
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [250000, 1250]
    assert frame["text"].tolist() == ["Hyra, maj", "Åtgärd"]


def test_a_late_cp1252_character_after_the_sample_is_read(tmp_path):
    rows = "".join(f"2019-01-01;4010;9902;{i},00\n" for i in range(5000))
    path = write(tmp_path, "Datum;Konto;Objekt;Text;Belopp\n" + rows.replace(";9902;", ";9902;x;")
                 + "2019-01-02;4010;9902;Överföring;1,00\n", "cp1252")
    frame = read_ledger(path)
    assert frame["text"].iloc[-1] == "Överföring" and frame["ore"].sum() == sum(range(5000)) * 100 + 100


# --- 7. CSV encodings -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, bom, separator, expect", [
    ("utf-16-le", b"\xff\xfe", "\t", "UTF-16"), ("utf-16-be", b"\xfe\xff", "\t", "UTF-16"),
    ("utf-8", b"\xef\xbb\xbf", ";", "UTF-8 (BOM)"), ("utf-8", b"", ",", "UTF-8"),
    ("cp1252", b"", ";", "Windows-1252 (Latin-1)"), ("cp437", b"", "|", "CP437 (PC8, by its letters)"),
])
def test_csv_encodings_and_separators(tmp_path, encoding, bom, separator, expect):
    lines = [separator.join(["Datum", "Konto", "Text", "Objekt", "Belopp"]),
             separator.join(["2019-01-01", "4010", "Hyra Östersund", "SÄLJ", "10"])]
    path = tmp_path / "h.txt"
    path.write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode(encoding))
    frame = read_ledger(path)
    assert frame["text"].tolist() == ["Hyra Östersund"] and frame["objekt"].tolist() == ["SÄLJ"]
    assert f"encoding {expect}" in frame.attrs["ledger"]["notes"]


def test_utf16_without_bom_and_the_common_amounts_agree_with_the_careful_parser(tmp_path):
    import random

    from xl_statsbidrag.ledger.frame import AmountError, _common_ore, parse_ore

    path = tmp_path / "u.txt"
    path.write_bytes("Datum\tKonto\tObjekt\tBelopp\r\n2019-01-01\t4010\tÖ1\t5,5\r\n".encode("utf-16-le"))
    assert read_ledger(path)[["objekt", "ore"]].values.tolist() == [["Ö1", 550]]
    rng = random.Random(22)
    alphabet = "0123456789-,. "
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(20000)]
    texts += [f"{rng.choice(['', '-'])}{rng.randint(0, 10 ** rng.randint(0, 17))}{rng.choice(['', ',5', '.25'])}"
              for _ in range(20000)]
    import numpy as np

    ore, done = _common_ore(np.array(texts, dtype=object))
    for text, value, fast in zip(texts, ore.tolist(), done.tolist()):
        if fast:
            assert value == parse_ore(text), text
        else:
            try:
                parse_ore(text)
            except AmountError:
                pass


@settings(max_examples=80, deadline=None)
@given(data=st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"x", b"\xe5"]), max_size=30).map(b"".join),
       at=st.integers(0, 40))
def test_carriage_returns_are_counted_as_bytes_count_counts_them(data, at):
    """``carriage_returns`` (numpy, in pieces) against ``bytes.count``: all CRs, and those not followed by
    LF, also where a CRLF straddles the 8 MB boundary of the pieces or a CR ends the data."""
    from xl_statsbidrag.ledger.encodings import carriage_returns

    for text in (data, b"a" * ((1 << 23) - at) + data):
        assert carriage_returns(text) == (text.count(b"\r"), text.count(b"\r") - text.count(b"\r\n"))
