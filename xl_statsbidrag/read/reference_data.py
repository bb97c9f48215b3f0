"""Data shipped with the package, as plain CSV a user can extend:

- ``regions.csv``: the 21 regions (code, län, region name);
- ``population.csv``: population per län and date (``date,region,population,source``);
- ``published.csv``: published distribution tables (``table,population_date,pot,region,amount,source``),
  which are the authority where they exist;
- ``agreements.csv``: the catalogue of agreements (pots, totals, deadlines, and the ``report_form`` of
  ``forms.registry`` that writes its economic report: optional, default ``bilaga2``), and ``duties.csv`` the
  reporting duties they name beyond requisition, report and repayment (``id,kind,name,recipient,deadline,
  source``; kind ``socialstyrelsen`` or ``ovriga``).

Files of the same names in the folder named by the environment variable ``XL_STATSBIDRAG_DATA``
add rows to the shipped ones (a date or table given there replaces the shipped one of that name).
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from ..core.errors import UserError
from ..core.money import format_kr
from ..core.text import normalise_header
from .workbook_format import is_earmarked

ENV = "XL_STATSBIDRAG_DATA"
DEFAULT_FORM = "bilaga2"  # the report form of an agreement whose catalogue row names none (forms.registry)


class Region(NamedTuple):  # (see the import of NamedTuple)
    """A region: its code, county (län) and name."""

    code: str
    lan: str
    name: str


class PublishedTable(NamedTuple):  # (see the import of NamedTuple)
    """A published allocation table: the amounts per region of each pot."""

    id: str
    population_date: str
    source: str
    pots: dict[str, list[tuple[str, Decimal]]]

    def total(self, pot: str) -> Decimal:
        return sum((a for _, a in self.pots[pot]), Decimal(0))


def _files(name: str) -> list[tuple[str, str]]:
    """(where, text) of the shipped file and of the user's, in that order."""
    out = [(f"xl_statsbidrag/data/{name}", resources.files("xl_statsbidrag").joinpath("data", name)
            .read_text(encoding="utf-8"))]
    extra = os.environ.get(ENV)
    if extra and (Path(extra) / name).is_file():
        out.append((str(Path(extra) / name), (Path(extra) / name).read_text(encoding="utf-8-sig")))
    return out


def _rows(name: str, columns: tuple[str, ...]) -> list[list[tuple[str, int, dict[str, str]]]]:
    """The rows of each file (shipped first), checked to have the columns."""
    out = []
    for where, text in _files(name):
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise UserError(f"{where}: missing column(s) {', '.join(missing)} (needs {','.join(columns)})")
        out.append([(where, line, row) for line, row in enumerate(reader, start=2)])
    return out


