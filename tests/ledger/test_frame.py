"""Tests of xl_statsbidrag.ledger.frame."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.support.ledgers import write, write_lines

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.frame import parse_columns
from xl_statsbidrag.ledger.read import read_ledger


def test_debet_and_kredit_columns(tmp_path):
    path = write(tmp_path, "Datum;Konto;Objekt;Debet;Kredit\n2019-01-01;4010;9902;100,10;\n2019-01-02;4010;9902;;40\n"
                           "2019-01-03;4010;9902;0;0,01\n")
    assert read_ledger(path)["ore"].tolist() == [10010, -4000, -1]


def test_columns_mapping(tmp_path):
    path = write(tmp_path, "När;Kontonr;Kst-objekt;Värde\n2019-01-01;4010;9902;1\n")
    with pytest.raises(UserError) as exc:
        read_ledger(path)
    assert "headers found: 'När', 'Kontonr', 'Kst-objekt', 'Värde'" in str(exc.value)
    assert "--columns date=<header>,objekt=<header>,belopp=<header>" in str(exc.value)
    frame = read_ledger(path, "date=När,objekt=Kst-objekt,belopp=Värde")
    assert frame["ore"].tolist() == [100] and frame["objekt"].tolist() == ["9902"]
    assert parse_columns("objekt=Kostnadsobjekt, belopp=Belopp SEK") == {"objekt": "Kostnadsobjekt",
                                                                          "belopp": "Belopp SEK"}
    for bad in ("objekt", "färg=Röd"):
        with pytest.raises(UserError, match="--columns"):
            parse_columns(bad)



def test_a_mapping_to_a_column_the_file_lacks_is_refused_not_ignored(tmp_path):
    """`--columns aktivitet=Projektt` (a typo) on a file whose other columns are recognised: the tool would
    have taken a column of its own choice for aktivitet (or none) and matched the costs by it."""
    path = write(tmp_path, "Datum;Konto;Objekt;Projekt;Belopp\n2019-01-01;4010;9902;P1;1\n")
    with pytest.raises(UserError) as exc:
        read_ledger(path, "aktivitet=Projektt")
    assert "--columns aktivitet=Projektt: no such column" in str(exc.value) and "'Projekt'" in str(exc.value)
    assert read_ledger(path, "aktivitet=Projekt")["aktivitet"].tolist() == ["P1"]


@pytest.mark.parametrize("amount", ["1,234", "12,345", "1.2.3", "abc", "1e5", "--1", "", "1,001"])
def test_unreadable_amounts_name_the_row_and_column(tmp_path, amount):
    path = write(tmp_path, f"Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;5\n2019-01-01;4010;9902;{amount}\n")
    with pytest.raises(UserError) as exc:
        read_ledger(path)
    assert str(exc.value).startswith(f"{path}: row 3, column Belopp: '{amount}' is not an amount")


def test_amounts_are_exact_integers_never_float(tmp_path):
    rows = "".join(f"2019-01-01;4010;9902;{v}\n" for v in ["0,10", "0,20", "-0,30", "99999999999999,99", "0,01"])
    frame = read_ledger(write(tmp_path, "Datum;Konto;Objekt;Belopp\n" + rows))
    assert frame["ore"].dtype == "int64"
    assert frame["ore"].sum() == 9999999999999999 + 1
    assert sum(frame["amount"], Decimal(0)) == Decimal("100000000000000.00")


# --- 2. amounts: never a running balance, never a silent choice ------------------------------------------

def test_debet_kredit_and_saldo_sum_the_movements_not_the_balance(tmp_path):
    path = write_lines(tmp_path / "visma.csv", ["Konto;Objekt;Datum;Vernr;Text;Debet;Kredit;Saldo",
                                          "4010;100;2019-01-05;1;Inköp;1000,00;;1000,00",
                                          "4010;100;2019-01-06;2;Inköp;700,00;;1700,00",
                                          "4010;100;2019-01-07;3;Kreditnota;;200,00;1500,00"])
    frame = read_ledger(path)
    assert frame["ore"].sum() == 150000
    assert any("'Saldo': a running balance, not read" in n for n in frame.attrs["ledger"]["notes"])


def test_two_amount_columns_are_an_error_naming_both(tmp_path):
    path = write_lines(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp;Belopp SEK", "2019-01-01;4010;100;10;10"])
    with pytest.raises(UserError, match="2 columns can be the amount: 'Belopp' and 'Belopp SEK'; say which with "
                                        "--columns belopp=<header>"):
        read_ledger(path)
    assert read_ledger(path, "belopp=Belopp SEK")["ore"].tolist() == [1000]
    only_saldo = write_lines(tmp_path / "s.csv", ["Datum;Konto;Objekt;Saldo", "2019-01-01;4010;100;10"])
    with pytest.raises(UserError, match="'Saldo' is a running balance, never an amount"):
        read_ledger(only_saldo)


def test_belopp_with_debet_and_kredit_must_agree(tmp_path):
    good = write_lines(tmp_path / "g.csv", ["Datum;Konto;Objekt;Debet;Kredit;Belopp", "2019-01-01;4010;100;10;;10",
                                      "2019-01-02;4010;100;;4;-4"])
    assert read_ledger(good)["ore"].tolist() == [1000, -400]
    bad = write_lines(tmp_path / "b.csv", ["Datum;Konto;Objekt;Debet;Kredit;Belopp", "2019-01-01;4010;100;10;;10",
                                     "2019-01-02;4010;100;;4;4"])
    with pytest.raises(UserError, match="row 3, 'Belopp' says 4 but 'Debet' - 'Kredit' says otherwise"):
        read_ledger(bad)


# --- 5. amounts with more decimals ------------------------------------------------------------------------

@pytest.mark.parametrize("text, ore", [("-3550.0000", -355000), ("1234.5600000000002", 123456),
                                       ("1234,5599999999", 123456), ("0.0100000", 1), ("-0,50", -50),
                                       ("1 234 567,8900", 123456789), ("(1 234,50)", -123450)])
def test_sql_scales_and_float_noise_are_whole_ore(tmp_path, text, ore):
    path = write_lines(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp", f"2019-01-01;4010;100;{text}"])
    assert read_ledger(path)["ore"].tolist() == [ore]


@pytest.mark.parametrize("text", ["12,3456", "0.005", "1234.56001", "-3550.0050"])
def test_a_real_fraction_of_an_ore_is_refused_naming_the_cell(tmp_path, text):
    path = write_lines(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp", f"2019-01-01;4010;100;{text}"])
    with pytest.raises(UserError, match=f"row 2, column Belopp: '{text}' is not"):
        read_ledger(path)


# --- 9. database extracts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    ["VOUCHER_DATE", "VOUCHER_NO", "KONTO_ID", "ANSVAR_KOD", "VERKSAMHET_KOD", "AKTIVITET_KOD", "OBJEKT_ID", "BELOPP"],
    ["voucher_date", "voucher_no", "account", "ansvar_kod", "vht", "aktivitet_id", "objekt_nr", "amount"],
    ["VoucherDate", "VoucherNo", "KontoId", "AnsvarKod", "Verksamhet", "AktivitetKod", "ObjektId", "Amount"],
])
def test_database_extract_headers_are_recognised(tmp_path, headers):
    path = write_lines(tmp_path / "sql.csv", [";".join(headers), "2019-02-01 00:00:00.000;123;4010;410;HoS;K1;100;-3550.0000"])
    frame = read_ledger(path)
    assert frame[["konto", "ansvar", "verksamhet", "aktivitet", "objekt"]].values.tolist() == \
        [["4010", "410", "HoS", "K1", "100"]]
    assert frame["ore"].tolist() == [-355000] and frame["date"].dt.date.tolist() == [dt.date(2019, 2, 1)]


def test_agresso_dims_by_columns_and_serie_with_number(tmp_path):
    """Unit4 Agresso: dim_1..dim_7 are the client's own; cur_amount is the currency amount, not ours."""
    path = write_lines(tmp_path / "agr.csv", ["client;account;dim_1;dim_2;dim_3;dim_4;voucher_type;voucher_no;voucher_date;"
                                        "amount;cur_amount;description",
                                        "10;4010;410;HoS;K1;100;IP;5;20190205;1250.0000;0;Faktura"])
    frame = read_ledger(path, "ansvar=dim_1,verksamhet=dim_2,aktivitet=dim_3,objekt=dim_4")
    assert frame[["ansvar", "aktivitet", "objekt", "text"]].values.tolist() == [["410", "K1", "100", "Faktura"]]
    assert frame["ore"].tolist() == [125000]
    fortnox = write_lines(tmp_path / "fx.csv", ["Konto;Benämning;Serie;Vernr;Datum;Text;Kst;Projekt;Debet;Kredit;Saldo",
                                          "5010;Lokalhyra;A;17;2019-03-01;Hyra;100;K2;9000,00;;9000,00"])
    frame = read_ledger(fortnox, "objekt=Kst")
    assert frame[["verifikation", "objekt", "aktivitet"]].values.tolist() == [["A 17", "100", "K2"]]


