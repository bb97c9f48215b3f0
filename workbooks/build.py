"""Build the example decision-support workbooks (beslutsunderlag) from the figures in the seeds.

    python workbooks/build.py            # writes workbooks/*.xlsx, the .xlsm and Statsbidrag.xlam
    python workbooks/build.py OUTDIR     # writes them elsewhere

The output is byte-for-byte reproducible (fixed creation date), so a change to this script
shows up as a reviewable change of the files.  Sources: the decision RS/495/2019 and its
activity list (2019), the 2018 Professionsmiljarden decision support RS/255/2018, and the
2017 agreement (deadlines for 2018).
"""
from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
CREATED = dt.datetime(2026, 11, 22, 0, 0, 0)

REGION = {
    "recipient": "Region Jämtland Härjedalen",
    "org_number": "232100-0214",
    "postal_address": "Box 654, 831 27 Östersund",
    "phone": "063-14 75 00",
    "email": "region@regionjh.se",
}

# Activity columns: name, verksamhet, tidigare beslut, beslutsunderlag, belopp, behov nästa år, objekt, pott, kommentar
STIM, SSK = "Stimulansmedel", "Specialistsjuksköterskor"
ACTIVITIES_2019 = [
    ("Vidareutbildning Specialistsjuksköterskor", "HoS samt vårdvalsnämnd", "öronmärkt i ÖK 2019", "", 5093945, "ja", "9902", SSK, ""),
    ("Sal nr 2 på Campus", "HoS", "personalmiljard 2018", "apr-18", 8200000, "ja", "9917", STIM, ""),
    ("Personalförstärkning inom IT Region JH", "Regionstab", "personalmiljard 2018", "", 3500000, "ja", "9917", STIM, ""),
    ("Kliniskt träningscentrum (KTC) Drift befintlig vsh samt Investering KTC", "KTC", "personalmiljard 2018", "RS /2459/2017", 1875144, "2020 för utrustning, inventarier 1,7 mkr", "9917", STIM, ""),
    ("Kliniskt träningscentrum (KTC) Byggnation", "Fastighet", "personalmiljard 2018", "RS /2459/2017", 1500000, "2020 för byggnation 13,5 mkr", "9917", STIM, ""),
    ("Sjuksköterskans första år", "FoU", "personalmiljard 2018", "", 500000, "ja", "9917", STIM, ""),
    ("Chefsutvecklare och chefsprogram", "FUU", "personalmiljard 2018", "", 1500000, "ja", "9917", STIM, ""),
    ("Sjukvårdsregional kunskapsstyrningsorganisation", "HOSPA", "personalmiljard 2018", "", 300000, "ja", "9917", STIM, ""),
    ("Personalresurs Saba Cloud", "HR", "personalmiljard 2018", "", 300000, "ja", "9917", STIM, ""),
    ("Karriärvägar", "HR", "personalmiljard 2018", "", 300000, "", "9917", STIM, ""),
    ("Sjukreseenheten, utvecklingskostnader", "Sjukresor", "professionsmiljard 2018", "", 500000, "nej", "9902", STIM, ""),
    ("Samordnare nationella satsningar PV 1,0", "HoS", "professionsmiljard 2018", "", 500000, "ja", "9902", STIM, ""),
    ("Apotekare 1,0 för klinisk farmaci, inkl utbildningskostnad", "HOSPA", "professionsmiljard 2018", "", 726000, "ja", "9902", STIM, ""),
    ("Koordinator osteoporos", "HoS", "professionsmiljard 2018", "", 250000, "ja", "9902", STIM, ""),
    ("Mobilt närvårdsteam", "HIM", "professionsmiljard 2018", "", 2500000, "ja", "9902", STIM, ""),
    ("Automatisering insamling av patientstråldoser på Röntgen utifrån krav 2020", "HoS DTS", "ny", "", 700000, "nej", "9917", STIM, ""),
    ("Apotekare 1,0 inkl utbildningskostnad. Tillfällig anhopning av skapandet av ordinationsmallar 6 mån", "HOSPA", "ny", "", 372000, "ja", "9917", STIM, ""),
    ("Sjuksköterska 0,75 Uppstart av utdelningsvyn/elektronisk läkemedelslista", "HOSPA", "ny", "", 430000, "ja halvår", "9917", STIM, ""),
    ("Ledarskapsutbildning av ledningssjuksköterskor", "HoS", "", "", 150000, "ja", "9917", STIM, ""),
    ("Kompensation för pågående utvecklingsarbeten, långsiktig kompetensförsörjning ST och PTP i Primärvård", "PV Vårdval", "ny", "", 2500000, "", "9917", STIM, ""),
    ("Kompensation för pågående utvecklingsarbete, flöden/processer, kompetenshöjande insatser samt långsiktig kompetensförsörjning", "Folktandvård", "ny", "", 2500000, "", "9917", STIM, ""),
    ("Utveckling tjänsten utomlänsfakturering", "Regionstab", "ny", "", 2500000, "ja förvaltningskostnad", "9917", STIM, ""),
    ("IT-satsning 2019: uppdrag Ekonomidirektör i samverkan med FOUU, IT och E-hälsa (Cosmic, Datalager m.fl.)", "Regionstab", "ny", "", 4500000, "ja", "9917", STIM,
     "Totalt 4,5 mkr 2019. Stratsys, beslutsstöd och integrationer (minst 25 IT-system), projektet Larm och patientanrop (projektledare 750 tkr)"),
]