def _csv_decimal(where: str, line: int, value: str) -> Decimal:
    try:
        number = Decimal(value.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise UserError(f"{where}, line {line}: '{value}' is not a number") from None
    if not number.is_finite() or number.adjusted() >= 15:  # checked before any arithmetic
        raise UserError(f"{where}, line {line}: '{value}' is not a number of kronor or people (finite, "
                        "below 10^15)")
    return number


def _date_text(where: str, line: int, column: str, value: str) -> str:
    """A date in the catalogue (2019-12-01), checked when the file is read; empty is allowed."""
    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise UserError(f"{where}, line {line}: {column} '{value}' is not a date (write it as 2019-12-01)") \
                from None
    return value


def _years(where: str, line: int, value: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{4})?", value):
        raise UserError(f"{where}, line {line}: years '{value}' is not a year or a span of years (2019, 2019-2020)")
    return value


def _key(name: str) -> str:
    text = re.sub(r"\s+", " ", name.strip().casefold())
    text = re.sub(r"^region ", "", text)
    return re.sub(r"(s)? län$", "", text).strip()


@lru_cache(maxsize=None)
def _regions() -> tuple[Region, ...]:
    out: dict[str, Region] = {}
    for rows in _rows("regions.csv", ("code", "lan", "region")):
        for _, _, row in rows:
            out[row["lan"]] = Region(row["code"], row["lan"], row["region"])
    return tuple(out.values())


def find_region(name: str) -> Region:
    """A region by its län ("Jämtlands län"), its name ("Region Jämtland Härjedalen") or code ("23")."""
    wanted = _key(name)
    for r in _regions():
        if wanted in (_key(r.lan), _key(r.name), r.code.casefold()) or wanted == _key(r.name).split(" ")[0]:
            return r
    raise UserError(f"no region '{name}' (known: {', '.join(r.name for r in _regions())})")


@lru_cache(maxsize=None)
def _population() -> dict[str, tuple[str, tuple[tuple[str, Decimal], ...]]]:
    tables: dict[str, tuple[str, list[tuple[str, Decimal]]]] = {}
    for rows in _rows("population.csv", ("date", "region", "population")):
        dates: dict[str, tuple[str, list[tuple[str, Decimal]]]] = {}
        for where, line, row in rows:
            entry = dates.setdefault(row["date"].strip(), (row.get("source") or where, []))
            entry[1].append((row["region"].strip(), _csv_decimal(where, line, row["population"])))
        tables.update(dates)
    return {d: (src, tuple(rows)) for d, (src, rows) in tables.items()}


def population_dates() -> list[str]:
    return sorted(_population())


def population(date: str) -> tuple[str, list[tuple[str, Decimal]]]:
    """(source, [(län, population)]) for a date such as "2018-12-31"."""
    tables = _population()
    if date not in tables:
        raise UserError(f"no population table for {date} (shipped: {', '.join(sorted(tables))}; "
                        f"add rows to population.csv in ${ENV})")
    source, rows = tables[date]
    return source, list(rows)


@lru_cache(maxsize=None)
def _published() -> dict[str, PublishedTable]:
    tables: dict[str, PublishedTable] = {}
    for rows in _rows("published.csv", ("table", "population_date", "pot", "region", "amount")):
        found: dict[str, PublishedTable] = {}
        for where, line, row in rows:
            tid = row["table"].strip()
            table = found.setdefault(tid, PublishedTable(tid, row["population_date"].strip(),
                                                         (row.get("source") or where).strip(), {}))
            table.pots.setdefault(row["pot"].strip(), []).append(
                (row["region"].strip(), _csv_decimal(where, line, row["amount"])))
        tables.update(found)
    return tables


def published(table_id: str) -> PublishedTable:
    tables = _published()
    if table_id not in tables:
        raise UserError(f"no published table '{table_id}' (shipped: {', '.join(sorted(tables))})")
    return tables[table_id]


def published_for(population_date: str, total: Decimal) -> tuple[PublishedTable, str] | None:
    """The published table (and pot) for a population date whose total is ``total``, if any."""
    for table in _published().values():
        if table.population_date == population_date:
            for pot in table.pots:
                if table.total(pot) == total:
                    return table, pot
    return None


def clear_cache() -> None:
    for f in (_regions, _population, _published, _catalogue, _duties):
        f.cache_clear()


# --- the catalogue of agreements ----------------------------------------------------------------------

class CataloguePot(NamedTuple):  # (see the import of NamedTuple)
    """A pot of a catalogue agreement: its national total and where its allocation comes from."""

    name: str
    national_total: Decimal
    earmarked: bool
    purpose: str
    population_date: str
    published_table: str
    published_pot: str


class CatalogueAgreement(NamedTuple):  # (see the import of NamedTuple)
    """An agreement of the catalogue (data/agreements.csv): its pots, diary number and deadlines."""

    id: str
    name: str
    years: str
    pots: tuple[CataloguePot, ...]
    rk_dnr_agreement: str
    requisition_deadline: str
    report_deadline: str
    source: str
    report_form: str = DEFAULT_FORM
    where: str = ""  # the file and line the agreement comes from, for messages

    @property
    def year(self) -> int:
        return int(self.years.split("-")[0])

    @property
    def year_range(self) -> range:
        """The years the agreement covers ("2019" or "2019-2020")."""
        first, _, last = self.years.partition("-")
        return range(int(first), int(last or first) + 1)

    @property
    def national_total(self) -> Decimal:
        return sum((p.national_total for p in self.pots), Decimal(0))


AGREEMENT_COLUMNS = ("id", "name", "years", "pot", "national_total", "earmarked", "purpose", "population_date",
                     "published_table", "published_pot", "rk_dnr_agreement", "requisition_deadline",
                     "report_deadline", "source")  # and, optional, "report_form"


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, CatalogueAgreement]:
    found: dict[str, CatalogueAgreement] = {}
    for rows in _rows("agreements.csv", AGREEMENT_COLUMNS):
        mine: dict[str, tuple[dict[str, str], list[CataloguePot]]] = {}
        for where, line, row in rows:
            row = {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k}
            _years(where, line, row["years"])
            for column in ("requisition_deadline", "report_deadline", "population_date"):
                _date_text(where, line, column, row[column])
            first, pots = mine.setdefault(row["id"], (dict(row, _where=f"{where}, line {line}"), []))
            pots.append(CataloguePot(row["pot"], _csv_decimal(where, line, row["national_total"]),
                                     is_earmarked(row["earmarked"]), row["purpose"],
                                     row["population_date"], row["published_table"], row["published_pot"]))
        for aid, (first, pots) in mine.items():
            found[aid] = CatalogueAgreement(aid, first["name"], first["years"], tuple(pots), first["rk_dnr_agreement"],
                                            first["requisition_deadline"], first["report_deadline"], first["source"],
                                            first.get("report_form") or DEFAULT_FORM, first["_where"])
    return found


