"""Actual costs (utfall) per activity from ledger transactions: the matching, the reconciliation per
objekt and the findings.  No I/O: the ledger comes in as the frames of ``ledger.read``, the workbook as
the model, and the result goes out as values per activity and the values of the sheet "Utfall"
(``Utfall.sheet_data``, laid out by ``forms.utfall``).

The rule.  Of the transactions on the agreement's objekt (the table Objekt and the activities' objekt):
- outside the agreement's period: listed, not counted;
- on a cost account (BAS classes 4-7 by default; ``accounts``): on an objekt, a transaction whose
  code (the ledger's aktivitet/projekt) is an activity's Kod goes to that activity; the others go to
  the one activity of the objekt without a Kod.  Where several activities share a Kod (or several
  have none) their transactions stay at the objekt level, their Utfall is left empty, and a finding
  names them.  Where there is no such activity, the transactions are "ej kopplade": listed, summed,
  and named in a finding;
- on an income account (class 3, e.g. the grant booked on the objekt) or any other account: shown in
  the reconciliation, never counted as (negative) cost.
Per objekt: ledger total = kopplat + objektnivå + ej kopplat + intäkter + övriga konton + utanför perioden.
Several files are combined as they are: no row is ever dropped because it looks like another file's
(voucher numbers restart every year and series).  The same export given twice (the same transactions
at the same lines) is refused naming both files; rows of a later file equal in every field to an earlier
file's are counted and named in a finding (an error where they have voucher numbers); ``dedupe`` (the
CLI's ``--dedupe``) counts such rows once, by a key the user sees.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from ..core.errors import Location, UserError
from ..core.model import Activity, DecisionBook, Finding, Severity
from ..core.money import format_kr, ore_to_kr
from ..forms.utfall import TRANSACTION_FIELDS, UtfallSheet
from ..read.workbook_format import LEDGER_SHEET, RECONCILIATION_COLUMNS

DEFAULT_ACCOUNTS = "4-7"

# Categories of a transaction on the agreement's objekt, in the reconciliation's order.
MATCHED, OBJEKT_LEVEL, UNMATCHED, INCOME, OTHER, OUTSIDE = range(6)
CATEGORY_SV = {c: RECONCILIATION_COLUMNS[f] for c, f in zip(
    (MATCHED, OBJEKT_LEVEL, UNMATCHED, INCOME, OTHER, OUTSIDE),
    ("matched", "objekt_level", "unmatched", "income", "other", "outside"))}
LABEL_SV = {OBJEKT_LEVEL: "(objektnivå: aktiviteterna saknar kod)", UNMATCHED: "(ej kopplad till aktivitet)",
            INCOME: "(intäkt, klass 3: ej kostnad)", OTHER: "(annat konto: ej kostnad)",
            OUTSIDE: "(utanför perioden)"}
# The fields of a transaction (``--dedupe-key`` names; belopp is the column ore).
DEDUPE_FIELDS = {"date": "date", "verifikation": "verifikation", "rad": "rad", "konto": "konto", "text": "text",
                 "ansvar": "ansvar", "verksamhet": "verksamhet", "aktivitet": "aktivitet", "objekt": "objekt",
                 "belopp": "ore"}
DEDUPE_KEY = tuple(DEDUPE_FIELDS)


def parse_accounts(spec: str | None) -> list[tuple[str, str]]:
    """``4000-7999,8400`` -> [("4000", "7999"), ("8400", "8400")]: an account counts when its first
    digits (as many as the range's bounds have) are inside a range."""
    ranges = []
    for part in (spec or DEFAULT_ACCOUNTS).split(","):
        lo, _, hi = part.strip().partition("-")
        lo, hi = lo.strip(), (hi.strip() or lo.strip())
        if not (lo.isdigit() and hi.isdigit() and len(lo) == len(hi) and lo <= hi):
            raise UserError(f"--accounts: '{part.strip()}' is not an account range such as 4000-7999 or 8400 "
                            "(both bounds with the same number of digits)")
        ranges.append((lo, hi))
    return ranges


def _per_value(series: pd.Series, fn, dtype=object) -> np.ndarray:
    """``fn`` of each row's value, worked out once per distinct value (a ledger repeats its accounts and
    codes; pandas' string methods would call Python once per row)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    return np.array([fn(str(u) if u is not None else "") for u in uniques] + [fn("")], dtype=dtype)[codes]


def stripped(series: pd.Series) -> pd.Series:
    return pd.Series(_per_value(series, str.strip), index=series.index, dtype=object)


_PERIOD = re.compile(r"^(?:(\d{4})\D?)?[pP]?(\d{1,2})$")
CLOSING_PERIOD = 13  # the ledger's period for the year's closing vouchers (bokslut)


def parse_period(text: str, date: dt.date | None = None) -> tuple[int, int] | None:
    """A ledger period as (year, period 1-13): "201913", "2019-13", "2019 04", "P13", "13" (the year then
    from the date; a period 13 dated in January-March is the year before's closing).  None: no period."""
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    number = int(match[2])
    if not 1 <= number <= CLOSING_PERIOD:
        return None
    if match[1]:
        return int(match[1]), number
    if date is None:
        return None
    return (date.year - 1 if number == CLOSING_PERIOD and date.month <= 3 else date.year), number


def inside_period(rows: pd.DataFrame, start: dt.date, end: dt.date, cut: int = CLOSING_PERIOD) -> np.ndarray:
    """Which rows belong to the report period: by the ledger's period where the export has one (a closing
    voucher of period 13 dated in the new year belongs to the old year; ``cut`` is the last period counted,
    12 to leave the closing vouchers out), else by the date."""
    dates = rows["date"]
    inside = ((dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))).to_numpy(bool).copy()
    if "period" not in rows or not len(rows):
        return inside
    has = (rows["period"].astype(str).str.len() > 0).to_numpy(bool)
    if not has.any():
        return inside
    codes, uniques = pd.factorize(rows["period"].to_numpy(dtype=object), use_na_sentinel=False)

    def counts(found: tuple[int, int] | None) -> bool | None:
        if found is None:
            return None
        year, number = found
        month_end = dt.date(year, 12, 31) if number >= 12 else dt.date(year, number + 1, 1) - dt.timedelta(days=1)
        return start <= month_end and dt.date(year, min(number, 12), 1) <= end and number <= cut

    with_year = [counts(parse_period(str(u))) for u in uniques]  # "201904": once per distinct period
    for code, verdict in enumerate(with_year):
        if verdict is not None:
            inside[(codes == code) & has] = verdict
    for i in np.flatnonzero(has & np.isin(codes, [c for c, v in enumerate(with_year) if v is None])):
        verdict = counts(parse_period(str(uniques[codes[i]]), dates.iat[i].date()))  # "13": the date's year
        if verdict is not None:
            inside[i] = verdict
    return inside


def on_accounts(konto: pd.Series, ranges: list[tuple[str, str]]) -> np.ndarray:
    def counts(k: str) -> bool:
        return any(len(k) >= len(lo) and k[:len(lo)].isdigit() and lo <= k[:len(lo)] <= hi for lo, hi in ranges)
    return _per_value(konto, counts, bool)


def _key(text: object) -> str:
    return str(text or "").strip().casefold()


@dataclass
class ObjektReconciliation:
    objekt: str
    amounts: dict[int, int]  # category -> öre

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass
class Utfall:
    book: DecisionBook
    actual: list[Decimal | None]  # per activity of the book, in order; None: left empty
    transactions: pd.DataFrame  # the rows on the agreement's objekt, with "category" and "activity"
    reconciliation: list[ObjektReconciliation]
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # how each ledger file was read (format, encoding, columns)

    def cell_values(self) -> dict[str, dict[str, Decimal | None]]:
        """The Utfall cells of the activity table: {sheet: {"J5": amount or None}}."""
        out: dict[str, dict[str, Decimal | None]] = {}
        for a, value in zip(self.book.activities, self.actual):
            letter = a.columns.get("actual")
            if not letter:
                table = self.book.table_location
                raise UserError("the table Aktiviteter has no column 'Utfall'; add it (any position) and run again",
                                file=self.book.path or None, location=table)
            out.setdefault(a.sheet or "", {})[f"{letter}{a.row}"] = value
        return out

    def activities_frame(self) -> pd.DataFrame:
        """One row per activity: name, verksamhet, objekt, code, budget, utfall, deviation (utfall − budget, as on
        Bilaga 2), Decimal."""
        return pd.DataFrame([{"aktivitet": a.name, "verksamhet": a.verksamhet, "objekt": a.objekt, "kod": a.code,
                              "budget": a.amount, "utfall": u,
                              "avvikelse": (u - a.amount) if a.amount is not None and u is not None else None}
                             for a, u in zip(self.book.activities, self.actual)])

    def findings_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{**f.as_dict(), "amount": f.amount} for f in self.findings],
                            columns=["severity", "code", "message", "sheet", "cell", "amount"])

    def sheet_data(self) -> UtfallSheet:
        """What the sheet Utfall shows (``forms.utfall``), as plain values."""
        t = self.transactions
        ore = t["ore"].to_numpy()
        is_cost = np.isin(t["category"].to_numpy(), [MATCHED, OBJEKT_LEVEL, UNMATCHED])
        columns = {f: t[f].astype(str).tolist() for f in ("verifikation", "rad", "konto", "text", "ansvar",
                                                          "verksamhet", "aktivitet", "objekt", "activity")}
        columns["date"] = t["date"].dt.strftime("%Y-%m-%d").tolist()
        files, names = pd.factorize(t["file"].to_numpy(object), use_na_sentinel=False)
        prefixes = [f"{str(f).rsplit('/', 1)[-1]}:" for f in names]  # file:line, each file's name made once
        columns["source"] = [prefixes[f] + str(n) for f, n in zip(files.tolist(), t["line"].tolist())]
        assert set(columns) | {"ore"} == set(TRANSACTION_FIELDS)
        reconciliation = [(r.objekt, [ore_to_kr(r.total)] + [ore_to_kr(r.amounts.get(c, 0)) for c in CATEGORY_SV])
                          for r in self.reconciliation]
        return UtfallSheet(self.book.agreement, self.files, self.accounts, reconciliation, _per_activity(self),
                           ore_to_kr(int(ore[is_cost].sum())) if len(t) else Decimal(0), columns, ore.tolist())

    def reconciliation_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"objekt": r.objekt, "total": ore_to_kr(r.total),
                              **{CATEGORY_SV[c]: ore_to_kr(r.amounts.get(c, 0)) for c in CATEGORY_SV}}
                             for r in self.reconciliation])