# The region's own notes on the rows (column "Intern kommentar", never printed on Bilaga 2): where the seed
# is unclear or how an amount was written in it.
INTERNAL_COMMENTS = {
    "Kliniskt träningscentrum (KTC) Drift befintlig vsh samt Investering KTC": "Verksamhet ej angiven i underlaget",
    "Utbildning COSMIC pv, Samordnare nationella satsningar pv": "I underlaget: 750 000 (250+500)",
}

# EXAMPLE DATA, not from the seeds: activity codes (the ledger's aktivitet/projekt) for the 2019
# activities, so that the example ledger export (huvudbok_2019.csv, made by example_ledger()) can be
# matched to them.  A region uses the codes of its own financial system.
CODES_2019 = {a[0]: f"P19{i:02d}" for i, a in enumerate(ACTIVITIES_2019, start=1)}

ACTIVITIES_2018 = [
    ("Mobilt närvårdsteam", "Hud, infektion, medicin", "", "RS/255/2018", 2500000, "", "9902", "", ""),
    ("Koordinator osteoporos", "Ortopedi", "", "RS/255/2018", 250000, "", "9902", "", ""),
    ("Apotekare klinik och COSMIC, Delprojektledare bemanningsprojekt", "Patientsäkerhet", "", "RS/255/2018", 1432000, "", "9902", "", ""),
    ("Utbildning COSMIC pv, Samordnare nationella satsningar pv", "Primärvård", "", "RS/255/2018", 750000, "", "9902", "", ""),
    ("Gemensam kundtjänst, All inclusive sectra", "Diagnostik, teknik, service", "", "RS/255/2018", 2310000, "", "9902", "", ""),
    ("Info tjänster 1177, Journal på nätet, Implementering tidbok via mina vårdkontakter", "Regionstab, kommunikation", "", "RS/255/2018", 680000, "", "9902", "", ""),
    ("Förstärkning IT- COSMIC", "Regionstab, e-hälsa, IT", "", "RS/255/2018", 600000, "", "9902", "", ""),
    ("Utveckling kompetenskort övriga yrkeskategorier inklusive KTC, Projektledare lagstiftning utskrivning från sluten vård", "Regionstab, FOUU", "", "RS/255/2018", 1028000, "", "9902", "", ""),
    ("Självincheckning reception mm", "Regionstab, ekonomi och personal", "", "RS/255/2018", 310000, "", "9902", "", ""),
    ("Byte till Pri-comp (utbetalning)", "Vårdvalsnämnden", "", "RS/255/2018", 120000, "", "9902", "", ""),
]

