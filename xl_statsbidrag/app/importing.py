"""The use case "import": a region's own decision-support workbook (any layout: ``read.region_reader``)
brought into the project's format, as a copy of it with the sheets Överenskommelse (the catalogue's
agreement, with the region's pots from the allocation or the published table) and Aktiviteter (an Excel
Table), beside the original sheets (``forms.template``)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.errors import UserError
from ..core.model import Agreement, Duty, Objekt, Pot
from ..core.money import format_kr
from ..files.paths import check_not_locked
from ..forms.template import ACTIVITIES_SHEET, activities_sheet, agreement_sheet
from ..read import reference_data
from ..read.region_reader import read_plain
from ..read.workbook_format import ACTIVITIES_TABLE, AGREEMENT_SHEET
from ..xlsx.file_source import FileSource
from ..xlsx.package import Package
from .files import FileCopy
from .target import Output

EARMARK_WORDS = ("öronmärk", "specialistutbild", "specialistsjuksköt")


def import_file(source: Path | str, target: Path | str, agreement_id: str, region_name: str,
                sheet: str | None = None, objekt: str | None = None, *, unit: str | None = None,
                include_hidden: bool = False, force: bool = False, notes: list[str] | None = None):
    """Read a region's own decision-support workbook (a plain layout), and write it in the project's
    format: the catalogue's agreement with the region's pots, and the activities as an Excel Table,
    beside the original sheets.  Amounts stated in tkr or mkr are scaled to kronor (``unit`` answers
    when the workbook does not say, or says two things); hidden rows are left out unless
    ``include_hidden``.  Returns (PlainTable, Agreement, [pot source texts])."""
    copy = FileCopy(source, target, force=force)
    source = copy.source
    table, ag, origins, sheets = _build(source, agreement_id, region_name, sheet, objekt, unit, include_hidden)
    copy.write(Output(sheets))
    if notes is not None:
        notes += copy.notes
    return table, ag, origins


def _build(source: Path, agreement_id: str, region_name: str, sheet: str | None, objekt: str | None,
       unit: str | None, include_hidden: bool):
    entry = reference_data.catalogue_agreement(agreement_id)
    region = reference_data.find_region(region_name)
    check_not_locked(source)
    with Package(source) as pkg:
        taken = [s.name for s in pkg.sheets if s.name.casefold() in (AGREEMENT_SHEET.casefold(),
                                                                      ACTIVITIES_SHEET.casefold())]
        if taken or any(t.display_name.casefold() == ACTIVITIES_TABLE.casefold() for t in pkg.tables()):
            raise UserError(f"the workbook already has {', '.join(taken) or 'a table Aktiviteter'}: it looks like "
                            "it is in the project's format already (use validate and report on it)", file=source)
        table = read_plain(FileSource(pkg), sheet, unit=unit, include_hidden=include_hidden)
    pots, origins = [], []
    for p in entry.pots:
        amount, origin = reference_data.regional_amount(p, region)
        pots.append(Pot(p.name, amount, p.earmarked, p.purpose))
        origins.append(f"{p.name}: {origin}")
    earmarked = [p for p in pots if p.earmarked]
    for a in table.activities:  # only where the row itself says so: the rest count against the free pots
        if objekt and not a.objekt:
            a.objekt = objekt
        if len(earmarked) == 1 and any(w in (a.earlier_decision + " " + a.name).casefold() for w in EARMARK_WORDS):
            a.pot = earmarked[0].name
    codes = sorted({a.objekt for a in table.activities if a.objekt})

    def day(text: str):
        return dt.date.fromisoformat(text) if text else None

    ag = Agreement(entry.name, entry.year, pots, [Objekt(c) for c in codes], recipient=region.name,
                   rk_dnr_agreement=entry.rk_dnr_agreement, requisition_deadline=day(entry.requisition_deadline),
                   report_deadline=day(entry.report_deadline))
    for duty in reference_data.catalogue_duties(entry.id):  # the follow-up and other reporting duties
        if duty.kind == "socialstyrelsen":
            ag.socialstyrelsen_deadline = day(duty.deadline)
        else:
            ag.duties.append(Duty(duty.name, duty.recipient, day(duty.deadline)))
    sources = [str(a.loc("name")) for a in table.activities]
    sheet_notes = [f"Importerad {dt.date.today().isoformat()} från {source.name}, bladet {table.sheet}. Potternas "
                   "belopp: " + "; ".join(origins) + f". Överenskommelsen enligt katalogen ({entry.id}: "
                   f"{entry.source})."] + table.notes_sv()
    if not table.units and table.decided and ag.total and table.decided * 100 < ag.total:
        table.warnings.append(f"the amounts sum to {format_kr(table.decided)}, under 1% of the agreement's "
                              f"{format_kr(ag.total)}: if they are in tkr or mkr, run again with --unit tkr "
                              "(or mkr)")
    return table, ag, origins, [agreement_sheet(ag, sheet_notes), activities_sheet(table.activities, sources)]
