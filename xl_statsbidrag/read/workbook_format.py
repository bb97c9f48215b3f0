"""The workbook format, defined once: the sheet, Excel Table, column and label names of a
decision-support workbook (beslutsunderlag), the header synonyms a region's own layout is
recognised by, the total-row rule, the words that mark a pot as earmarked, and the vocabulary of
the sheet Utfall that ``utfall`` writes and ``report`` reads back.  Headers and labels are compared
by ``core.text.normalise_header``.

Used by the reader of the format (``read.format_reader``), its writer for ``import``
(``forms.template``), the reader of a region's own layout (``read.region_reader``), the worksheet
functions (``app.functions``), the shipped reference data (``read.reference_data``), the Utfall sheet
(``forms.utfall``, ``ledger.match``) and ``workbooks/build.py``.
"""
from __future__ import annotations

import re

from ..core.model import AGREEMENT_SHEET, DUTIES, OTHER_POTS, DutyFields  # noqa: F401  (the format names them)
from ..core.text import is_yes, normalise_header  # noqa: F401  (is_yes: the format names it)

# Labels of the agreement sheet ("Överenskommelse"), in the order the template shows them.
# field name -> Swedish label (as in the agreement's Bilaga 2 where the form names it).
AGREEMENT_LABELS: dict[str, str] = {
    "name": "Överenskommelsens benämning",
    "year": "År",
    "region_dnr": "Regionens diarienummer",
    "rk_dnr_agreement": "Regeringskansliets diarienummer för bakomliggande överenskommelse",
    "rk_dnr_payment": "Regeringskansliets diarienummer avseende regeringsbeslut för utbetalning",
    "decided_total": "Belopp enligt regionens beslut",
    "decision_date": "Datum för regionens beslut",
    "paid_out": "Summa bidrag som utbetalats från regeringen/Regeringskansliet",
    "paid_out_date": "Datum för utbetalning",
    "payer": "Utbetalat av",
    "period_start": "Redovisningsperiod från",
    "period_end": "Redovisningsperiod till",
    "requisition_deadline": "Sista dag för rekvisition",
    "report_deadline": "Sista dag för ekonomisk redovisning",
    "repayment_deadline": "Sista dag för återbetalning av ej förbrukade medel",
    "socialstyrelsen_deadline": "Sista dag för rapport till Socialstyrelsen",
    "requisition_amount": "Belopp som rekvireras",
    "giro": "Bankgiro/Plusgiro",
    "payment_reference": "Önskad betalningsreferens",
    "recipient": "Bidragsmottagare",
    "org_number": "Organisationsnummer",
    "contact_person": "Kontaktperson",
    "postal_address": "Postadress",
    "phone": "Telefon inkl. riktnummer",
    "fax": "Faxnummer",
    "email": "E-postadress",
    "finance_head": "Ekonomichef (eller motsvarande)",
    "finance_head_title": "Ekonomichefens befattning",
    "finance_head_phone": "Ekonomichefens telefon inkl. riktnummer",
    "finance_head_email": "Ekonomichefens e-postadress",
    "signatory": "Behörig företrädare",
    # the year-end: the region's own decisions that the figures of point 3 follow
    "requisition_reduces": "Pott som minskas när utbetalt belopp är lägre än bidraget",
    "unmatched_decision": "Kostnader på objekten som inte hör till någon aktivitet (räknas med / räknas inte)",
    "unmatched_reason": "Skäl när de inte räknas med",
    "deviation_threshold": "Avvikelse över budget som kräver kommentar (kr)",
    # the grant ledger and the closing entries (bokslut)
    "per_year": "Ekonomisk redovisning per år (ja/nej)",
    "carry_over": "Ej förbrukade medel får användas nästa år (ja/nej)",
    "account_owed": "Konto för skuld till Kammarkollegiet",
    "account_deferred": "Konto för förutbetalda intäkter",
    "account_accrued": "Konto för upplupna kostnader",
}
AMOUNT_FIELDS = {"decided_total", "paid_out", "requisition_amount", "deviation_threshold"}
DATE_FIELDS = {"decision_date", "paid_out_date", "period_start", "period_end", "requisition_deadline", "report_deadline",
               "repayment_deadline", "socialstyrelsen_deadline"}

# --- the duties and their deadlines (issue 24) ------------------------------------------------------------
# Each duty of the agreement (``core.model.DUTIES``): its deadline (the agreement's, "externt"), the
# region's own earlier one ("internt"), and when it was done, with a reference (diary number, voucher).

DUTY_LABELS: dict[str, str] = {
    "requisition_internal": "Intern sista dag för rekvisition",
    "requisition_done": "Rekvisitionen lämnad (datum)",
    "requisition_ref": "Referens för rekvisitionen",
    "report_internal": "Intern sista dag för ekonomisk redovisning",
    "report_done": "Ekonomisk redovisning lämnad (datum)",
    "report_ref": "Referens för ekonomisk redovisning",
    "repayment_internal": "Intern sista dag för återbetalning av ej förbrukade medel",
    "repayment_done": "Ej förbrukade medel återbetalda (datum)",
    "repayment_ref": "Referens för återbetalningen",
    "socialstyrelsen_internal": "Intern sista dag för rapport till Socialstyrelsen",
    "socialstyrelsen_done": "Rapport till Socialstyrelsen lämnad (datum)",
    "socialstyrelsen_ref": "Referens för rapport till Socialstyrelsen",
    # where the agreement's own deadlines were not known: the earlier agreement whose terms they follow
    "deadlines_assumed": "Tidsgränserna antagna enligt",
}
AGREEMENT_LABELS.update(DUTY_LABELS)
DEADLINE_FIELDS = {f for d in DUTIES for f in (d.deadline, d.internal)}
DATE_FIELDS |= DEADLINE_FIELDS | {d.done for d in DUTIES}
# A deadline cell saying the agreement has no such duty (compared normalised): no deadline, no warning.
NO_DEADLINE = frozenset({"ingen", "inget", "ej aktuellt", "ej aktuell", "krävs inte", "-", "–", "—"})

