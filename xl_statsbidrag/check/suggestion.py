"""The suggestion for section 4 of Bilaga 2, the head of finance's attestation: Alt 1, Alt 2 or none, with
its reasons (Swedish, for the sheet Kontroll).  The tool never ticks a box on the form: the choice and the
signature are the head of finance's.  What each finding means for it is in ``codes.CODES``."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.model import DecisionBook, Finding
from ..core.money import kr_text
from ..core.records import Record
from ..core.yearend import year_end
from .codes import ALT2_CODES, EXPLAIN_CODES
from .context import ERROR, WARNING


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Suggestion(Record):
    """The tool's suggestion for the attestation (Alt 1 or Alt 2) and the reasons for it."""

    alternative: int | None  # 1, 2, or None: no suggestion (no utfall)
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # those behind an Alt 2

    @property
    def text(self) -> str:
        return f"Alt {self.alternative}" if self.alternative else "inget förslag"


def _reason(f: Finding) -> str:
    return f"{f.message} ({f.location})" if str(f.location) else f.message


def suggest(book: DecisionBook, findings: list[Finding]) -> Suggestion:
    """The alternative of section 4 the tool suggests, with its reasons (Swedish, for the Kontroll sheet).
    Alt 2 only for figures that cannot be vouched (``codes.ALT2_CODES``); no suggestion without utfall
    or while a deviation needs the region's comment (``EXPLAIN_CODES``); else Alt 1, with what the form
    explains."""
    serious = [f for f in findings if f.severity in (ERROR, WARNING)]
    behind = [f for f in serious if f.code in ALT2_CODES]
    waiting = [f for f in serious if f.code in EXPLAIN_CODES]
    if behind:
        also = ["Dessutom ska förklaras innan Alt 1 kan föreslås:"] + [_reason(f) for f in waiting] if waiting else []
        return Suggestion(2, [_reason(f) for f in behind] + also, behind)
    if not book.has_outcome:
        return Suggestion(None, ["Utfall saknas: kostnaderna under punkt 3 är beslutad budget. Alt 1 kan "
                                 "föreslås först när utfallet är ifyllt för alla aktiviteter."])
    if waiting:
        return Suggestion(None, ["Avvikelser som ska förklaras innan Alt 1 kan föreslås:"]
                          + [_reason(f) for f in waiting], waiting)
    ye = year_end(book)
    reasons = ["Utfall finns för alla aktiviteter och alla belopp kan läsas."]
    if book.ledger:
        reasons.append("Varje krona på överenskommelsens objekt är redovisad i avstämningen mot huvudboken, och "
                       "intäkterna på objekten stämmer med erhållet bidrag." if any(o.income for o in book.ledger)
                       else "Varje krona på överenskommelsens objekt är redovisad i avstämningen mot huvudboken.")
    if ye.carried > 0:
        reasons.append(f"{kr_text(ye.carried)} har inte förbrukats och förs över till nästa år, som överenskommelsen "
                       "tillåter; det framgår av punkt 3 och tabellen per del.")
    if ye.to_repay > 0:
        reasons.append(f"{kr_text(ye.to_repay)} har inte förbrukats och återbetalas; det framgår av punkt 3 och "
                       "tabellen per del.")
    if ye.own > 0:
        reasons.append(f"Regionen finansierar {kr_text(ye.own)} själv; det framgår av punkt 3 och tabellen per del.")
    reasons.append("Avvikelser mot budget är kommenterade, och öronmärkta medel har bara räknats mot sitt ändamål.")
    return Suggestion(1, reasons)