WORKBOOKS = {
    "beslutsunderlag_2019.xlsx": {
        "agreement": {
            "name": "En investering för utvecklade förutsättningar för vårdens medarbetare",
            "year": 2019,
            "region_dnr": "RS/495/2019",
            "rk_dnr_agreement": "",
            "rk_dnr_payment": "",
            "decided_total": 41197000,
            "requisition_deadline": dt.date(2019, 12, 1),
            "report_deadline": dt.date(2020, 3, 31),
            "repayment_deadline": dt.date(2020, 3, 31),
            "deadlines_assumed": "2017 års överenskommelse (avsnitt 10.1: 1 december och 31 mars)",
            "payment_reference": "RS/495/2019",
            "contact_person": "Samordnare för nationella satsningar",
            **REGION,
        },
        "pots": [
            (STIM, 36103335, "Nej", "Stimulansmedel till regionerna"),
            (SSK, 5093945, "Ja", "Erbjuda sjuksköterskor möjlighet att genomgå specialistutbildning"),
        ],
        "objekt": [("9902", "Aktiviteter från Professionsmiljarden"), ("9917", "Aktiviteter från Personalmiljarden (Goda förutsättningar)")],
        "activities": ACTIVITIES_2019,
        "codes": CODES_2019,
        "note": "Källa: beslut RS/495/2019 och dess beslutsunderlag. Sista dag för rekvisition och redovisning enligt samma villkor som 2017 års överenskommelse (antaget; kontrollera mot 2019 års överenskommelse).",
    },
    "professionsmiljarden_2018.xlsx": {
        "agreement": {
            "name": "Professionsmiljarden – stöd till bättre resursutnyttjande i hälso- och sjukvården",
            "year": 2018,
            "region_dnr": "RS/255/2018",
            "rk_dnr_agreement": "",
            "rk_dnr_payment": "",
            "decided_total": None,
            "decision_date": dt.date(2018, 4, 6),
            "requisition_deadline": dt.date(2018, 12, 1),
            "report_deadline": dt.date(2019, 3, 31),
            "repayment_deadline": dt.date(2019, 3, 31),
            "socialstyrelsen_deadline": dt.date(2019, 3, 31),  # the 2017 agreement, 6.1
            "socialstyrelsen_internal": dt.date(2019, 2, 15),  # the region's (underlag RS/255/2018)
            "payment_reference": "RS/255/2018",
            "contact_person": "Anna-Karin Andersson, hälso- och sjukvårdssamordnare",
            **REGION,
        },
        "pots": [
            (STIM, 8357305, "Nej", "Stimulansmedel till landstingen"),
            (SSK, 3851293, "Ja", "Erbjuda sjuksköterskor möjlighet att genomgå specialistutbildning"),
        ],
        "objekt": [("9902", "Professionsmiljarden")],
        "activities": ACTIVITIES_2018,
        "note": "Källa: underlag RS/255/2018, där rapporten till Socialstyrelsen ska vara klar 15 februari (regionens interna tidsgräns; enligt överenskommelsen, avsnitt 6.1, senast 31 mars 2019). Villkor för rekvisition och redovisning enligt 2017 års överenskommelse (avser 2017 och 2018).",
    },
}


# The columns of the table Aktiviteter, in order (fields of workbook_format.ACTIVITY_COLUMNS).
COLUMNS = ["name", "verksamhet", "earlier_decision", "decision_ref", "amount", "next_year", "objekt", "code", "pot",
           "actual", "comment", "internal_comment"]

# Cells of the agreement sheet with a list to choose from.
CHOICES = {"unmatched_decision": ["Räknas med", "Räknas inte"], "requisition_reduces": "=PottNamn",
           "carry_over": ["Ja", "Nej"], "per_year": ["Ja", "Nej"]}

MACRO_MODULE = HERE / "vba" / "Statsbidrag.bas"
# The workbook's buttons: each runs the one macro Knapp, which passes the button's caption to Python
# (xl_statsbidrag.excel.buttons.knapp finds the button by its title).
MACRO = "Knapp"
BUTTONS = ["Skapa Bilaga 2", "Kontrollera", "Hämta utfall", "Rekvisition"]


def _source(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("Attribute "))


def vba_project(sheet_count: int) -> bytes:
    """The VBA project of the .xlsm: document modules, and the button macros from vba/Statsbidrag.bas.
    It references the Office library and stdole, as Excel writes a new project, and the xlwings
    add-in, which the wrappers of "Import Functions" call (as in xlwings' quickstart workbook)."""
    from xl_statsbidrag.xlsx.vbaproject import OFFICE, STDOLE, XLWINGS, Module, vba_project as make

    modules = [Module("ThisWorkbook", document="workbook")]
    modules += [Module(f"Sheet{i}", document="worksheet") for i in range(1, sheet_count + 1)]
    return make(modules + [Module("Statsbidrag", _source(MACRO_MODULE))], (STDOLE, OFFICE, XLWINGS))


