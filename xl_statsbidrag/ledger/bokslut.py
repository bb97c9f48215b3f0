"""The year's close (bokslut) of one or more agreements from the ledger: the figures per part by ``yearend``'s
rule, the grant ledger's rows for the year, the entries the accounts need, and what needs a controller's eye.

**Entries** (one voucher per agreement, dated the last day of the period; the accounts are the workbook's,
else BAS's: 2890 Övriga kortfristiga skulder, 2970 Förutbetalda intäkter, 2990 Övriga upplupna kostnader):
- grant money not used: moved off the income account it was booked on (class 3, as the ledger has it on the
  objekt) to a liability to Kammarkollegiet, or, where the agreement lets the region use it next year, to
  prepaid income (förutbetalda intäkter).  Per part, on the objekt that carries the part's income (else most
  of its budget), so that the amounts are the report's: what is repaid, part by part.
- costs of the year booked after it (the period cut by the ledger's own period where the export has one, so a
  closing voucher of period 13 is the year's; else by date): each cost transaction with an activity's code
  dated after the period and up to the report's deadline is proposed as an accrual (debit the cost in the
  year, credit accrued costs), with its reversal on the first day of the next year.  Proposals: the sheet
  says the controller confirms each.

**Several agreements on one objekt**: a cost transaction that two agreements' activities match (same objekt,
both periods) is listed as claimed twice; one that no agreement claims is listed with the agreement whose
transactions share most of its ansvar, verksamhet and account as the suggestion.

Balance-sheet postings (class 1) on the objekt are listed: only the year's depreciation may be charged.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from decimal import Decimal

import numpy as np
import pandas as pd

from ..core.closing import Closing, Entry
from ..core.grantledger import GrantYear, by_pot, key
from ..core.model import OTHER_POTS, DecisionBook, LedgerObjekt
from ..core.money import format_kr, ore_to_kr
from ..core.text import is_yes
from ..core.yearend import OTHER, YearEnd, year_end
from .match import CLOSING_PERIOD, INCOME, MATCHED, OBJEKT_LEVEL, OUTSIDE, UNMATCHED, Utfall, on_accounts, stripped

ZERO = Decimal(0)
BAS_OWED = "2890"  # Övriga kortfristiga skulder
BAS_DEFERRED = "2970"  # Förutbetalda intäkter
BAS_ACCRUED = "2990"  # Övriga upplupna kostnader och förutbetalda intäkter


def with_utfall(book: DecisionBook, result: Utfall) -> DecisionBook:
    """The book with the ledger's utfall in its activities (as ``utfall`` writes it into the workbook)."""
    activities = [dataclasses.replace(a, actual=u if u is not None else a.actual)
                  for a, u in zip(book.activities, result.actual)]
    ledger = [_reconciled(r) for r in result.reconciliation]
    return dataclasses.replace(book, activities=activities, ledger=ledger)


def _reconciled(r) -> LedgerObjekt:
    """utfall's reconciliation of an objekt as the reader reads it back (the categories in LedgerObjekt's order)."""
    return LedgerObjekt(r.objekt, ore_to_kr(r.total), *[ore_to_kr(r.amounts.get(c, 0)) for c in range(6)])


def _most(values: pd.Series, weights: pd.Series | None = None) -> str:
    """The most common (or, with weights, the heaviest) non-empty value."""
    values = values.astype(str)
    keep = values.str.strip() != ""
    if not keep.any():
        return ""
    if weights is None:
        return Counter(values[keep]).most_common(1)[0][0]
    return str(weights[keep].abs().groupby(values[keep]).sum().idxmax())


def part_pot(ye: YearEnd, part) -> str:
    """The grant ledger's pot name for a part: the pot's; övriga medel of several pots as ``OTHER_POTS``."""
    return part.pots[0].name if len(part.pots) == 1 else OTHER_POTS


