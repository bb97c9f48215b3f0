"""LibreOffice headless as a spreadsheet engine: convert a workbook (to .xlsx with every formula
recalculated, or to PDF), in a private profile that forces recalculation on load.

LibreOffice by default trusts the cached values of an .xlsx; the profile sets
``OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0, "always recalculate".
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.errors import UserError

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_profile(folder: Path) -> str:
    """A LibreOffice user profile in ``folder``; returns its URL for -env:UserInstallation."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    return folder.resolve().as_uri()


def _kill_tree(proc: subprocess.Popen) -> None:
    if os.name == "posix":
        try:
            os.killpg(proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
    proc.kill()
    proc.communicate()


def convert_many(sources: list[Path], outdir: Path, to: str = "pdf", timeout: float | None = None,
                 profile: Path | None = None) -> dict[str, Path]:
    """Convert files in one LibreOffice run (started here, and gone when this returns) into
    ``outdir``; returns {source stem: converted file} for those it converted."""
    exe = soffice()
    if exe is None:
        raise UserError("LibreOffice (soffice) is not installed; on Debian: apt-get install libreoffice-calc-nogui")
    outdir.mkdir(parents=True, exist_ok=True)
    timeout = timeout or 120 + 10 * len(sources)
    with tempfile.TemporaryDirectory(prefix="xlsb-lo-") as tmp:
        url = make_profile(profile or Path(tmp) / "profile")
        env = dict(os.environ, HOME=tmp, SAL_USE_VCLPLUGIN="svp")
        cmd = [exe, f"-env:UserInstallation={url}", "--headless", "--norestore", "--nologo",
               "--convert-to", FILTERS[to], "--outdir", str(outdir)] + [str(s) for s in sources]
        # In a session of its own, so that a timeout stops every process LibreOffice started.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=os.name == "posix")
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException as exc:
            _kill_tree(proc)
            if isinstance(exc, subprocess.TimeoutExpired):
                raise UserError(f"LibreOffice did not finish converting within {timeout:.0f} s") from None
            raise
        done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    produced = {s.stem: outdir / f"{s.stem}.{to}" for s in sources if (outdir / f"{s.stem}.{to}").exists()}
    if not produced:
        raise UserError(f"LibreOffice could not convert the files: {done.stderr.strip() or done.stdout.strip()}")
    return produced


def convert(source: Path, outdir: Path, to: str = "xlsx", timeout: float = 180,
            profile: Path | None = None) -> Path:
    """Convert ``source`` into ``outdir`` (``to`` is "xlsx" or "pdf"); returns the new file."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlsb-in-") as tmp:
        # Convert a copy under a neutral name, so that converting x.xlsx to xlsx does not clash.
        copy = Path(tmp) / f"source{source.suffix}"
        shutil.copyfile(source, copy)
        try:
            produced = convert_many([copy], Path(tmp) / "out", to, timeout, profile)
        except UserError as exc:
            raise exc.with_file(source)
        target = outdir / f"{source.stem}.{to}"
        shutil.move(str(produced["source"]), target)
    return target