def macros(wb, sheets) -> None:
    """Buttons wired to the macros, the VBA project, and xlwings' settings sheet."""
    import io

    ws = sheets["activities"]
    ws.set_row(0, 34)
    for caption, cell in zip(BUTTONS, ("F1", "H1", "J1", "L1")):
        ws.insert_button(cell, {"macro": MACRO, "caption": caption, "width": 150, "height": 36,
                                "x_offset": 4, "y_offset": 4})
    conf = wb.add_worksheet("xlwings.conf")
    conf.write_row(0, 0, ["UDF Modules", "xl_statsbidrag.excel"])
    conf.set_column("A:B", 24)
    conf.hide()
    wb.set_vba_name("ThisWorkbook")
    for i, sheet in enumerate(wb.worksheets(), start=1):
        sheet.set_vba_name(f"Sheet{i}")
    wb.add_vba_project(io.BytesIO(vba_project(len(wb.worksheets()))), is_stream=True)


# --- the add-in Statsbidrag.xlam: the ribbon tab "Statsbidrag", acting on the active workbook ------------

ADDIN = HERE / "Statsbidrag.xlam"
RIBBON = HERE / "addin" / "customUI14.xml"
RIBBON_MODULE = HERE / "vba" / "StatsbidragMeny.bas"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def addin_project() -> bytes:
    """The add-in's VBA project: its workbook and sheet modules, and the ribbon's callbacks (which take
    an IRibbonControl, from the Office library the project references)."""
    from xl_statsbidrag.xlsx.vbaproject import OFFICE, STDOLE, Module, vba_project as make

    return make([Module("ThisWorkbook", document="workbook"), Module("Sheet1", document="worksheet"),
                 Module("StatsbidragMeny", _source(RIBBON_MODULE))], (STDOLE, OFFICE))


def build_addin(path: Path = ADDIN) -> Path:
    """Statsbidrag.xlam: a macro-enabled workbook saved as an add-in (the workbook part's content type),
    with the ribbon (customUI/customUI14.xml, related from the package root) and its callbacks."""
    import io
    import zipfile

    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.set_properties({"title": "Statsbidrag – tillägg för Excel", "author": "xl-statsbidrag", "created": CREATED})
    ws = wb.add_worksheet("Statsbidrag")
    ws.write("A1", "Tillägget Statsbidrag ger fliken Statsbidrag i menyfliksområdet. Knapparna arbetar på den "
                   "aktiva arbetsboken.")
    wb.set_vba_name("ThisWorkbook")
    ws.set_vba_name("Sheet1")
    wb.add_vba_project(io.BytesIO(addin_project()), is_stream=True)
    wb.close()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    stamp = (CREATED.year, CREATED.month, CREATED.day, 0, 0, 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(CT_XLSM.encode(), CT_ADDIN.encode())
            elif info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdRibbon" Type="{REL_RIBBON}" '
                                    'Target="customUI/customUI14.xml"/></Relationships>'.encode())
            out.writestr(zipfile.ZipInfo(info.filename, stamp), data, zipfile.ZIP_DEFLATED)
        out.writestr(zipfile.ZipInfo("customUI/customUI14.xml", stamp), RIBBON.read_bytes(), zipfile.ZIP_DEFLATED)
    return path