def ledger_rows(book: DecisionBook, ye: YearEnd, year: int) -> list[GrantYear]:
    """The grant ledger with the closed year's rows: per part what there was, what it cost of the grant (the
    costs up to the grant: own financing is not the grant's), and what is left, carried over where the
    agreement allows it, else owed.  Dates and references the region typed for the year are kept."""
    ag = book.agreement
    carry = is_yes(ag.carry_over)
    kept = [r for r in book.grant_ledger if r.year != year]
    before = {k: rows[-1] for k, rows in by_pot([r for r in kept if r.year < year]).items()}
    typed = {key(r.pot): r for r in book.grant_ledger if r.year == year}
    out = list(kept)
    for part in ye.parts:
        pot = part_pot(ye, part)
        old = typed.get(key(pot))
        previous = before.get(key(pot))
        opening = old.opening if old else (previous.closing if previous and previous.year == year - 1 else ZERO)
        repaid = old.repaid if old else ZERO
        received = old.received if old else part.grant - opening + repaid
        used = part.grant - part.repay
        closing = opening + received - used - repaid
        out.append(GrantYear(year, pot, opening, received, used, repaid, closing if carry else ZERO, closing,
                             old.received_date if old else ag.paid_out_date, old.received_ref if old else "",
                             old.repaid_date if old else None, old.repaid_ref if old else ""))
    return sorted(out, key=lambda r: (r.year, r.pot.casefold()))


