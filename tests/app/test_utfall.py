"""Utfall from the ledger: the 2019 example through three exports (CSV, .xlsx with debet/kredit, SIE 4),
against sums computed here independently; the reconciliation; the written workbook; report afterwards;
the Excel button; bad input."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import os
from pathlib import Path
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import EXAMPLE_2019, ROOT, WORKBOOKS, examples, parts, sha256
from tests.support.ledgers import cli, year_csv, year_rows
from tests.support.utfall import OBJEKT, dec, independent

from xl_statsbidrag.app.report import report_file, build_report
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2020, 3, 1)


@pytest.mark.system
def test_the_same_export_twice_is_refused_naming_both_files(tmp_path):
    rows = year_rows(2019)
    a = year_csv(tmp_path / "huvudbok.csv", rows)
    b = tmp_path / "huvudbok (1).csv"
    b.write_bytes(a.read_bytes())
    done = cli("utfall", EXAMPLE_2019, a, b, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip() == f"xl-statsbidrag: error: {b}: huvudbok.csv and huvudbok (1).csv have the same " \
                                  "content: the same export given twice? Give it once"
    assert not (tmp_path / "o.xlsx").exists()
    done = cli("utfall", EXAMPLE_2019, a, tmp_path / "." / "huvudbok.csv", "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2 and "the same export given twice" in done.stderr


@pytest.mark.system
def test_overlapping_exports_are_named_or_deduped_with_the_key_printed(tmp_path):
    """Jan-Jun exported, then Jan-Dec: without --dedupe both count and an error says so (exit 1); with
    --dedupe the later file's copies count once, and the key is printed."""
    from tests.conftest import examples

    rows = examples.example_transactions()
    half = [r for r in rows if r["date"].month <= 6]
    first = examples.example_ledger(tmp_path / "jan-jun.csv", half)
    whole = examples.example_ledger(tmp_path / "jan-dec.csv", rows)
    done = cli("utfall", EXAMPLE_2019, first, whole, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 1, done.stderr
    assert "error: utfall-dubblett: jan-dec.csv:" in done.stdout and "--dedupe" in done.stdout
    done = cli("utfall", EXAMPLE_2019, first, whole, "-o", tmp_path / "d.xlsx", "--dedupe")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "--dedupe: a row of a later file equal to an earlier file's on (date, verifikation, rad, konto, text, " \
           "ansvar, verksamhet, aktivitet, objekt, belopp) is counted once" in done.stdout
    assert "warning: utfall-dubblett" in done.stdout and "(nyckel: date, verifikation" in done.stdout
    single = utfall_file(EXAMPLE_2019, [whole], tmp_path / "s.xlsx", today=TODAY)[1]
    deduped = [a.actual for a in read_book(tmp_path / "d.xlsx").activities]
    assert deduped == [a.actual for a in read_book(tmp_path / "s.xlsx").activities]
    assert single.reconciliation[0].total > 0
    done = cli("utfall", EXAMPLE_2019, first, "-o", tmp_path / "x.xlsx", "--dedupe-key", "date,färg")
    assert done.returncode == 2 and "--dedupe-key: unknown field(s) färg" in done.stderr


ROWS = examples.example_transactions()


def write_xlsx(path: Path) -> Path:
    """The same rows as an Excel export with debet and kredit columns and a title row."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Huvudbok")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["Huvudbok Region JH 2019 (exempel)"])
    ws.write_row(2, 0, ["Datum", "Ver.nr", "Radnr", "Konto", "Kostnadsställe", "Verksamhet", "Aktivitet", "Objekt",
                        "Verifikationstext", "Debet", "Kredit"])
    for i, r in enumerate(ROWS, start=3):
        ws.write_datetime(i, 0, dt.datetime.combine(r["date"], dt.time()), date_fmt)
        ws.write_row(i, 1, [r["ver"], r["rad"], int(r["konto"]), r["ansvar"], r["verksamhet"], r["kod"], r["objekt"],
                            r["text"]])
        if r["ore"] >= 0:
            ws.write_number(i, 9, r["ore"] / 100)
        else:
            ws.write_number(i, 10, -r["ore"] / 100)
    wb.close()
    return path


def sie_text(rows=ROWS) -> str:
    lines = ['#FLAGGA 0', '#PROGRAM "Test" 1.0', '#FORMAT PC8', '#GEN 20200115', '#SIETYP 4',
             '#FNAMN "Region Jämtland Härjedalen"', '#RAR 0 20190101 20191231',
             '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"', '#DIM 21 "Verksamhet"',
             '#OBJEKT 20 "9902" "Professionsmiljarden"', '#OBJEKT 20 "9917" "Personalmiljarden"']
    for r in rows:
        text = r["text"].replace("\\", "\\\\").replace('"', '\\"')
        objects = f'1 "{r["ansvar"]}" 21 "{r["verksamhet"]}" 20 "{r["objekt"]}"' + (f' 6 "{r["kod"]}"' if r["kod"] else "")
        amount = ("-" if r["ore"] < 0 else "") + f"{abs(r['ore']) // 100}.{abs(r['ore']) % 100:02d}"
        lines += [f'#VER "A" {r["ver"]} {r["date"]:%Y%m%d} "{text}" 20200110', "{",
                  f'   #TRANS {r["konto"]} {{{objects}}} {amount} {r["date"]:%Y%m%d} "{text}"',
                  f'   #TRANS 2440 {{}} {"-" if r["ore"] >= 0 else ""}{amount.lstrip("-")}', "}"]
    return "\r\n".join(lines) + "\r\n"


def write_sie(path: Path) -> Path:
    path.write_bytes(sie_text().encode("cp437"))
    return path


EXPORTS = {"csv": lambda p: examples.example_ledger(p / "huvudbok.csv"),
           "xlsx": lambda p: write_xlsx(p / "huvudbok.xlsx"),
           "sie": lambda p: write_sie(p / "huvudbok.se")}


@pytest.mark.parametrize("kind", EXPORTS)
def test_three_exports_give_the_sums_computed_independently(kind, tmp_path):
    ledger = EXPORTS[kind](tmp_path)
    before = sha256(ledger), sha256(EXAMPLE_2019)
    out = tmp_path / "out.xlsx"
    target, result = utfall_file(EXAMPLE_2019, [ledger], out, today=TODAY)
    assert (sha256(ledger), sha256(EXAMPLE_2019)) == before
    per_activity, buckets = independent()
    book = read_book(out)
    assert len(book.activities) == 23
    for a in book.activities:
        assert a.actual == dec(per_activity[a.name]), a.name
    for r in result.reconciliation:
        assert r.total == buckets["total"][r.objekt]
        assert r.amounts[0] == buckets["matched"][r.objekt]
        assert r.amounts[2] == buckets["unmatched"][r.objekt]
        assert r.amounts[3] == buckets["income"][r.objekt]
        assert r.amounts[4] == buckets["other"][r.objekt]
        assert r.amounts[5] == buckets["outside"][r.objekt]
        assert r.amounts[1] == 0
    assert {r.objekt for r in result.reconciliation} == OBJEKT
    codes = sorted(f.code for f in result.findings)
    assert codes == ["utfall-intakt", "utfall-intakt", "utfall-omatchat", "utfall-omatchat", "utfall-utanfor-perioden"]
    unmatched = {f.location.sheet: f.amount for f in result.findings if f.code == "utfall-omatchat"}
    assert sorted(unmatched.values()) == sorted(dec(v) for v in buckets["unmatched"].values())


def test_report_on_the_result_counts_the_utfall(tmp_path):
    out = tmp_path / "out.xlsx"
    _, result = utfall_file(EXAMPLE_2019, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    per_activity, _ = independent()
    costs = dec(sum(per_activity.values()))
    book = read_book(out)
    assert book.has_outcome
    _, summary = build_report(book, today=TODAY)
    assert summary.outcome and summary.costs == costs
    assert summary.unused == Decimal(41197280) - costs
    target, s, _ = report_file(out, tmp_path / "b2.xlsx", TODAY)
    assert s.costs == costs and s.unused == Decimal(41197280) - costs


def test_only_the_touched_parts_change_and_the_cells_keep_their_style(tmp_path):
    out = tmp_path / "out.xlsx"
    utfall_file(EXAMPLE_2019, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    before, after = parts(EXAMPLE_2019), parts(out)
    changed = {n for n in before if n in after and before[n] != after[n]}
    assert changed <= {"xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "[Content_Types].xml", "xl/styles.xml", "docProps/app.xml",
                       "_rels/.rels"}  # (the relationship to the custom properties: the output's mark)
    assert set(before) <= set(after)
    with zipfile.ZipFile(EXAMPLE_2019) as zin, zipfile.ZipFile(out) as zout:
        same = [n for n in before if n not in changed]
        raw_in = {i.filename: (i.CRC, i.compress_size) for i in zin.infolist()}
        assert all(raw_in[n] == (zout.getinfo(n).CRC, zout.getinfo(n).compress_size) for n in same)
    import re

    old, new = before["xl/worksheets/sheet2.xml"].decode(), after["xl/worksheets/sheet2.xml"].decode()
    j5_old = re.search(r'<c r="J5"[^>]*?/?>', old).group(0)
    j5_new = re.search(r'<c r="J5"[^>]*>', new).group(0)
    assert re.search(r's="(\d+)"', j5_old).group(1) == re.search(r's="(\d+)"', j5_new).group(1)
    # outside the Utfall cells, the part is unchanged
    assert re.sub(r'<c r="J(?:[5-9]|1\d|2[0-7])"[^>]*?(?:/>|>.*?</c>)', "", old) == \
        re.sub(r'<c r="J(?:[5-9]|1\d|2[0-7])"[^>]*?(?:/>|>.*?</c>)', "", new)
    assert 'fullCalcOnLoad="1"' in after["xl/workbook.xml"].decode()
    # running again replaces the sheet and the values
    again = tmp_path / "again.xlsx"
    utfall_file(out, [WORKBOOKS / "huvudbok_2019.csv"], again, today=TODAY)
    with zipfile.ZipFile(again) as z:
        assert z.read("xl/workbook.xml").decode().count('name="Utfall"') == 1
    assert [a.actual for a in read_book(again).activities] == [a.actual for a in read_book(out).activities]


def test_activities_and_findings_as_data_frames(tmp_path):
    _, result = utfall_file(EXAMPLE_2019, [WORKBOOKS / "huvudbok_2019.csv"], tmp_path / "o.xlsx", today=TODAY)
    frame = result.activities_frame()
    assert list(frame.columns) == ["aktivitet", "verksamhet", "objekt", "kod", "budget", "utfall", "avvikelse"]
    assert all(isinstance(v, Decimal) for v in frame["utfall"])
    assert set(result.findings_frame()["code"]) >= {"utfall-omatchat", "utfall-intakt"}
    assert (result.reconciliation_frame()["total"].map(type) == Decimal).all()


# --- the command line -----------------------------------------------------------------------------------

def run(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd)


@pytest.mark.system
def test_cli_prints_budget_utfall_reconciliation_and_writes_the_default_output(tmp_path):
    book = tmp_path / "b.xlsx"
    book.write_bytes(EXAMPLE_2019.read_bytes())
    ledger = examples.example_ledger(tmp_path / "huvudbok.csv")
    done = run("utfall", book, ledger)
    assert done.returncode == 0, done.stderr
    assert "Sal nr 2 på Campus" in done.stdout and "9917: " in done.stdout
    assert "utfall-omatchat" in done.stdout and f"Wrote {tmp_path / 'b_utfall.xlsx'}" in done.stdout
    assert (tmp_path / "b_utfall.xlsx").exists()
    done = run("report", tmp_path / "b_utfall.xlsx", "--today", "2020-03-01")
    per_activity, _ = independent()
    costs = f"{sum(per_activity.values()) // 100:,}".replace(",", " ")
    assert done.returncode == 0 and costs in done.stdout and "(utfall)" in done.stdout


@pytest.mark.system
@pytest.mark.parametrize("content, encoding, message", [
    ("Huvudbok\nDatum;Konto;Kostnadsbärare;Värde SEK\n2019-01-01;4010;9902;100\n", "utf-8",
     "no objekt, belopp column recognised (headers found: 'Datum', 'Konto', 'Kostnadsbärare', 'Värde SEK'); "
     "name them with --columns objekt=<header>,belopp=<header>"),
    ("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;100\n2019-01-02;4010;9902;tusen\n", "utf-8",
     "row 3, column Belopp: 'tusen' is not an amount"),
    ("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;1,234\n", "utf-8", "row 2, column Belopp: '1,234' is not an amount: a thousands separator, or three decimals? Write 1234,50 or "
     "1234.5"),
    ("Datum;Konto;Objekt;Belopp\n2019-13-01;4010;9902;1\n", "cp1252", "row 2, column Datum: '2019-13-01' is not a date (write 2019-12-31)"),
])
def test_cli_bad_ledgers_end_with_one_line_and_exit_2(tmp_path, content, encoding, message):
    ledger = tmp_path / "h.csv"
    ledger.write_bytes(content.encode(encoding))
    done = run("utfall", EXAMPLE_2019, ledger, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip() == f"xl-statsbidrag: error: {ledger}: {message}"
    assert not (tmp_path / "o.xlsx").exists() and "Traceback" not in done.stderr


@pytest.mark.system
def test_cli_columns_option_maps_unknown_headers(tmp_path):
    ledger = tmp_path / "h.csv"
    ledger.write_text("Datum;Konto;Kostnadsbärare;Värde SEK;Projekt\n2019-01-01;4010;9917;100,50;P1902\n",
                      encoding="utf-8")
    done = run("utfall", EXAMPLE_2019, ledger, "-o", tmp_path / "o.xlsx", "--columns",
               "objekt=Kostnadsbärare,belopp=Värde SEK")
    assert done.returncode == 0, done.stderr
    assert [a.actual for a in read_book(tmp_path / "o.xlsx").activities if a.name == "Sal nr 2 på Campus"] == \
        [Decimal("100.50")]
    assert "utfall-inget" in done.stdout  # nothing on 9902


@pytest.mark.system
def test_cli_refuses_other_files_and_broken_sie(tmp_path):
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(b"%PDF-1.4\x00\x01binary")
    done = run("utfall", EXAMPLE_2019, pdf, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2 and "neither CSV, Excel (.xlsx) nor SIE" in done.stderr
    sie = tmp_path / "h.se"
    sie.write_bytes(sie_text(ROWS[:2]).replace('#TRANS 2440 {}', '#TRANS 2440 {"', 1).encode("cp437"))
    done = run("utfall", EXAMPLE_2019, sie, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2 and f"{sie}:17: " in done.stderr, done.stderr
    done = run("utfall", EXAMPLE_2019, tmp_path / "missing.csv", "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2 and "no such file" in done.stderr
    done = run("utfall", EXAMPLE_2019, WORKBOOKS / "huvudbok_2019.csv", "-o", EXAMPLE_2019)
    assert done.returncode == 2 and "overwrite the input" in done.stderr
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.system
def test_cli_exit_1_when_activities_need_a_code(tmp_path):
    from tests.conftest import small_book

    book = small_book(tmp_path / "s.xlsx", [["A", "V", 100, "9902", "", None], ["B", "V", 200, "9902", "", None]])
    ledger = tmp_path / "h.csv"
    ledger.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;100\n", encoding="utf-8")
    done = run("utfall", book, ledger, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 1, done.stderr
    assert "error: utfall-kod-saknas" in done.stdout and "'A', 'B'" in done.stdout
    assert [a.actual for a in read_book(tmp_path / "o.xlsx").activities] == [None, None]


def test_a_table_without_utfall_column_is_refused(tmp_path):
    from tests.conftest import small_book

    book = small_book(tmp_path / "s.xlsx", [["A", "V", 100, "9902", ""]], ["Aktivitet", "Verksamhet", "Belopp",
                                                                           "Objekt", "Pott"])
    ledger = tmp_path / "h.csv"
    ledger.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;100\n", encoding="utf-8")
    with pytest.raises(UserError, match="no column 'Utfall'"):
        utfall_file(book, [ledger], tmp_path / "o.xlsx")
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize("source", ["2019", "rich_xlsm"])
def test_the_output_is_valid_ooxml(source, request, tmp_path):
    from openxml_audit import FileFormat, OpenXmlValidator

    from tests.ooxml_checks import check_package

    path = EXAMPLE_2019 if source == "2019" else request.getfixturevalue(source)
    out = tmp_path / f"out{path.suffix}"
    utfall_file(path, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(out))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(out) == []
    report_file(out, tmp_path / f"b2{path.suffix}", TODAY)  # and report on it, as the year-end does
    assert check_package(tmp_path / f"b2{path.suffix}") == []