def build(path: Path, spec: dict, extra=None) -> None:
    """Write one workbook.  ``extra(workbook, sheets)`` may add more before it is closed (the tests
    use it for macros, buttons, shapes and other parts that must survive ``report``).  A .xlsm
    gets the buttons and their macros."""
    import xlsxwriter

    from xl_statsbidrag.read.workbook_format import (
        ACTIVITIES_TABLE, ACTIVITY_COLUMNS, AGREEMENT_LABELS, AGREEMENT_SHEET, DATE_FIELDS, DUTIES_TABLE,
        DUTY_COLUMNS, OBJEKT_COLUMNS, OBJEKT_TABLE, POT_COLUMNS, POTS_TABLE,
    )

    ag = spec["agreement"]
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": f"Beslutsunderlag – {ag['name']} {ag['year']}", "author": "xl-statsbidrag",
                       "company": ag["recipient"], "created": CREATED})
    wb.set_calc_mode("auto")
    title = wb.add_format({"bold": True, "font_size": 14})
    heading = wb.add_format({"bold": True, "font_size": 12, "bg_color": "#DDEBF7", "bottom": 1})
    label = wb.add_format({"text_wrap": True, "valign": "top"})
    value_fmt = wb.add_format({"text_wrap": True, "valign": "top", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})
    money_in = wb.add_format({"num_format": '#,##0\\ "kr"', "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})
    money = wb.add_format({"num_format": '#,##0\\ "kr"'})
    money_bold = wb.add_format({"num_format": '#,##0\\ "kr"', "bold": True})
    date_in = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF", "align": "left"})
    note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    bad = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})

    # --- Överenskommelse --------------------------------------------------------------------------
    ws = wb.add_worksheet(AGREEMENT_SHEET)
    ws.set_column("A:A", 52)
    ws.set_column("B:B", 60)
    ws.set_column("C:D", 16)
    ws.write("A1", "Överenskommelse och parametrar", title)
    ws.merge_range("A2:B2", "Fyll i de gula cellerna. xl-statsbidrag läser värdet till höger om varje etikett i "
                   "kolumn A, och tabellerna Potter och Objekt; etiketterna och tabellnamnen ska stå kvar.", note)
    ws.set_row(1, 30)
    row = 3
    from xl_statsbidrag.forms.template import GROUPS as groups

    pot_rows = len(spec["pots"])
    total = sum(p[1] for p in spec["pots"])
    for group, fields in groups:
        ws.merge_range(row, 0, row, 1, group, heading)
        row += 1
        for name in fields:
            ws.write(row, 0, AGREEMENT_LABELS[name], label)
            value = ag.get(name)
            if name == "year":
                ws.write_number(row, 1, value, wb.add_format({"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF", "align": "left"}))
            elif name in ("period_start", "period_end") and value is None:  # the agreement's year
                ws.write_datetime(row, 1, dt.datetime(ag["year"], 1, 1) if name == "period_start" else
                                  dt.datetime(ag["year"], 12, 31), date_in)
            elif value is None and name in ("paid_out", "requisition_amount", "deviation_threshold"):
                ws.write_blank(row, 1, None, money_in)  # not in the seeds: to fill in (the whole grant; 0 kr)
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                ws.write_number(row, 1, value, money_in)
            elif isinstance(value, dt.date):
                ws.write_datetime(row, 1, dt.datetime(value.year, value.month, value.day), date_in)
            elif value is None and name in DATE_FIELDS:  # a date to fill in (a deadline, when a duty was done)
                ws.write_blank(row, 1, None, date_in)
            else:
                ws.write_string(row, 1, value or "", value_fmt)
            if name in CHOICES:
                ws.data_validation(row, 1, row, 1, {"validate": "list", "source": CHOICES[name]})
            row += 1
        row += 1
    ws.merge_range(row, 0, row, 3, "Potter (delar av bidraget; öronmärkta får bara användas till sitt ändamål)", heading)
    row += 1
    pot_header = row
    ws.add_table(row, 0, row + pot_rows, 3, {
        "name": POTS_TABLE, "style": "Table Style Light 9",
        "columns": [{"header": POT_COLUMNS["name"]}, {"header": POT_COLUMNS["amount"], "format": money_in},
                    {"header": POT_COLUMNS["earmarked"]}, {"header": POT_COLUMNS["purpose"], "format": wrap}],
        "data": [list(p) for p in spec["pots"]],
    })
    ws.set_column("C:C", 12)
    ws.set_column("D:D", 60)
    ws.data_validation(row + 1, 2, row + pot_rows, 2, {"validate": "list", "source": ["Ja", "Nej"]})
    row += pot_rows + 1
    ws.write(row, 0, "Summa bidrag enligt överenskommelsen", wb.add_format({"bold": True}))
    ws.write_formula(row, 1, f"=SUM({POTS_TABLE}[{POT_COLUMNS['amount']}])", money_bold, total)
    row += 2
    ws.merge_range(row, 0, row, 3, "Objekt (kostnader konteras på dessa objekt)", heading)
    row += 1
    objekt_rows = len(spec["objekt"])
    ws.add_table(row, 0, row + objekt_rows, 1, {
        "name": OBJEKT_TABLE, "style": "Table Style Light 9",
        "columns": [{"header": OBJEKT_COLUMNS["code"]}, {"header": OBJEKT_COLUMNS["description"]}],
        "data": [list(o) for o in spec["objekt"]],
    })
    wb.define_name("GiltigaObjekt", f"='{AGREEMENT_SHEET}'!$A${row + 2}:$A${row + 1 + objekt_rows}")
    wb.define_name("PottNamn", f"='{AGREEMENT_SHEET}'!$A${pot_header + 2}:$A${pot_header + 1 + pot_rows}")
    row += objekt_rows + 2
    # the agreement's other reporting duties (an empty row to fill in where it names none)
    from xl_statsbidrag.forms.template import DUTIES_TITLE

    duties = spec.get("duties", [])
    ws.merge_range(row, 0, row, 5, DUTIES_TITLE, heading)
    row += 1
    ws.add_table(row, 0, row + max(1, len(duties)), 5, {
        "name": DUTIES_TABLE, "style": "Table Style Light 9",
        "columns": [{"header": DUTY_COLUMNS[f], "format": date_in if f in ("deadline", "internal", "done") else wrap}
                    for f in DUTY_COLUMNS],
        "data": [[d.get(f) for f in DUTY_COLUMNS] for d in duties],
    })
    ws.set_column("E:E", 14)
    ws.set_column("F:F", 24)
    row += max(1, len(duties)) + 2
    ws.merge_range(row, 0, row, 3, spec["note"], note)
    ws.set_row(row, 30)

    # --- Aktiviteter ------------------------------------------------------------------------------
    acts = spec["activities"]
    ws = wb.add_worksheet("Aktiviteter")
    ws.write("A1", f"Beslutsunderlag – {ag['name']} {ag['year']}", title)
    decided = sum(a[4] for a in acts)
    ws.write("A2", "Bidrag enligt överenskommelsen")
    ws.write_formula("B2", f"=SUM({POTS_TABLE}[{POT_COLUMNS['amount']}])", money, total)
    ws.write("C2", "Kvar att fördela")
    ws.write_formula("D2", f"=B2-SUBTOTAL(109,{ACTIVITIES_TABLE}[{ACTIVITY_COLUMNS['amount']}])", money_bold,
                     total - decided)
    first, last = 4, 4 + len(acts)
    cols = COLUMNS
    widths = {"name": 48, "verksamhet": 20, "earlier_decision": 18, "decision_ref": 16, "amount": 14,
              "next_year": 22, "objekt": 9, "code": 9, "pot": 22, "actual": 14, "comment": 40,
              "internal_comment": 30}
    codes = spec.get("codes", {})
    columns = []
    for name in cols:
        col = {"header": ACTIVITY_COLUMNS[name], "format": money if name in ("amount", "actual") else wrap}
        if name == "name":
            col["total_string"] = "Summa"
        elif name == "amount":
            col.update(total_function="sum", total_value=decided)
        elif name == "actual":
            col.update(total_function="sum", total_value=sum(spec.get("actuals", {}).values()))
        columns.append(col)
    actuals = spec.get("actuals", {})  # utfall per activity name (the tests' workbooks; the examples have none)
    data = [[a[0], a[1], a[2], a[3], a[4], a[5], a[6], codes.get(a[0]), a[7], actuals.get(a[0]), a[8],
             INTERNAL_COMMENTS.get(a[0])] for a in acts]
    ws.add_table(first - 1, 0, last, len(cols) - 1, {"name": ACTIVITIES_TABLE, "style": "Table Style Medium 2",
                                                    "columns": columns, "data": data, "total_row": True})
    for i, name in enumerate(cols):
        ws.set_column(i, i, widths[name])
    objekt_col, pot_col, amount_col, actual_col = (cols.index(c) for c in ("objekt", "pot", "amount", "actual"))
    ws.data_validation(first, objekt_col, last - 1, objekt_col, {
        "validate": "list", "source": "=GiltigaObjekt", "error_title": "Ogiltigt objekt",
        "error_message": "Välj ett objekt från tabellen Objekt på bladet Överenskommelse."})
    ws.data_validation(first, pot_col, last - 1, pot_col, {
        "validate": "list", "source": "=PottNamn", "error_title": "Okänd pott",
        "error_message": "Välj en pott från tabellen Potter på bladet Överenskommelse."})
    ws.data_validation(first, amount_col, last - 1, amount_col, {
        "validate": "decimal", "criteria": ">", "value": 0, "error_title": "Ogiltigt belopp",
        "error_message": "Beloppet ska vara ett tal större än noll (kronor)."})
    a_amount = f"{chr(65 + amount_col)}{first + 1}"
    a_actual = f"{chr(65 + actual_col)}{first + 1}"
    ws.conditional_format(first, actual_col, last - 1, actual_col, {
        "type": "formula", "criteria": f"=AND(ISNUMBER({a_actual}),{a_actual}>{a_amount})", "format": bad})
    if codes:
        ws.write("A3", "Kolumnen Kod är exempeldata (påhittade aktivitetskoder för "
                 "exemplets huvudboksexport huvudbok_2019.csv), inte från beslutsunderlaget.", note)
    ws.freeze_panes(first, 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first - 1)
    ws.activate()
    if spec.get("grant_ledger") is not None:
        grant_ledger(wb, spec["grant_ledger"], money_in, date_in)
    if path.suffix == ".xlsm" and extra is None:
        macros(wb, {"agreement": wb.get_worksheet_by_name(AGREEMENT_SHEET), "activities": ws})
    if extra is not None:
        extra(wb, {"agreement": wb.get_worksheet_by_name(AGREEMENT_SHEET), "activities": ws})
    wb.close()