def close(book: DecisionBook, result: Utfall, until: dt.date | None = None, accruals: bool = True) -> Closing:
    """The year's close of one agreement from its ``utfall`` result (see the module); ``accruals``: whether
    costs booked after the year are proposed as accruals (not in a middle year of a period that goes on,
    ``core.closing.year_of``, where they may as well be the next year's)."""
    ag = book.agreement
    start, end = ag.period
    book = with_utfall(book, result)
    ye = year_end(book)
    closing_notes: list[str] = []
    budgeted = [a for a in book.activities if a.actual is None]
    if budgeted:  # no transactions and no utfall typed: the year-end rule counts the budget
        names = ", ".join(a.name for a in budgeted[:3]) + (" …" if len(budgeted) > 3 else "")
        closing_notes.append(f"{len(budgeted)} aktiviteter har inga transaktioner i huvudboken och inget utfall i "
                             f"arbetsboken ({names}); deras budget, {format_kr(sum((a.amount or ZERO for a in budgeted), ZERO))}, "
                             "räknas som kostnad. Fyll i Utfall (0 om inget har förbrukats) och kör bokslut igen.")
    earlier = [r for r in book.grant_ledger if r.year < end.year]
    if earlier and not [r for r in book.grant_ledger if start.year <= r.year <= end.year]:
        # the year's rows are not typed yet: what was left of last year comes in, what was paid out is received
        last = {k: rows[-1] for k, rows in by_pot(earlier).items()}
        provisional, assumed = [], ZERO
        for part in ye.parts:
            pot = part_pot(ye, part)
            previous = last.get(key(pot))
            previous = previous if previous and previous.year == end.year - 1 else None
            opening = previous.closing if previous else ZERO
            repaid = previous.owed if previous else ZERO  # last year's debt: repaid this year, by the deadline
            assumed += repaid
            received = part.grant - (opening - repaid)  # part.grant counts what last year carried over
            provisional.append(GrantYear(end.year, pot, opening, received, ZERO, repaid, ZERO,
                                         opening + received - repaid))
        if assumed:
            closing_notes.append(f"Återbetalningen av {format_kr(assumed)} för {end.year - 1} antas gjord {end.year}; "
                                 "fyll i datum och referens i Bidragsreskontra (eller rätta beloppet).")
        book = dataclasses.replace(book, grant_ledger=book.grant_ledger + provisional)
        ye = year_end(book)
    t = result.transactions
    carry = is_yes(ag.carry_over)
    owed_account = ag.account_owed or BAS_OWED
    deferred_account = ag.account_deferred or BAS_DEFERRED
    accrued_account = ag.account_accrued or BAS_ACCRUED
    closing = Closing(book, ye, end.year, rows=ledger_rows(book, ye, end.year), notes=closing_notes)
    defaults = [name for name, value in (("skuld", ag.account_owed), ("förutbetalda intäkter", ag.account_deferred),
                                         ("upplupna kostnader", ag.account_accrued)) if not value]
    inside = t[t["category"] != OUTSIDE]
    seen = set(inside["date"].dt.year.astype(int)) if len(inside) else set()
    missing = [y for y in range(start.year, end.year + 1) if y not in seen]
    if start.year < end.year and missing:  # the close takes the ledgers for the whole period's costs
        closing.notes.append(f"Perioden är {start.isoformat()}–{end.isoformat()}, men huvudboken har inga transaktioner "
                             f"på objekten för {', '.join(map(str, missing))}: bokslutet räknar periodens kostnader ur de "
                             "huvudböcker som getts, så det som inte förbrukats blir för stort. Ge huvudböckerna för "
                             "alla periodens år.")
    if defaults:
        closing.notes.append(f"Konton enligt BAS där arbetsboken inte anger egna ({', '.join(defaults)}: "
                             f"{owed_account}, {deferred_account}, {accrued_account}); ange regionens konton på bladet "
                             "Överenskommelse.")

    income = t[(t["category"] == INCOME)]
    missing_income: list[str] = []
    any_income = _most(income["konto"], income["ore"]) if len(income) else ""  # a part's objekt may have none
    for part in ye.parts:
        if part.repay <= 0:
            continue
        objekt = _part_objekt(part, income)
        mine = income[income["objekt"] == objekt] if len(income) else income
        konto = _most(mine["konto"], mine["ore"]) if len(mine) else any_income
        dims = {f: _most(mine[f]) if len(mine) else "" for f in ("ansvar", "verksamhet")}
        to, what = ((deferred_account, "förs över till nästa år (förutbetald intäkt)") if carry else
                    (owed_account, "ska återbetalas till Kammarkollegiet (skuld)"))
        text = (f"Ej förbrukat statsbidrag {end.year}, {part.name}"
                + (f" ({ag.rk_dnr_agreement or ag.region_dnr})" if ag.rk_dnr_agreement or ag.region_dnr else ""))
        why = f"{part.name}: {'förs över' if carry else 'återbetalas'} enligt punkt 3; {what}."
        if not konto and ye.opening > 0:  # last year's money came in as prepaid income: it is released from there
            konto = deferred_account
            why += f" Medlen kom från föregående år som förutbetald intäkt ({deferred_account})."
        elif not konto:
            why += " Intäktskontot saknas i huvudboken på objektet: fyll i det."
            missing_income.append(part.name)
        closing.entries.append(Entry(end, konto, dims["ansvar"], dims["verksamhet"], "", objekt, part.repay, ZERO,
                                     text, why))
        closing.entries.append(Entry(end, to, "", "", "", objekt, ZERO, part.repay, text, why))

    if missing_income:  # the CSV's lines need an account before an accounting system takes them
        closing.notes.append(f"Statsbidraget är inte bokfört som intäkt (klass 3) på överenskommelsens objekt, så "
                             f"konto saknas på raderna för {', '.join(missing_income)}: fyll i intäktskontot innan "
                             "posterna bokförs eller CSV-filen importeras.")

    # costs of the year booked after it: proposed accruals (and their reversal next year)
    if not accruals:
        closing.notes.append(f"Periodiseringar föreslås inte för {end.year}: perioden fortsätter {end.year + 1}, så "
                             f"kostnader som bokförts efter årsskiftet kan lika gärna vara nästa års. Periodisera för "
                             f"hand de som avser {end.year}.")
        until = end
    until = until or ag.report_deadline or dt.date(end.year + 1, 3, 31)
    codes = {(a.objekt.strip(), a.code.strip().casefold()) for a in book.activities if a.code.strip()}
    late = t[(t["category"] == OUTSIDE) & (t["date"] > pd.Timestamp(end)) & (t["date"] <= pd.Timestamp(until))]
    if len(late):
        coded = np.array([(o, str(c).strip().casefold()) in codes for o, c in zip(late["objekt"], late["aktivitet"])],
                         dtype=bool)
        late = late[coded & _cost_mask(late, result.accounts)]
    reversal = end + dt.timedelta(days=1)
    for row in late.itertuples(index=False):
        amount = ore_to_kr(int(row.ore))
        dims = dict(ansvar=str(row.ansvar), verksamhet=str(row.verksamhet), aktivitet=str(row.aktivitet),
                    objekt=str(row.objekt))
        text = f"Periodisering {end.year}: {str(row.text)[:50]} (ver {row.verifikation})"
        why = f"Bokförd {row.date.date().isoformat()}; avser kostnaden {end.year}? Bekräfta innan den bokförs."
        debit, credit = (amount, ZERO) if amount > 0 else (ZERO, -amount)
        closing.entries += [Entry(end, str(row.konto), **dims, debet=debit, kredit=credit, text=text, why=why),
                            Entry(end, accrued_account, "", "", "", str(row.objekt), credit, debit, text, why),
                            Entry(reversal, accrued_account, "", "", "", str(row.objekt), debit, credit,
                                  f"Återföring: {text}", "Återföring nästa år av periodiseringen ovan."),
                            Entry(reversal, str(row.konto), **dims, debet=credit, kredit=debit,
                                  text=f"Återföring: {text}", why="Återföring nästa år av periodiseringen ovan.")]
        closing.accruals.append(_listed(row, ag.name))
    assets = t[(t["category"] != OUTSIDE) & t["konto"].astype(str).str.strip().str.startswith("1")]
    closing.assets = [_listed(row, "") for row in assets.itertuples(index=False)]
    if len(late):
        total = ore_to_kr(int(late["ore"].sum()))
        closing.notes.append(f"Kostnader för {end.year} bokförda efter perioden (till {until}): {len(late)} st, "
                             f"{format_kr(total)}. De föreslås som periodiseringar; bokförs de, ingår de i årets "
                             "utfall: kör utfall igen innan den ekonomiska redovisningen lämnas.")
    return closing