# The optional table of the agreement's other reporting duties (the 2021 agreement's AT planning, 15 August).
DUTIES_TABLE = "Redovisningar"
DUTY_COLUMNS = {"name": "Redovisning", "recipient": "Mottagare", "deadline": "Sista dag",
                "internal": "Intern sista dag", "done": "Lämnad", "reference": "Referens"}
DUTY_REQUIRED = ("name",)

# Excel Tables the reader looks for, and their columns: field -> Swedish header (and AGREEMENT_SHEET, the
# sheet of the labels above, from core.model).
POTS_TABLE = "Potter"
POT_COLUMNS = {"name": "Pott", "amount": "Belopp", "earmarked": "Öronmärkt", "purpose": "Ändamål"}
POT_REQUIRED = ("name", "amount")
OBJEKT_TABLE = "Objekt"
OBJEKT_COLUMNS = {"code": "Objekt", "description": "Benämning"}
OBJEKT_REQUIRED = ("code",)
ACTIVITIES_TABLE = "Aktiviteter"
ACTIVITY_COLUMNS = {
    "name": "Aktivitet",
    "verksamhet": "Verksamhet",
    "earlier_decision": "Tidigare beslut",
    "decision_ref": "Beslutsunderlag datum/dnr",
    "amount": "Belopp",
    "next_year": "Behov nästa år",
    "objekt": "Objekt",
    "code": "Kod",  # the ledger's activity/project code, for matching utfall (optional)
    "pot": "Pott",
    "actual": "Utfall",
    "comment": "Kommentar",  # printed under the activity on Bilaga 2
    "internal_comment": "Intern kommentar",  # never printed: the region's own notes (data quality, sources)
}
ACTIVITY_REQUIRED = ("name", "verksamhet", "amount", "objekt")
ACTIVITY_AMOUNTS = {"amount", "actual"}


# A header cell (normalised: lower case, hyphens and line breaks joined) -> the field it names: a pattern, as
# text (``re.match(pattern, header)``: compiled when a region's own layout is read, not at import; issue 28).
HEADER_SYNONYMS: dict[str, str] = {
    "name": r"^(pågående arbete( ?/ ?aktivitet(er)?)?|aktivitet(er)?|insats(er)?|aktivitet ?/ ?insats|projekt)$",
    "verksamhet": r"^(ansvarig )?(verksamhet(sområde|er)?|förvaltning|enhet)$",
    "earlier_decision": r"^tidigare beslut",
    "decision_ref": r"^(beslutsunderlag|datum alt dnr|diarienummer|dnr)",
    "amount": r"^(summa|belopp|beslutat belopp|beviljat belopp|kronor|kr)\b",
    "next_year": r"^behov( nästa år| \d{4})?$",
    "objekt": r"^objekt$",
    "code": r"^(kod|aktivitetskod|projektkod)$",
    "pot": r"^pott$",
    "actual": r"^utfall",
    "comment": r"^(kommentar|anmärkning)",
    "internal_comment": r"^(intern kommentar|interna kommentarer|intern anmärkning)$",
}

# The sheet "Utfall" that ``utfall`` writes: its reconciliation per objekt, read back by ``report`` so that
# every krona booked on the agreement's objekt is accounted for on Kontroll.  field -> header.
LEDGER_SHEET = "Utfall"
TRANSACTIONS_TABLE = "UtfallTransaktioner"
ACTIVITY_SUMS_TABLE = "UtfallPerAktivitet"
RECONCILIATION_TABLE = "UtfallAvstamning"
RECONCILIATION_COLUMNS = {
    "objekt": "Objekt",
    "total": "Summa i huvudboken",
    "matched": "Kopplat till aktiviteter",
    "objekt_level": "Objektnivå (kod saknas)",
    "unmatched": "Ej kopplat",
    "income": "Intäkter (klass 3)",
    "other": "Övriga konton",
    "outside": "Utanför perioden",
}

# The grant ledger (bidragsreskontra, ``grantledger``): a sheet and Excel Table of that name, one row per year and
# pot.  The first eight columns are the ledger's; the dates and references are optional.
GRANT_LEDGER_SHEET = "Bidragsreskontra"
GRANT_LEDGER_TABLE = "Bidragsreskontra"
GRANT_LEDGER_COLUMNS = {
    "year": "År",
    "pot": "Pott",
    "opening": "Ingående saldo",
    "received": "Erhållet",
    "costs": "Kostnader",
    "repaid": "Återbetalt",
    "carried": "Överfört",
    "closing": "Utgående saldo",
    "received_date": "Erhållet datum",
    "received_ref": "Erhållet referens",
    "repaid_date": "Återbetalt datum",
    "repaid_ref": "Återbetalt referens",
}
GRANT_LEDGER_REQUIRED = tuple(list(GRANT_LEDGER_COLUMNS)[:8])
GRANT_LEDGER_AMOUNTS = GRANT_LEDGER_REQUIRED[2:]

# A row whose name (or other text) starts with one of these words is a total row, not an activity.
TOTAL_NAME = re.compile(r"^(summa|totalt|total|totalsumma|s:a)\b", re.IGNORECASE)

# A pot's "Öronmärkt" cell (and the reference data's flag) that says yes: ``core.text.is_yes``.
is_earmarked = is_yes