def grant_ledger(wb, rows: list[dict], money, date) -> None:
    """The sheet and Excel Table Bidragsreskontra (``grantledger``): one row per year and pot, as a region keeps
    it; Utgående saldo a formula of the row."""
    from xl_statsbidrag.read.workbook_format import GRANT_LEDGER_COLUMNS, GRANT_LEDGER_TABLE

    ws = wb.add_worksheet(GRANT_LEDGER_TABLE)
    fields = list(GRANT_LEDGER_COLUMNS)
    ws.write("A1", "Bidragsreskontra", wb.add_format({"bold": True, "font_size": 14}))
    data = []
    for i, r in enumerate(rows):
        n = 4 + i  # the row in Excel's numbers: title, blank, header, then the rows
        closing = r["opening"] + r["received"] - r["costs"] - r["repaid"]
        data.append([r["year"], r["pot"], r["opening"], r["received"], r["costs"], r["repaid"], r.get("carried", 0),
                     {"formula": f"=C{n}+D{n}-E{n}-F{n}", "value": closing}, r.get("received_date"),
                     r.get("received_ref"), r.get("repaid_date"), r.get("repaid_ref")])
    columns = []
    for f in fields:
        column = {"header": GRANT_LEDGER_COLUMNS[f]}
        if f in ("opening", "received", "costs", "repaid", "carried", "closing"):
            column["format"] = money
        elif f.endswith("_date"):
            column["format"] = date
        columns.append(column)
    ws.add_table(2, 0, 2 + max(1, len(rows)), len(fields) - 1,
                 {"name": GRANT_LEDGER_TABLE, "style": "Table Style Light 9", "columns": columns, "data": []})
    for i, values in enumerate(data):
        for j, value in enumerate(values):
            if isinstance(value, dict):
                ws.write_formula(3 + i, j, value["formula"], money, value["value"])
            elif isinstance(value, dt.date):
                ws.write_datetime(3 + i, j, dt.datetime(value.year, value.month, value.day), date)
            elif isinstance(value, (int, float, Decimal)):
                ws.write_number(3 + i, j, value, money if j >= 2 else None)
            elif value:
                ws.write_string(3 + i, j, value)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 26)
    ws.set_column(2, len(fields) - 1, 15)


