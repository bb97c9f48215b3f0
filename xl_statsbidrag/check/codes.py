"""Every finding code, in one table: its severity (or severities), what it means for the head of
finance's attestation, where it comes from, and what it says (English: the reference of
docs/validation-codes.md, which ``python -m xl_statsbidrag.check.codes`` writes and a test holds to it;
the messages themselves are Swedish, at the check that makes them).

What a finding means for the attestation (Kontroll's suggestion for point 4, ``check.suggestion``):
- ``ALT_2``: figures under point 3 that cannot be vouched: a cell of them that cannot be read, utfall
  missing for some activities, costs on the objekt that no activity has and the region has not decided
  on, income on the objekt that does not match what was received.  Such a finding (an error or a
  warning) makes the suggestion Alt 2.
- ``EXPLAIN``: right figures that need the region's word first (an activity over budget without a
  comment, a negative utfall): no suggestion until it is given.
- every other finding (a repaid remainder, own financing, unallocated budget) leaves correct figures
  correct: Alt 1, the deviation explained on the form.

A new check adds its code here (a test finds every code the package raises and holds it to this table).
"""
from __future__ import annotations

import sys
from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from ..core.model import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
ALT_2, EXPLAIN = "Alt 2", "explain first"

# Where a code comes from, in the order the reference lists them.
FAMILIES = {
    "reader": "Reading the workbook (read.format_reader, xlsx.file_source)",
    "activities": "The activity list (check.activities)",
    "allocation": "The decided amounts against the grant (check.allocation)",
    "outcome": "Utfall and the year-end (check.outcome)",
    "ledger": "The reconciliation against the ledger (check.outcome)",
    "grantledger": "The grant ledger, Bidragsreskontra (check.grantledger)",
    "dates": "Period and deadlines (check.dates)",
    "fields": "What the forms ask for (check.fields)",
    "utfall": "Matching the ledger to the activities (`utfall`, ledger.match)",
}


class Code(NamedTuple):  # (see the import of NamedTuple)
    """A finding's code: the severities it is raised with, its family, what it means, its weight for
    the attestation."""

    code: str
    severity: tuple[Severity, ...]  # the severities it is raised with
    family: str
    what: str
    attestation: str = ""  # ALT_2, EXPLAIN or "" (see the module)


def _codes(*rows: tuple) -> dict[str, Code]:
    out = {}
    for family, code, severity, what, *attestation in rows:
        out[code] = Code(code, severity if isinstance(severity, tuple) else (severity,), family, what,
                         attestation[0] if attestation else "")
    return out


