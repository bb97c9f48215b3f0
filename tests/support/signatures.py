"""Signed workbooks (a package signature, a signed VBA project), the check that no signature remains, and the CLI
in a subprocess."""
import os
from pathlib import Path
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import EXAMPLE_2019, ROOT, WORKBOOKS
from tests.signed_book import sign


ENV = dict(os.environ, PYTHONPATH=str(ROOT))


XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=ENV)


def signature_remains(path: Path) -> list[str]:
    """Anything of a package or VBA signature left in ``path``: parts, relationships, content types."""
    left = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        left += [n for n in names if n.startswith("_xmlsignatures/") or "vbaProjectSignature" in n]
        for name in names:
            if name.endswith(".rels") or name == "[Content_Types].xml":
                text = z.read(name).decode("utf-8")
                left += [f"{name}: {w}" for w in ("digital-signature", "vbaProjectSignature", "Extension=\"sigs\"",
                                                   "_xmlsignatures") if w in text]
    return left


@pytest.fixture
def signed(tmp_path):
    return sign(EXAMPLE_2019, tmp_path / "signerad.xlsx")


# --- a signed VBA project -----------------------------------------------------------------------------------

@pytest.fixture
def signed_xlsm(tmp_path):
    return sign(XLSM, tmp_path / "makron.xlsm", vba=True, package=False)