def example_transactions() -> list[dict]:
    """EXAMPLE DATA: a year's ledger lines for the 2019 example, made up and reproducible.  Per
    activity a few cost lines (öre included) that come near its budget; a few lines on the agreement's
    objekt that match no activity; the grant booked as income (class 3); an interest line (class 8);
    a line after the period; and lines on another objekt that do not concern the agreement."""
    import random

    rng = random.Random(2019)
    accounts = [("4010", "Material"), ("5010", "Lokalhyra"), ("6550", "Konsulttjänster"), ("7010", "Löner"),
                ("7510", "Sociala avgifter")]
    rows: list[dict] = []
    ver = 1000

    def add(date, konto, ansvar, verksamhet, kod, objekt, text, ore):
        nonlocal ver
        ver += 1
        rows.append({"date": date, "ver": str(ver), "rad": "1", "konto": konto, "ansvar": ansvar,
                     "verksamhet": verksamhet, "kod": kod, "objekt": objekt, "text": text, "ore": ore})

    for name, verksamhet, _, _, budget, _, objekt, _, _ in ACTIVITIES_2019:
        parts = rng.randint(2, 5)
        spent = budget * 100 * rng.randint(80, 103) // 100
        for i in range(parts):
            share = spent // parts + (spent % parts if i == 0 else 0) - rng.randint(0, 99)
            konto, what = accounts[rng.randrange(len(accounts))]
            day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(365))
            add(day, konto, f"{rng.randint(100, 999)}", verksamhet[:20], CODES_2019[name], objekt,
                f"{what}, {name[:30]}", share)
    add(dt.date(2019, 6, 14), "6550", "410", "HoS", "", "9917", "Konsult utan aktivitetskod", 1234550)
    add(dt.date(2019, 9, 2), "4010", "410", "HoS", "P1999", "9917", "Material, okänd kod", 89990)
    add(dt.date(2019, 11, 20), "7010", "520", "HOSPA", "", "9902", "Lön, kod saknas", 4200000)
    add(dt.date(2019, 3, 29), "3010", "100", "Regionstab", "", "9917", "Statsbidrag stimulansmedel", -3610333500)
    add(dt.date(2019, 3, 29), "3010", "100", "Regionstab", "", "9902", "Statsbidrag specialistsjuksköterskor",
        -509394500)
    add(dt.date(2019, 12, 31), "8420", "100", "Regionstab", "", "9917", "Räntekostnad", 1275)
    add(dt.date(2020, 1, 15), "4010", "410", "HoS", CODES_2019[ACTIVITIES_2019[1][0]], "9917",
        "Faktura 2020, utanför perioden", 4500000)
    add(dt.date(2019, 5, 5), "5010", "300", "Fastighet", "P1902", "1234", "Annan verksamhet", 99999900)
    add(dt.date(2019, 8, 8), "7010", "300", "HoS", "", "5555", "Annan verksamhet", 2500050)
    return rows