CODES: dict[str, Code] = _codes(
    ("reader", "oläsbart-belopp", ERROR, "an amount that cannot be read (with the reason)", ALT_2),
    ("reader", "fel-i-cell", ERROR, "an error value such as `#REF!` or `#N/A` in a cell that is read", ALT_2),
    ("reader", "formel-utan-varde", ERROR,
     "a formula without a stored value (a file saved by a program that does not calculate; `--recalculate`)",
     ALT_2),
    ("reader", "sammanfogad-cell", ERROR,
     "an amount in a merged cell covering several rows (it counts on its first row only)", ALT_2),
    ("reader", "oläsbart-datum", ERROR, "a date that cannot be read"),
    ("reader", "belopp-saknas", ERROR, "a pot without an amount (the reader); an activity without one (the checks)"),
    ("reader", "belopp-som-text", WARNING, "an amount written as text: read, but Excel's own sums leave it out"),
    ("reader", "dold-rad", WARNING, "a hidden activity row: counted, though Excel's SUBTOTAL leaves it out"),
    ("reader", "summarad", INFO, "a \"Summa\" row inside the table: not an activity"),
    ("reader", "summarad-avviker", WARNING, "a \"Summa\" row inside the table that differs from the rows above it"),
    ("reader", "redovisning-utan-datum", WARNING,
     "a row of the table Redovisningar with neither *Sista dag* nor *Intern sista dag*: left out of the deadlines"),
    ("reader", "signerad", INFO,
     "the workbook's package is digitally signed (`_xmlsignatures/`): a command that writes a copy refuses "
     "without `--force`, which removes the signature"),
    ("reader", "signerade-makron", INFO, "the workbook's VBA project is digitally signed (as `signerad`)"),
    ("activities", "aktivitet-saknas", ERROR, "a row without an activity name"),
    ("activities", "verksamhet-saknas", ERROR, "an activity without a verksamhet"),
    ("activities", "belopp-ej-positivt", ERROR, "an activity's amount is zero or less"),
    ("activities", "objekt-saknas", ERROR, "an activity without an objekt"),
    ("activities", "objekt-ogiltigt", ERROR, "an objekt that is not in the table Objekt"),
    ("activities", "pott-okand", ERROR,
     "a pot that is not in Potter (an activity's, or the one a partial payment reduces)"),
    ("activities", "pott-dubblett", ERROR, "two pots of the same name"),
    ("activities", "dubblett", WARNING, "the same activity and verksamhet twice"),
    ("activities", "tidigare-beslut", INFO,
     "amounts bound by earlier years' decisions (an earlier year in `Tidigare beslut`), and what they leave"),
    ("activities", "tidigare-beslut-overstiger", ERROR, "earlier years' decisions bind more than the grant"),
    ("activities", "behov-nasta-ar", INFO, "activities that need money next year too, with the amounts named"),
    ("allocation", "pott-overfordelad", ERROR, "more decided than a pot holds"),
    ("allocation", "overfordelat", ERROR, "more decided than the grant"),
    ("allocation", "ej-fordelat", WARNING, "money of the free pots not allocated (the 2019 case: 191 kr)"),
    ("allocation", "oronmarkt-anvant", WARNING,
     "activities without an earmarked pot exceed the money that is not earmarked: the earmarked money may "
     "not pay for them"),
    ("allocation", "oronmarkt-kvar", INFO,
     "what an earmarked pot has not given to its activities: reserved for its purpose, repaid if unused"),
    ("allocation", "beslut-avviker", WARNING, "the region's decision names another total than the agreement"),
    ("allocation", "beslut-overskrids", WARNING, "the activities add up to more than the region's own decision"),
    ("outcome", "utbetalt-saknas", WARNING, "the sum paid out, or its date, not filled in (Bilaga 2 asks for them)"),
    ("outcome", "utbetalt-avviker", WARNING, "paid out differs from the agreement's total"),
    ("outcome", "delutbetalning", INFO, "less paid out than the agreement's total, and which part it reduces"),
    ("outcome", "utfall-saknas", WARNING, "no utfall yet: the report is budget"),
    ("outcome", "utfall-saknas-rad", ERROR, "utfall filled in for some activities but not this one", ALT_2),
    ("outcome", "utfall-over-budget", (WARNING, INFO),
     "an activity's utfall above its budget by more than *Avvikelse över budget som kräver kommentar (kr)* "
     "without a Kommentar or Intern kommentar (a warning: no Alt 1 until explained); explained or within the "
     "threshold: info", EXPLAIN),
    ("outcome", "utfall-negativt", WARNING,
     "utfall below zero (credit notes larger than the costs): to be explained", EXPLAIN),
    ("outcome", "objekt-over-budget", INFO, "utfall above budget per objekt"),
    ("outcome", "oronmarkt-utfall", INFO,
     "costs outside the earmarked parts exceed the money outside them while an earmarked part has money left: "
     "that money is repaid and the region finances the rest"),
    ("outcome", "aterbetalas", INFO, "what is repaid, per part, with the deadline"),
    ("outcome", "overfors", INFO, "money not used that the agreement lets the region carry over to the next year"),
    ("outcome", "kostnader-over-bidrag", INFO, "costs above the grant"),
    ("outcome", "egen-finansiering", INFO, "what the region finances itself"),
    ("ledger", "ej-hanforda-kostnader", WARNING,
     "costs on the agreement's objekt that no activity has, with no decision whether Bilaga 2 counts them (or "
     "left out without a reason)", ALT_2),
    ("ledger", "ej-hanforda-medraknade", INFO,
     "the region's decision: counted on the form as *Övriga kostnader på objektet, ej hänförda till aktivitet*"),
    ("ledger", "ej-hanforda-undantagna", INFO, "the region's decision: left out of the form, with the reason"),
    ("ledger", "intakt-avviker", WARNING,
     "the grant booked as income (class 3) on the objekt differs from what was received", ALT_2),
    ("ledger", "intakt-saknas", INFO, "no income on the objekt to check what was received against"),
    ("ledger", "utfall-avviker-huvudbok", WARNING,
     "Utfall changed by hand since `utfall` (per objekt, against what the ledger matched)"),
    ("ledger", "avstamning-avviker", WARNING, "a reconciliation row that does not add up"),
    ("grantledger", "reskontra-dubblett", ERROR, "a year and pot twice in Bidragsreskontra"),
    ("grantledger", "reskontra-negativt", ERROR, "a negative amount in Bidragsreskontra"),
    ("grantledger", "reskontra-summerar-inte", ERROR,
     "Utgående saldo is not Ingående saldo + Erhållet − Kostnader − Återbetalt"),
    ("grantledger", "reskontra-overfort", ERROR, "more carried over than the closing balance"),
    ("grantledger", "reskontra-lucka", WARNING, "a pot with years missing between two rows"),
    ("grantledger", "reskontra-rullar-inte", ERROR, "an opening balance that is not the year before's closing balance"),
    ("grantledger", "reskontra-ej-aterbetalt", WARNING,
     "what was owed (closing balance not carried over) not repaid the next year, or no row showing it after the "
     "repayment deadline"),
    ("grantledger", "reskontra-skuld-anvand", WARNING,
     "costs above what could be used (carried over plus received): money owed to Kammarkollegiet spent"),
    ("grantledger", "reskontra-overfort-ej-tillatet", WARNING,
     "money carried past the report period's last year although the agreement's *Ej förbrukade medel får "
     "användas nästa år* is not Ja"),
    ("grantledger", "reskontra-avviker", WARNING,
     "the ledger's received or costs for the report's years differ from Bilaga 2 (paid out; what the grant pays "
     "per part)"),
    ("grantledger", "reskontra-ar-saknas", WARNING, "the report is split per year but a year has no row"),
    ("dates", "period-ogiltig", ERROR, "a report period that is reversed"),
    ("dates", "period-utanfor-ar", ERROR,
     "a report period that does not cover the agreement's year (several years are fine)"),
    ("dates", "period-efter-redovisning", WARNING,
     "the report deadline falls before the report period ends (split the period per year)"),
    ("dates", "tidsgrans-passerad", INFO, "a deadline (requisition, report) that has passed, its duty not done"),
    ("dates", "internt-efter-externt", WARNING,
     "a duty's own (internal) deadline falls after the agreement's (external) one"),
    ("dates", "klar-i-framtiden", WARNING, "a duty recorded as done on a day still to come"),
    ("dates", "socialstyrelsen-saknas", WARNING,
     "no deadline for the follow-up report to Socialstyrelsen (write `Ingen` when the agreement asks for none)"),
    ("fields", "uppgift-saknas", WARNING,
     "contact details, diary numbers, the head of finance or the authorised signatory that the form asks for"),
    ("fields", "giro-saknas", (WARNING, ERROR),
     "no bankgiro/plusgiro: the requisition cannot be sent without it (an error in `rekvisition`)"),
    ("fields", "giro-ogiltigt", ERROR,
     "a bankgiro (7-8 digits) or plusgiro (2-8 digits) number of the wrong form or with a wrong check digit"),
    ("fields", "ja-nej-oklart", WARNING,
     "a yes/no cell of the agreement (money carried over, report per year) that says neither: read as no"),
    ("fields", "rekvisition-overstiger", ERROR, "a requisitioned amount above the grant, or not above zero"),
    ("fields", "rekvisition-snart", WARNING, "the requisition's deadline within 30 days"),
    ("fields", "rekvisition-passerad", WARNING,
     "the requisition's deadline passed without an amount paid out, while the year's report is not yet due"),
    ("utfall", "utfall-omatchat", WARNING,
     "cost transactions on the objekt that match no activity: their number, codes and sum"),
    ("utfall", "utfall-kod-saknas", ERROR,
     "activities on one objekt without a Kod (or with the same one): their sum stays at the objekt level and "
     "their Utfall is left empty"),
    ("utfall", "utfall-inget", WARNING, "nothing on an objekt of the activities in the period"),
    ("utfall", "utfall-dubblett", (ERROR, WARNING),
     "rows of a later file equal in every field to an earlier file's: counted (an error where they have voucher "
     "numbers); with `--dedupe` (a warning) counted once"),
    ("utfall", "utfall-fil-varning", WARNING, "a ledger file read with a repair (SIE texts without their closing quote)"),
    ("utfall", "investering-pa-objekt", WARNING,
     "postings on the objekt in balance-sheet accounts (class 1): an investment; only its depreciation may be "
     "charged to the grant"),
    ("utfall", "utfall-intakt", INFO, "income (class 3) on the objekt, shown in the reconciliation"),
    ("utfall", "utfall-utanfor-perioden", INFO, "transactions on the objekt outside the period"),
)

