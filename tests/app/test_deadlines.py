"""Tests of xl_statsbidrag.app.deadlines."""
import datetime as dt
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019
from tests.support.deadlines import NAME_2021, book_2021

pytestmark = pytest.mark.system


def test_deadlines_command_lists_twice_given_agreements_once_and_writes_reminders(tmp_path, book_2021):
    copy = tmp_path / "kopia av 2019.xlsx"
    shutil.copy(EXAMPLE_2019, copy)
    ics = tmp_path / "t.ics"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019), str(EXAMPLE_2018),
                           str(book_2021), str(copy), "--ics", str(ics), "--today", "2021-06-01",
                           "--remind", "redovisning=8,6,2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning: the same agreement (En investering" in done.stderr and "kopia av 2019.xlsx" in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2021-06-24") and "Planering av antalet AT-tjänster 2022–2024 (internt)" in lines[0]
    assert any("deadline 2021-06-25 (midsommarafton) is not a working day" in line for line in lines)
    assert "Ekonomisk redovisning 8 weeks and 6 weeks and 2 weeks before" in done.stdout
    import vobject

    parsed = vobject.readOne(ics.read_text(encoding="utf-8"))
    report = next(e for e in parsed.vevent_list if e.summary.value.startswith(f"Ekonomisk redovisning (externt): "
                                                                               f"{NAME_2021}"))
    assert sorted(a.trigger.value for a in report.valarm_list) == [  # at 09:00 on the day
        dt.timedelta(days=-weeks * 7, hours=9) for weeks in (8, 6, 2)]


def test_deadlines_csv_has_the_new_columns(book_2021):
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(book_2021), "--format", "csv",
                           "--today", "2021-06-01"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import csv

    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert rows[0]["kind"] == "Planering av antalet AT-tjänster 2022–2024" and rows[0]["scope"] == "internt"
    assert rows[0]["date"] == "2021-06-25" and rows[0]["plan_date"] == "2021-06-24"
    assert rows[0]["non_working"] == "midsommarafton"
    requisition = next(r for r in rows if r["kind"] == "Rekvisition")
    assert requisition["done"] == "2021-03-25" and requisition["status"] == "done 2021-03-25"


def test_a_bad_reminder_is_a_clear_error():
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019),
                           "--remind", "sometimes=2"], capture_output=True, text=True)
    assert done.returncode == 2 and "--remind 'sometimes=2'" in done.stderr and "Traceback" not in done.stderr


def test_deadlines_command_with_ics_and_a_broken_workbook(tmp_path):
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"not a zip")
    ics = tmp_path / "t.ics"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019), str(EXAMPLE_2018),
                           str(broken), "--ics", str(ics), "--today", "2019-01-01", "--format", "csv"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "trasig.xlsx" in done.stderr and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("date,kind,agreement,year,dnr,status,file,source,plan_date,non_working,scope,done,reference,"
                        "assumed,verify,also")
    assert lines[1].startswith("2019-02-15,Rapport till Socialstyrelsen,")
    assert ics.read_bytes().count(b"BEGIN:VEVENT") == 8
