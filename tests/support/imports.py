"""Regions' own layouts (seed 001, amounts in kronor, tkr or mkr) for the import and region-reader tests."""
import xlsxwriter


SEED_001_ROWS = [("Hud, infektion, medicin", "2 500 000", "Mobilt närvårdsteam"),
                 ("Ortopedi", "250 000", "Koordinator osteoporos"),
                 ("Patientsäkerhet", "1 432 000", "Apotekare klinik och COSMIC,\nDelprojektledare\nbemanningsprojekt"),
                 ("Primärvård", "750 000\n(250+500)", "Utbildning COSMIC pv,\nSamordnare nationella satsningar\npv"),
                 ("Diagnostik, teknik, service", "2 310 000", "Gemensam kundtjänst, All\ninclusive sectra"),
                 ("Regionstab, kommunikation", "680 000", "Info tjänster 1177, Journal på\nnätet"),
                 ("Regionstab, e-hälsa, IT", "600 000", "Förstärkning IT- COSMIC"),
                 ("Regionstab, FOUU", "1 028 000", "Utveckling kompetenskort övriga\nyrkeskategorier inklusive KTC"),
                 ("Regionstab, ekonomi och personal", "310 000", "Självincheckning reception mm"),
                 ("Vårdvalsnämnden", "120 000", "Byte till Pri-comp (utbetalning")]


ROWS = [("Specialistutbildning", "HoS", 5094, 9917), ("IT-stöd", "Regionstab", 1250.5, 9902),
        ("Kompetensförsörjning", "HoS", 800, 9917)]


def seed_001_workbook(path):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write("A1", "Hälso- och sjukvårdspolitiska avdelningen 2018-04-06 RS/255/2018")
    ws.write("A3", "Underlag användning av nationell satsning Professionsmiljarden")
    ws.write("A5", "Sedan tidigare fattade beslut med belopp per verksamhetsområde gällande medel från "
                   "Professionsmiljaden 2018")
    ws.write_row("A7", ["Verksamhetsområde", "Belopp,\nkronor", "aktiviteter"])
    for i, r in enumerate(SEED_001_ROWS):
        ws.write_row(7 + i, 0, r)
    ws.write_row(17, 0, ["Totalt budgeterat och beslutat:", "9 980 000"])
    ws.write("A20", "Således återstår av tilldelade medel högst 2 228 598 kronor.")
    wb.close()
    return path


def region_book(path, header="Belopp", rows=ROWS, number_format=None, above=None, hidden=(), total=None,
                total_format=None):
    """A region's own layout: a title, perhaps a line on the unit, a header row, the rows, a total."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Underlag")
    fmt = wb.add_format({"num_format": number_format}) if number_format else None
    ws.write("A1", "Beslutsunderlag 2019")
    if above:
        ws.write("A2", above)
    ws.write_row("A4", ["Aktivitet", "Verksamhet", header, "Objekt"])
    for i, (name, verksamhet, amount, objekt) in enumerate(rows):
        r = 4 + i
        ws.write_row(r, 0, [name, verksamhet])
        if isinstance(amount, str):
            ws.write_string(r, 2, amount)
        else:
            ws.write_number(r, 2, amount, fmt)
        ws.write_number(r, 3, objekt)
        if i in hidden:
            ws.set_row(r, None, None, {"hidden": True})
    if total is not None:
        r = 4 + len(rows)
        ws.write(r, 0, "Summa")
        ws.write_number(r, 2, total, wb.add_format({"num_format": total_format}) if total_format else fmt)
    wb.close()
    return path