ALT2_CODES = frozenset(c.code for c in CODES.values() if c.attestation == ALT_2)
EXPLAIN_CODES = frozenset(c.code for c in CODES.values() if c.attestation == EXPLAIN)


def reference() -> str:
    """docs/validation-codes.md: the table, by where the codes come from."""
    lines = ["# Finding codes", "",
             "Every code the tool reports, from one table (`xl_statsbidrag/check/codes.py`; this page is its "
             "output: `python -m xl_statsbidrag.check.codes > docs/validation-codes.md`). The messages are "
             "Swedish, at their cell; `validate --format json` gives `severity`, `code`, `message`, `sheet`, "
             "`cell` and `amount`.", "",
             "The last column is what a finding means for the head of finance's attestation, the suggestion on "
             "the sheet Kontroll: **Alt 2** (as an error or a warning) for figures under point 3 that cannot be "
             "vouched; **explain first**: no suggestion until the region has given its word; otherwise the "
             "figures are correct and the suggestion stays Alt 1 (with utfall for every activity).", ""]
    for family, title in FAMILIES.items():
        lines += [f"## {title}", "", "| code | severity | attestation | what |", "|---|---|---|---|"]
        for c in CODES.values():
            if c.family == family:
                lines.append(f"| `{c.code}` | {', '.join(s.value for s in c.severity)} | {c.attestation} | {c.what} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference())
