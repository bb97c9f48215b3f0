"""Utfall from the ledger: the 2019 example through three exports (CSV, .xlsx with debet/kredit, SIE 4),
against sums computed here independently; the reconciliation; the written workbook; report afterwards;
the Excel button; bad input."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import remote_book
from conftest import EXAMPLE_2019, ROOT, WORKBOOKS, examples, parts, sha256
from xl_statsbidrag import excel
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Objekt, Pot
from xl_statsbidrag.app.report import build_report
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2020, 3, 1)
ROWS = examples.example_transactions()
CODES = {(a[6], examples.CODES_2019[a[0]]): a[0] for a in examples.ACTIVITIES_2019}
OBJEKT = {"9902", "9917"}


def independent():
    """What the matching rule gives, computed here over the generated rows: (per activity name in
    öre, unmatched per objekt, income per objekt, other per objekt, outside per objekt, total per objekt)."""
    per_activity = defaultdict(int)
    buckets = {k: defaultdict(int) for k in ("unmatched", "income", "other", "outside", "total", "matched")}
    for r in ROWS:
        if r["objekt"] not in OBJEKT:
            continue
        buckets["total"][r["objekt"]] += r["ore"]
        if r["date"].year != 2019:
            buckets["outside"][r["objekt"]] += r["ore"]
        elif r["konto"][0] in "4567":
            name = CODES.get((r["objekt"], r["kod"]))
            if name:
                per_activity[name] += r["ore"]
                buckets["matched"][r["objekt"]] += r["ore"]
            else:
                buckets["unmatched"][r["objekt"]] += r["ore"]
        elif r["konto"][0] == "3":
            buckets["income"][r["objekt"]] += r["ore"]
        else:
            buckets["other"][r["objekt"]] += r["ore"]
    return per_activity, buckets


def dec(ore: int) -> Decimal:
    return Decimal(ore) / 100


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


def _sheet(path, name):
    wb = openpyxl.load_workbook(path)
    try:
        return [[c.value for c in row] for row in wb[name].iter_rows()]
    finally:
        wb.close()


def test_the_utfall_sheet_lists_every_transaction_on_the_objekt_and_reconciles(tmp_path):
    out = tmp_path / "out.xlsx"
    utfall_file(EXAMPLE_2019, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    rows = _sheet(out, "Utfall")
    header = next(i for i, r in enumerate(rows) if r[1] == "Datum")
    columns = {name: i for i, name in enumerate(rows[header])}
    listed = [r for r in rows[header + 1:] if r[0]]
    on_objekt = [r for r in ROWS if r["objekt"] in OBJEKT]
    assert len(listed) == len(on_objekt)
    assert sum(Decimal(str(r[columns["Belopp"]])) for r in listed) == dec(sum(r["ore"] for r in on_objekt))
    unmatched = [r for r in listed if r[columns["Aktivitet"]] == "(ej kopplad till aktivitet)"]
    assert sorted(r[columns["Text"]] for r in unmatched) == ["Konsult utan aktivitetskod", "Lön, kod saknas",
                                                             "Material, okänd kod"]
    assert all(str(r[columns["Källa"]]).startswith("huvudbok_2019.csv:") for r in listed)
    recon_header = next(i for i, r in enumerate(rows) if r[0] == "Objekt")
    for r in rows[recon_header + 1:recon_header + 3]:
        assert Decimal(str(r[1])) == sum(Decimal(str(v)) for v in r[2:8]), r
    with zipfile.ZipFile(out) as z:
        tables = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")]
    assert sum('name="UtfallTransaktioner"' in t for t in tables) == 1
    assert sum('name="UtfallAvstamning"' in t for t in tables) == 1
    assert sum('name="UtfallPerAktivitet"' in t for t in tables) == 1


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


def test_libreoffice_recalculates_the_totals_of_the_utfall_column(libreoffice, tmp_path):
    """A formula over the Utfall column, cached as 0 in the input, sums the patched numbers."""
    source = tmp_path / "in.xlsx"
    examples.build(source, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"],
                   lambda wb, sheets: sheets["activities"].write_formula(
                       "M2", "=SUBTOTAL(109,Aktiviteter[Utfall])", None, 0))
    out = tmp_path / "out.xlsx"
    utfall_file(source, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    per_activity, _ = independent()
    converted = libreoffice.convert(out, tmp_path / "lo")
    wb = openpyxl.load_workbook(converted, data_only=True)
    try:
        ws = wb["Aktiviteter"]
        assert ws["J4"].value == "Utfall"
        assert Decimal(str(ws["M2"].value)).quantize(Decimal("0.01")) == dec(sum(per_activity.values()))
        assert Decimal(str(ws["D2"].value)) == 191
    finally:
        wb.close()


# --- the rule on small books ---------------------------------------------------------------------------

def _book(activities: list[tuple[str, str, str]]) -> DecisionBook:
    ag = Agreement("Test", 2019, [Pot("P", Decimal(1000000))], [Objekt("100"), Objekt("200")])
    acts = [Activity(row=5 + i, name=n, verksamhet="V", amount=Decimal(1000), objekt=o, code=c, sheet="Aktiviteter",
                     columns={"name": "A", "actual": "J", "code": "H", "objekt": "G"})
            for i, (n, o, c) in enumerate(activities)]
    return DecisionBook("test.xlsx", ag, acts)


def _ledger(rows: list[tuple], file="h.csv") -> pd.DataFrame:
    frame = pd.DataFrame([{"date": pd.Timestamp(d), "verifikation": str(i), "rad": "1", "konto": k, "text": "",
                           "ansvar": "", "verksamhet": "", "aktivitet": c, "objekt": o, "ore": ore, "file": file,
                           "line": i + 2} for i, (d, k, o, c, ore) in enumerate(rows)])
    frame["ore"] = frame["ore"].astype("int64")
    return frame


def test_the_one_activity_without_a_code_takes_the_rest_of_its_objekt():
    book = _book([("A", "100", "K1"), ("B", "100", "")])
    result = compute(book, _ledger([("2019-02-01", "4010", "100", "K1", 100), ("2019-02-01", "4010", "100", "", 250),
                                    ("2019-02-01", "5010", "100", "X9", 1)]))
    assert result.actual == [Decimal("1"), Decimal("2.51")]
    assert [f.code for f in result.findings] == []


def test_activities_without_codes_on_one_objekt_stay_at_the_objekt_level():
    book = _book([("A", "100", ""), ("B", "100", ""), ("C", "200", "K")])
    result = compute(book, _ledger([("2019-02-01", "4010", "100", "", 1000), ("2019-03-01", "7010", "200", "K", 5)]))
    assert result.actual == [None, None, Decimal("0.05")]
    (finding,) = [f for f in result.findings if f.code == "utfall-kod-saknas"]
    assert "'A', 'B'" in finding.message and finding.amount == Decimal(10) and str(finding.location) == "Aktiviteter!H5"
    assert result.reconciliation[0].amounts[1] == 1000


def test_nothing_on_an_objekt_in_the_period_is_a_warning_not_zeros():
    book = _book([("A", "100", "K"), ("C", "200", "K")])
    result = compute(book, _ledger([("2018-12-31", "4010", "100", "K", 100), ("2019-03-01", "7010", "200", "K", 5)]))
    assert result.actual == [None, Decimal("0.05")]
    (finding,) = [f for f in result.findings if f.code == "utfall-inget"]
    assert "objekt 100" in finding.message and finding.severity == "warning"


def test_accounts_option_and_income_are_not_costs():
    book = _book([("A", "100", "")])
    rows = [("2019-02-01", "3010", "100", "", -100000), ("2019-02-01", "8400", "100", "", 700),
            ("2019-02-01", "45210", "100", "", 300)]
    assert compute(book, _ledger(rows)).actual == [Decimal(3)]
    assert compute(book, _ledger(rows), "4000-7999,8400").actual == [Decimal(10)]
    assert compute(book, _ledger(rows), "8400").actual == [Decimal(7)]
    with pytest.raises(UserError, match="not an account range"):
        compute(book, _ledger(rows), "40-7999")


def test_rows_of_two_files_all_count_and_rows_given_twice_are_named_or_deduped():
    """Issue 22 item 1: no row is dropped because another file has one like it; equal rows are named
    (an error: they have voucher numbers), --dedupe counts them once, the same export twice is refused."""
    book = _book([("A", "100", "")])
    first = _ledger([("2019-02-01", "4010", "100", "", 100), ("2019-02-02", "4010", "100", "", 200)], "a.csv")
    second = _ledger([("2019-02-02", "4010", "100", "", 200), ("2019-02-03", "4010", "100", "", 400)], "b.csv")
    second["verifikation"] = ["1", "7"]
    result = compute(book, [first, second])
    assert result.actual == [Decimal(9)]
    (finding,) = [f for f in result.findings if f.code == "utfall-dubblett"]
    assert finding.severity == "error" and str(finding.location) == "b.csv:2" and finding.amount == Decimal(2)
    assert "a.csv" in finding.message and "--dedupe" in finding.message
    result = compute(book, [first, second], dedupe=())
    assert result.actual == [Decimal(7)]
    (finding,) = [f for f in result.findings if f.code == "utfall-dubblett"]
    assert finding.severity == "warning" and "nyckel: date, verifikation, rad, konto" in finding.message
    with pytest.raises(UserError, match="a.csv and a.csv hold the same transactions"):
        compute(book, [first, first])  # the same file twice


def test_ore_add_up_exactly_over_many_rows():
    book = _book([("A", "100", "")])
    rows = [("2019-02-01", "4010", "100", "", 1)] * 30001 + [("2019-02-01", "4010", "100", "", 99999999999999)]
    result = compute(book, _ledger(rows))
    assert result.actual == [Decimal("1000000000300.00")]


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


def test_cli_exit_1_when_activities_need_a_code(tmp_path):
    from conftest import small_book

    book = small_book(tmp_path / "s.xlsx", [["A", "V", 100, "9902", "", None], ["B", "V", 200, "9902", "", None]])
    ledger = tmp_path / "h.csv"
    ledger.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;100\n", encoding="utf-8")
    done = run("utfall", book, ledger, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 1, done.stderr
    assert "error: utfall-kod-saknas" in done.stdout and "'A', 'B'" in done.stdout
    assert [a.actual for a in read_book(tmp_path / "o.xlsx").activities] == [None, None]


def test_a_table_without_utfall_column_is_refused(tmp_path):
    from conftest import small_book

    book = small_book(tmp_path / "s.xlsx", [["A", "V", 100, "9902", ""]], ["Aktivitet", "Verksamhet", "Belopp",
                                                                           "Objekt", "Pott"])
    ledger = tmp_path / "h.csv"
    ledger.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;100\n", encoding="utf-8")
    with pytest.raises(UserError, match="no column 'Utfall'"):
        utfall_file(book, [ledger], tmp_path / "o.xlsx")
    assert not (tmp_path / "o.xlsx").exists()


# --- the button ------------------------------------------------------------------------------------------

def test_the_excel_button_gives_the_same_as_the_file_path(tmp_path, monkeypatch):
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append((title, text)))
    ledger = str(WORKBOOKS / "huvudbok_2019.csv")
    live_result = excel.hamta_utfall(book, [ledger])
    assert shown[0][0] == "Hämta utfall" and "23 av 23" in shown[0][1]
    sheets = remote_book.replay(book, initial)
    out = tmp_path / "out.xlsx"
    _, file_result = utfall_file(EXAMPLE_2019, [ledger], out)
    assert live_result.actual == file_result.actual
    for a, value in zip(read_book(out).activities, file_result.actual):
        column = ord(a.columns["actual"]) - 64
        assert Decimal(str(sheets["Aktiviteter"][(a.row, column)])) == value
    headless = _sheet(out, "Utfall")
    live = sheets["Utfall"]
    for r, row in enumerate(headless[3:], start=4):  # below the title and its date note
        for c, value in enumerate(row, start=1):
            got = live.get((r, c))
            if isinstance(value, (int, float)):
                assert Decimal(str(got)) == Decimal(str(value)), (r, c)
            else:
                assert (got or None) == value, (r, c)
    broken = tmp_path / "broken.csv"
    broken.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;tusen\n", encoding="utf-8")
    assert excel.hamta_utfall(remote_book.book_from_file(EXAMPLE_2019), [str(broken)]) is None
    assert "kunde inte hämtas" in shown[1][1] and "row 2" in shown[1][1]


def test_shipped_ledger_is_reproducible(tmp_path):
    assert examples.example_ledger(tmp_path / "h.csv").read_bytes() == (WORKBOOKS / "huvudbok_2019.csv").read_bytes()


def test_the_xlsm_has_the_hamta_utfall_button_and_macro():
    from oletools.olevba import VBA_Parser

    xlsm = WORKBOOKS / "beslutsunderlag_2019.xlsm"
    vml = parts(xlsm)["xl/drawings/vmlDrawing1.vml"].decode()
    assert "[0]!HamtaUtfall" in vml and "Hämta utfall" in vml
    modules = {name: code for _, _, name, code in VBA_Parser("b.xlsm", data=xlsm.read_bytes()).extract_macros()}
    assert "Public Sub HamtaUtfall()" in modules["Statsbidrag.bas"] and "x.hamta_utfall()" in modules["Statsbidrag.bas"]


@pytest.mark.parametrize("source", ["2019", "rich_xlsm"])
def test_the_output_is_valid_ooxml(source, request, tmp_path):
    from openxml_audit import FileFormat, OpenXmlValidator

    from ooxml_checks import check_package

    path = EXAMPLE_2019 if source == "2019" else request.getfixturevalue(source)
    out = tmp_path / f"out{path.suffix}"
    utfall_file(path, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(out))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(out) == []
    report_file(out, tmp_path / f"b2{path.suffix}", TODAY)  # and report on it, as the year-end does
    assert check_package(tmp_path / f"b2{path.suffix}") == []


def test_the_button_asks_for_the_files_with_excels_dialog(monkeypatch):
    """On Windows the button asks Excel's file dialog (several files allowed); a cancel does nothing;
    elsewhere it says that the dialog needs Excel for Windows."""
    from types import SimpleNamespace

    calls, shown = [], []
    answers = iter([(str(WORKBOOKS / "huvudbok_2019.csv"),), False])

    def dialog(*args):
        calls.append(args)
        return next(answers)

    book = remote_book.book_from_file(EXAMPLE_2019)
    fake = SimpleNamespace(app=SimpleNamespace(api=SimpleNamespace(GetOpenFilename=dialog)), sheets=book.sheets,
                           fullname=book.fullname)
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append(text))
    monkeypatch.setattr(sys, "platform", "win32")
    assert excel.buttons._ask_ledger_files(fake) == [str(WORKBOOKS / "huvudbok_2019.csv")]
    assert calls[0][0].startswith("Huvudboksexport (") and calls[0][4] is True
    assert excel.hamta_utfall(fake) is None and not shown  # cancelled
    monkeypatch.setattr(sys, "platform", "darwin")
    assert excel.hamta_utfall(fake) is None and "Filvalet finns bara i Excel för Windows" in shown[0]