# --- the README's examples, one per system ----------------------------------------------------------------------

@pytest.mark.parametrize("header, row, columns, expect", [
    ("BOKF_DATUM;VERIFIKAT;KONTO_ID;ANSVAR_KOD;VERKSAMHET_KOD;AKTIVITET_KOD;PROJEKT_KOD;OBJEKT_KOD;BELOPP",
     "2019-05-02;4711;4010;410;HoS;K1;P9;100;-3550.0000", None, ("4711", "410", "HoS", "K1", "100", -355000)),
    ("BOKF_DATUM;VERIFIKAT;KONTO_ID;ANSVAR_KOD;VERKSAMHET_KOD;AKTIVITET_KOD;PROJEKT_KOD;OBJEKT_KOD;BELOPP",
     "2019-05-02;4711;4010;410;HoS;K1;P9;100;-3550.0000", "aktivitet=PROJEKT_KOD", ("4711", "410", "HoS", "P9", "100",
                                                                                   -355000)),
    ("client;account;dim_1;dim_2;dim_3;dim_4;voucher_no;voucher_date;amount;cur_amount;description",
     "10;4010;410;HoS;K1;100;55;2019-05-02;1250.5000;0;Faktura",
     "ansvar=dim_1,verksamhet=dim_2,aktivitet=dim_3,objekt=dim_4", ("55", "410", "HoS", "K1", "100", 125050)),
    ("Konto;Kontonamn;Datum;Vernr;Text;Resultatenhet;Projekt;Debet;Kredit;Saldo",
     "4010;Material;2019-05-02;12;Inköp;100;K1;;250,00;-250,00", "objekt=Resultatenhet", ("12", "", "", "K1", "100",
                                                                                         -25000)),
    ("Konto;Benämning;Serie;Vernr;Datum;Text;Kst;Projekt;Debet;Kredit;Saldo",
     "4010;Material;A;17;2019-05-02;Inköp;100;K1;99,50;;99,50", "objekt=Kst", ("A 17", "", "", "K1", "100", 9950)),
])
def test_the_readmes_header_examples(tmp_path, header, row, columns, expect):
    frame = read_ledger(write_lines(tmp_path / "h.csv", [header, row]), columns)
    assert tuple(frame[["verifikation", "ansvar", "verksamhet", "aktivitet", "objekt"]].iloc[0]) + \
        (int(frame["ore"].iloc[0]),) == expect
    assert frame["date"].dt.date.tolist() == [dt.date(2019, 5, 2)]