def _where(row) -> Location:
    return Location(f"{str(row.file).rsplit('/', 1)[-1]}:{int(row.line)}")


def parse_dedupe(spec: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``date,verifikation,konto,belopp`` -> the key's fields (names of ``DEDUPE_FIELDS``)."""
    names = [n.strip().casefold() for n in (spec.split(",") if isinstance(spec, str) else spec or DEDUPE_KEY)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in DEDUPE_FIELDS]
    if unknown or not names:
        raise UserError(f"--dedupe-key: unknown field(s) {', '.join(unknown) or '(none given)'} "
                        f"(fields: {', '.join(DEDUPE_FIELDS)})")
    return tuple(dict.fromkeys(names))


def _name(file: object) -> str:
    return str(file).rsplit("/", 1)[-1]


def _reading(frame: pd.DataFrame) -> tuple[list[str], list[Finding]]:
    """How a file was read (format, encoding, sheets, columns: a line for the user) and what was
    repaired (a warning finding each), from the reader's ``frame.attrs["ledger"]``."""
    read = frame.attrs.get("ledger")
    if not read:
        return [], []
    name = _name(read["file"])
    return ([f"{name}: " + "; ".join(read["notes"])],
            [Finding(Severity.WARNING, "utfall-fil-varning", f"{name}: {w}.", Location(name)) for w in read["warnings"]])


def combine(frames: list[pd.DataFrame], dedupe: str | tuple[str, ...] | None = None
            ) -> tuple[pd.DataFrame, list[Finding], list[str]]:
    """The frames (one per file) as one, every row kept: the same export given twice is refused; rows of
    a later file equal to an earlier file's on every field are named (counted, never dropped) unless
    ``dedupe`` gives a key (``parse_dedupe``), by which they are counted once, per file in a warning.
    Returns the frame, the findings and how each file was read."""
    findings, read = [], []
    for frame in frames:
        lines, warnings = _reading(frame)
        read += lines
        findings += warnings
    content = [c for c in frames[0].columns if c not in ("file", "amount")] if frames else []
    for i, a in enumerate(frames):
        for b in frames[i + 1:]:
            if len(a) and len(a) == len(b) and list(a.columns) == list(b.columns) and \
                    a[content].reset_index(drop=True).equals(b[content].reset_index(drop=True)):
                raise UserError(f"{_name(a['file'].iloc[0])} and {_name(b['file'].iloc[0])} hold the same "
                                "transactions at the same lines: the same export given twice? Give it once")
    frame = pd.concat(frames, ignore_index=True) if len(frames) != 1 else frames[0].reset_index(drop=True)
    frame.attrs = {}
    if len(frames) < 2 or not len(frame):
        return frame, findings, read
    key = [DEDUPE_FIELDS[n] for n in (parse_dedupe(dedupe) if dedupe is not None else DEDUPE_KEY)]
    order = pd.Series(np.repeat(np.arange(len(frames)), [len(f) for f in frames]), index=frame.index)
    columns = [frame[k] for k in key]
    occurrence = order.groupby(columns + [order], sort=False, dropna=False).cumcount()
    first = order.groupby(columns + [occurrence], sort=False, dropna=False).transform("min")
    later = (order != first).to_numpy()
    if not later.any():
        return frame, findings, read
    shown = ", ".join(n for n, c in DEDUPE_FIELDS.items() if c in key)
    for (this, earlier), group in frame[later].groupby([order[later], first[later]], sort=True):
        total = ore_to_kr(group["ore"].sum())
        where = _where(group.iloc[0])
        this_name, earlier_name = _name(frames[this]["file"].iloc[0]), _name(frames[earlier]["file"].iloc[0])
        if dedupe is not None:
            findings.append(Finding(
                Severity.WARNING, "utfall-dubblett",
                f"{len(group)} transaktioner i {this_name} finns redan i {earlier_name} (nyckel: {shown}) och räknas "
                f"en gång (--dedupe); summa {format_kr(total)}.", where, total))
        else:
            numbered = bool((group["verifikation"] != "").all())
            findings.append(Finding(
                Severity.ERROR if numbered else Severity.WARNING, "utfall-dubblett",
                f"{len(group)} transaktioner i {this_name} är lika i alla fält ({shown}) med transaktioner i "
                f"{earlier_name}; båda räknas (summa {format_kr(total)}). Är det samma transaktioner i två exporter, "
                "kör med --dedupe så räknas de en gång.", where, total))
    if dedupe is not None:
        frame = frame[~later]
    return frame, findings, read


def agreement_objekt(book: DecisionBook) -> set[str]:
    """The objekt of the agreement: the table Objekt's and the activities'."""
    return {o.code.strip() for o in book.agreement.objekt if o.code.strip()} | \
        {a.objekt.strip() for a in book.activities if a.objekt.strip()}


def compute(book: DecisionBook, ledger: pd.DataFrame | list[pd.DataFrame], accounts: str | list[tuple[str, str]] | None = None,
            dedupe: str | tuple[str, ...] | None = None, period_cut: int = CLOSING_PERIOD) -> Utfall:
    """Match the ledger's transactions to the book's activities (see the module's docstring); several
    frames (files) are combined by ``combine`` (``dedupe``: a key to count rows given twice once)."""
    ranges = parse_accounts(accounts) if accounts is None or isinstance(accounts, str) else accounts
    ledger, findings, read = combine(ledger if isinstance(ledger, list) else [ledger], dedupe)
    activities = book.activities
    codes = agreement_objekt(book)
    objekt = stripped(ledger["objekt"])
    on = objekt.isin(codes).to_numpy()
    rows = ledger[on].copy()
    rows["objekt"] = objekt[on]
    start, end = book.agreement.period
    inside = inside_period(rows, start, end, period_cut)
    konto = stripped(rows["konto"])
    cost = on_accounts(konto, ranges)
    income = _per_value(konto, lambda k: k.startswith("3"), bool)
    balance_sheet = _per_value(konto, lambda k: k.startswith("1"), bool)
    category = np.select([~inside, cost, income], [OUTSIDE, UNMATCHED, INCOME], OTHER)

    # Groups of activities by (objekt, code): a transaction's group is its (objekt, code) where an
    # activity has that code, otherwise (objekt, "").
    groups: dict[tuple[str, str], list[int]] = {}
    for i, a in enumerate(activities):
        groups.setdefault((a.objekt.strip(), _key(a.code)), []).append(i)
    code = pd.Series(_per_value(rows["aktivitet"], lambda c: c.strip().casefold()), index=rows.index, dtype=object)
    coded = {f"{o}\x1f{c}" for (o, c) in groups if c}
    joined = rows["objekt"] + "\x1f" + code
    group_key = np.where(joined.isin(coded).to_numpy(bool), joined.to_numpy(object),
                         (rows["objekt"] + "\x1f").to_numpy(object))
    group_of = {f"{o}\x1f{c}": members for (o, c), members in groups.items()}
    activity = np.full(len(rows), "", dtype=object)
    sums: dict[str, int] = {}
    is_cost = category == UNMATCHED
    if is_cost.any():
        sums = pd.Series(rows["ore"].to_numpy()[is_cost]).groupby(group_key[is_cost]).sum().to_dict()
    key_codes, key_uniques = pd.factorize(group_key, use_na_sentinel=False)  # compared as numbers below
    number_of = {k: i for i, k in enumerate(key_uniques)}
    named = np.zeros(len(rows), dtype=bool)
    for key, members in group_of.items():
        hit = is_cost & (key_codes == number_of.get(key, -1))
        if len(members) == 1:
            category[hit] = MATCHED
            activity[hit] = activities[members[0]].name
            named |= hit
        else:
            category[hit] = OBJEKT_LEVEL
    for c, label in LABEL_SV.items():
        activity[(category == c) & ~named] = label
    rows["category"] = category
    rows["activity"] = activity

    # Per objekt: what is there, the reconciliation, and the findings.
    present = set(rows.loc[inside, "objekt"])
    actual: list[Decimal | None] = [None] * len(activities)
    for key, members in group_of.items():
        objekt_code = key.split("\x1f", 1)[0]
        if objekt_code not in present:
            continue
        if len(members) == 1:
            actual[members[0]] = ore_to_kr(sums.get(key, 0))
        else:
            names = [activities[m] for m in members]
            what = "har samma kod" if key.split("\x1f", 1)[1] else "saknar kod"
            findings.append(Finding(
                Severity.ERROR, "utfall-kod-saknas",
                f"Aktiviteterna {', '.join(repr(a.name) for a in names)} på objekt {objekt_code} {what}; deras "
                f"kostnader, {format_kr(ore_to_kr(sums.get(key, 0)))}, står kvar på objektnivå och utfallet lämnas tomt. "
                "Ange en egen kod per aktivitet i kolumnen Kod (huvudbokens aktivitet/projekt).",
                names[0].loc("code"), ore_to_kr(sums.get(key, 0))))
    by_activity_objekt: dict[str, list[Activity]] = {}
    for a in activities:
        by_activity_objekt.setdefault(a.objekt.strip(), []).append(a)
    for objekt_code in sorted(by_activity_objekt):
        if objekt_code not in present:
            first = by_activity_objekt[objekt_code][0]
            findings.append(Finding(
                Severity.WARNING, "utfall-inget",
                f"Huvudboken har inga transaktioner på objekt {objekt_code} under perioden {start.isoformat()}–"
                f"{end.isoformat()}; utfallet för dess {len(by_activity_objekt[objekt_code])} aktiviteter lämnas tomt. "
                "Är det rätt fil och rätt objekt?", first.loc("objekt")))
    reconciliation = []
    for objekt_code in sorted(codes):
        mine = (rows["objekt"] == objekt_code).to_numpy(bool)
        if not mine.any():
            continue
        ore = rows["ore"].to_numpy()[mine]
        cats = category[mine]
        amounts = {c: int(ore[cats == c].sum()) for c in CATEGORY_SV}
        reconciliation.append(ObjektReconciliation(objekt_code, amounts))
        unmatched = rows[mine & (category == UNMATCHED)]
        if len(unmatched):
            seen = sorted(set(stripped(unmatched["aktivitet"])))
            shown = ", ".join(repr(c) if c else "(utan kod)" for c in seen[:8]) + (" …" if len(seen) > 8 else "")
            findings.append(Finding(
                Severity.WARNING, "utfall-omatchat",
                f"{len(unmatched)} kostnadstransaktioner på objekt {objekt_code} hör inte till någon aktivitet "
                f"(koder: {shown}); summa {format_kr(ore_to_kr(amounts[UNMATCHED]))}. De listas på bladet Utfall.",
                _where(unmatched.iloc[0]), ore_to_kr(amounts[UNMATCHED])))
        if amounts[INCOME]:
            findings.append(Finding(
                Severity.INFO, "utfall-intakt",
                f"Intäkter (klass 3) på objekt {objekt_code}: {format_kr(ore_to_kr(amounts[INCOME]))}. De visas i "
                "avstämningen och räknas inte som kostnad.", Location(LEDGER_SHEET), ore_to_kr(amounts[INCOME])))
        outside = rows[mine & (category == OUTSIDE)]
        if len(outside):
            findings.append(Finding(
                Severity.INFO, "utfall-utanfor-perioden",
                f"{len(outside)} transaktioner på objekt {objekt_code} ligger utanför perioden {start.isoformat()}–"
                f"{end.isoformat()} (summa {format_kr(ore_to_kr(amounts[OUTSIDE]))}) och räknas inte.",
                _where(outside.iloc[0]), ore_to_kr(amounts[OUTSIDE])))
        assets = rows[mine & (category == OTHER) & balance_sheet]
        if len(assets):  # the 2019 decision support: an investment's depreciation only may go on the objekt
            total = ore_to_kr(int(assets["ore"].sum()))
            findings.append(Finding(
                Severity.WARNING, "investering-pa-objekt",
                f"{len(assets)} transaktioner på objekt {objekt_code} är bokförda på balanskonton (klass 1, "
                f"tillgångar; summa {format_kr(total)}, konton {', '.join(sorted(set(assets['konto'])))}). En "
                "investering får inte belasta bidraget: bara årets avskrivning får konteras på objektet. De räknas "
                "inte som kostnad.", _where(assets.iloc[0]), total))
    order = np.lexsort((rows["line"].to_numpy(), rows["date"].to_numpy(),
                        pd.factorize(activity, sort=True, use_na_sentinel=False)[0], category,
                        pd.factorize(rows["objekt"].to_numpy(object), sort=True, use_na_sentinel=False)[0]))
    rows = rows.iloc[order].reset_index(drop=True)
    return Utfall(book, actual, rows, reconciliation, findings, list(dict.fromkeys(ledger["file"].tolist())), ranges,
                  read)


def _per_activity(result: Utfall) -> list[tuple[str, str, str, int, Decimal | None, Decimal | None]]:
    """(activity, objekt, code, transactions, budget, utfall) per activity, then per objekt what stayed at the
    objekt level or matched no activity: the cost transactions of the period, all accounted for."""
    t = result.transactions
    cost = t[t["category"].isin([MATCHED, OBJEKT_LEVEL, UNMATCHED])]
    counts = cost.groupby(["objekt", "activity"], sort=False).size().to_dict()
    sums = cost.groupby(["objekt", "activity"], sort=False)["ore"].sum().to_dict()
    rows = []
    for a, utfall in zip(result.book.activities, result.actual):
        key = (a.objekt.strip(), a.name)
        rows.append((a.name, a.objekt.strip(), a.code, int(counts.get(key, 0)) if utfall is not None else 0,
                     a.amount, utfall))
    for (objekt, label), count in sorted(counts.items()):
        if label in (LABEL_SV[OBJEKT_LEVEL], LABEL_SV[UNMATCHED]):
            rows.append((label, objekt, "", int(count), None, ore_to_kr(sums[(objekt, label)])))
    return rows
