"""The shipped workbooks are exactly what workbooks/build.py makes."""
from conftest import WORKBOOKS, examples, parts


def test_shipped_workbooks_are_reproducible(tmp_path):
    for path in examples.build_all(tmp_path):
        shipped = WORKBOOKS / path.name
        assert parts(path) == parts(shipped), f"{shipped.name} differs from build.py: run python workbooks/build.py"
