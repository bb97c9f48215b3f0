"""The live (xlwings) path: a workbook with hostile cells, and the file paths and findings the live path is
compared with."""
from tests.conftest import examples

from xl_statsbidrag.read.workbook_format import AGREEMENT_LABELS


def hostile(tmp_path, errors: bool = True):
    """The 2019 example with what the live reader used to get wrong: a hidden activity row, error
    values (in an amount and in a text column; left out with ``errors=False``, which leaves a workbook
    that can be reported on) and a label merged over two columns."""
    def extra(wb, sheets):
        ws = sheets["activities"]
        ws.set_row(6, None, None, {"hidden": True})  # the third activity
        column = examples.COLUMNS.index
        if errors:
            ws.write_formula(7, column("actual"), "=1/0", None, "#DIV/0!")  # Utfall of the fourth: an error value
            ws.write_formula(8, column("comment"), "=NA()", None, "#N/A")  # Kommentar of the fifth
        agreement = sheets["agreement"]
        strings = {i: s for s, i in wb.str_table.string_table.items()}
        label = AGREEMENT_LABELS["contact_person"]
        row = next(r for r, cells in agreement.table.items()
                   if 0 in cells and strings.get(getattr(cells[0], "string", None)) == label)
        agreement.merge_range(row, 0, row, 1, label, wb.add_format({"text_wrap": True, "valign": "top"}))
        agreement.write(row, 2, "Kontakt i sammanslagen rad")

    path = tmp_path / ("hostile.xlsx" if errors else "merged_hidden.xlsx")
    examples.build(path, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"], extra)
    return path


def _path(case, tmp_path):
    return hostile(tmp_path) if case == "hostile" else case


def _finding(f):
    return f.severity, f.code, f.message, str(f.location), f.amount