def _cost_mask(rows: pd.DataFrame, ranges) -> np.ndarray:
    return np.asarray(on_accounts(stripped(rows["konto"]), ranges), dtype=bool)


def _part_objekt(part, income: pd.DataFrame) -> str:
    """The objekt a part's entry goes on: of its activities' objekt, the one with the most income booked,
    else the one with the most budget."""
    budget: Counter = Counter()
    for a in part.activities:
        budget[a.objekt.strip()] += a.amount or 0
    candidates = list(budget) or (sorted(set(income["objekt"])) if len(income) else [])
    if len(income):
        booked = {o: -int(income.loc[income["objekt"] == o, "ore"].sum()) for o in candidates}
        if any(v > 0 for v in booked.values()):
            return max(candidates, key=lambda o: booked[o])
    return max(candidates, key=lambda o: budget[o]) if candidates else ""


def _listed(row, who: str) -> tuple[str, ...]:
    return (row.date.date().isoformat(), str(row.konto), str(row.ansvar), str(row.verksamhet), str(row.aktivitet),
            str(row.objekt), str(ore_to_kr(int(row.ore))), str(row.text), who)


def claims(closings: list[tuple[Closing, Utfall]]) -> None:
    """Several agreements given together: a cost transaction two of them claim (their activities match it on a
    shared objekt in both periods) goes on each one's list; one on an objekt that none claims goes on the
    list of the agreement whose transactions it resembles most (ansvar, verksamhet, account)."""
    if len(closings) < 2:
        return
    claimed: dict[tuple[str, int], list[int]] = {}
    profiles = []
    for i, (_, result) in enumerate(closings):
        t = result.transactions
        mine = t[t["category"].isin([MATCHED, OBJEKT_LEVEL])]
        for f, line in zip(mine["file"], mine["line"]):
            claimed.setdefault((str(f), int(line)), []).append(i)
        profiles.append({f: Counter(mine[f].astype(str)) for f in ("ansvar", "verksamhet", "konto")})
    names = [c.book.agreement.name for c, _ in closings]
    for i, (c, result) in enumerate(closings):
        t = result.transactions
        for row in t[t["category"].isin([MATCHED, OBJEKT_LEVEL])].itertuples(index=False):
            others = [names[j] for j in claimed.get((str(row.file), int(row.line)), []) if j != i]
            if others:
                c.claims.append(_listed(row, "också: " + "; ".join(others)))
    seen: set[tuple[str, int]] = set()
    for i, (c, result) in enumerate(closings):
        t = result.transactions
        for row in t[t["category"] == UNMATCHED].itertuples(index=False):
            where = (str(row.file), int(row.line))
            if where in claimed or where in seen:
                continue
            seen.add(where)
            scores = [sum(p[f][str(getattr(row, f))] for f in ("ansvar", "verksamhet", "konto")) for p in profiles]
            best = int(np.argmax(scores))
            why = (f"förslag: {names[best]} (liknar dess transaktioner: ansvar, verksamhet, konto)"
                   if scores[best] else "inget förslag: ingen överenskommelse har liknande transaktioner")
            closings[best if scores[best] else i][0].unclaimed.append(_listed(row, why))