def catalogue() -> list[CatalogueAgreement]:
    return list(_catalogue().values())


def catalogue_for(name: str, year: int) -> CatalogueAgreement | None:
    """The catalogue's agreement of a workbook's agreement: the same name (``normalise_header``) with the
    year among its years; None when the catalogue does not have it."""
    key = normalise_header(name)
    return next((e for e in catalogue() if normalise_header(e.name) == key and year in e.year_range), None)


class CatalogueDuty(NamedTuple):  # (see the import of NamedTuple)
    """A reporting duty an agreement of the catalogue names, with its deadline (``duties.csv``): ``kind``
    is "socialstyrelsen" for the follow-up report to Socialstyrelsen, else "ovriga" with its ``name``."""

    agreement_id: str
    kind: str
    name: str
    recipient: str
    deadline: str
    source: str


DUTY_COLUMNS = ("id", "kind", "name", "recipient", "deadline", "source")
DUTY_KINDS = ("socialstyrelsen", "ovriga")


@lru_cache(maxsize=None)
def _duties() -> tuple[CatalogueDuty, ...]:
    out = []
    for rows in _rows("duties.csv", DUTY_COLUMNS):
        for where, line, row in rows:
            row = {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items() if k}
            if row["kind"] not in DUTY_KINDS:
                raise UserError(f"{where}, line {line}: kind '{row['kind']}' is not one of {', '.join(DUTY_KINDS)}")
            if not row["deadline"] or not (row["name"] or row["kind"] != "ovriga"):
                raise UserError(f"{where}, line {line}: a duty needs a deadline (and a name unless it is the "
                                "report to Socialstyrelsen)")
            _date_text(where, line, "deadline", row["deadline"])
            out.append(CatalogueDuty(row["id"], row["kind"], row["name"], row["recipient"], row["deadline"],
                                     row["source"]))
    return tuple(out)


def catalogue_duties(agreement_id: str) -> list[CatalogueDuty]:
    """The reporting duties the catalogue knows for an agreement (beyond requisition, report, repayment)."""
    return [d for d in _duties() if d.agreement_id == agreement_id]


def catalogue_agreement(agreement_id: str) -> CatalogueAgreement:
    entries = _catalogue()
    if agreement_id not in entries:
        raise UserError(f"no agreement '{agreement_id}' in the catalogue (known: {', '.join(entries)}; "
                        "see 'xl-statsbidrag agreements')")
    return entries[agreement_id]


def regional_amount(pot: CataloguePot, region: Region) -> tuple[Decimal, str]:
    """A region's share of a pot: from the published table where it has one, else computed by
    population (largest remainder).  Returns (amount, where it came from)."""
    if pot.published_table:
        table = published(pot.published_table)
        rows = dict(table.pots.get(pot.published_pot or pot.name, []))
        if region.lan in rows:
            return rows[region.lan], f"published table {table.id} ({table.source})"
    if not pot.population_date:
        raise UserError(f"the catalogue gives no population date or published table for the pot '{pot.name}'; "
                        f"add them to agreements.csv (in ${ENV})")
    _, rows = population(pot.population_date)
    from ..core.allocation import split  # lazy: `report` has no allocation to compute (issue 28)

    result = split(pot.national_total, [p for _, p in rows], [r for r, _ in rows])
    amounts = result.by_label()
    if region.lan not in amounts:
        raise UserError(f"the population table {pot.population_date} has no row for {region.lan}")
    return amounts[region.lan], f"{format_kr(pot.national_total)} by population {pot.population_date}, largest remainder"
