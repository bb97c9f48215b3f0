"""The 2019 report with utfall, and readers of Bilaga 2's rows and texts."""
from tests.conftest import examples


SPEC_2019 = examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]


def texts(layout):
    return [c.value for _, c in layout.cells() if isinstance(c.value, str)]


def row_of(layout, label):
    for row in layout.rows:
        if row.cells and isinstance(row.cells[0].value, str) and row.cells[0].value.startswith(label):
            return {c.column: c for c in row.cells}
    raise KeyError(label)


def with_utfall(path, utfall):
    """The 2019 example with values in its column Utfall: a number, or a formula's error such as "#N/A"."""
    column = examples.COLUMNS.index("actual")

    def extra(wb, sheets):
        ws = sheets["activities"]
        for i, value in enumerate(utfall):
            if isinstance(value, str):
                ws.write_formula(4 + i, column, "=NA()", None, value)
            else:
                ws.write_number(4 + i, column, value)
    examples.build(path, SPEC_2019, extra)
    return path


def budget_2019():
    return [a[4] for a in SPEC_2019["activities"]]