def ore_text(ore: int, decimal: str = ",") -> str:
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}{decimal}{abs(ore) % 100:02d}"


def example_ledger(path: Path, rows: list[dict] | None = None) -> Path:
    """The example ledger export as a finance system writes it: a title row, ';' between fields,
    decimal commas, Windows-1252."""
    rows = example_transactions() if rows is None else rows
    lines = ["Huvudbok 2019-01-01 -- 2019-12-31, Region Jämtland Härjedalen (EXEMPELDATA, påhittad);;;;;;;;;;",
             "Bokf.datum;Verifikation;Rad;Konto;Ansvar;Verksamhet;Projekt;Objekt;Text;Belopp"]
    for r in rows:
        lines.append(";".join([r["date"].isoformat(), r["ver"], r["rad"], r["konto"], r["ansvar"], r["verksamhet"],
                               r["kod"], r["objekt"], r["text"].replace(";", ","), ore_text(r["ore"])]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


SHIPPED = {**{name: name for name in WORKBOOKS}, "beslutsunderlag_2019.xlsm": "beslutsunderlag_2019.xlsx"}


def build_all(outdir: Path = HERE) -> list[Path]:
    """Every shipped workbook: the two examples, the 2019 one as .xlsm with its buttons, and the add-in."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, spec_name in SHIPPED.items():
        build(outdir / name, WORKBOOKS[spec_name])
        paths.append(outdir / name)
    paths.append(build_addin(outdir / ADDIN.name))
    return paths


def expected_totals(name: str) -> tuple[Decimal, Decimal]:
    spec = WORKBOOKS[name]
    return Decimal(sum(p[1] for p in spec["pots"])), Decimal(sum(a[4] for a in spec["activities"]))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in build_all(outdir) + [example_ledger(outdir / "huvudbok_2019.csv")]:
        print(p)
