"""The command line: ``xl-statsbidrag report|validate ...``.

Parses arguments, calls ``jobs``, prints.  User mistakes end with one line on stderr and a
non-zero exit code, never a traceback.  Heavy modules are imported only by the command that
needs them, so ``--help`` stays fast.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import __version__
from .errors import UserError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def cmd_report(args: argparse.Namespace) -> int:
    from .amounts import format_kr
    from .jobs import report_file

    target, s, findings = report_file(args.workbook, args.output, args.today)
    kind = "utfall" if s.outcome else "budget: no utfall filled in yet"
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    print(f"Wrote {target} (sheet \"Bilaga 2\")")
    print(f"  activities:   {s.activities}")
    print(f"  received:     {format_kr(s.received)}")
    print(f"  costs:        {format_kr(s.costs)} ({kind})")
    print(f"  unused:       {format_kr(s.unused)}")
    print(f"  attestation:  Alt {s.alternative}" + (f" ({len(s.deviations)} deviation(s) listed)"
                                                    if s.alternative == 2 else ""))
    print(f"  findings:     {errors} error(s), {warnings} warning(s); run 'xl-statsbidrag validate' for details")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .jobs import validate_file

    _, findings = validate_file(args.workbook, args.today)
    if args.format == "json":
        json.dump([f.as_dict() for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        rows = [(f.severity, f.code, str(f.location), f.message) for f in findings]
        if rows:
            widths = [max(len(r[i]) for r in rows + [("severity", "code", "cell", "")]) for i in range(3)]
            print(f"{'severity':<{widths[0]}}  {'code':<{widths[1]}}  {'cell':<{widths[2]}}  message")
            for r in rows:
                print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        print(f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xl-statsbidrag",
        description="Targeted state grants (riktade statsbidrag) for Swedish regions: validate the "
                    "decision-support workbook and write the Bilaga 2 economic report.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("report", help="write a copy of the workbook with the Bilaga 2 sheet",
                       description="Write a copy of WORKBOOK with the sheet 'Bilaga 2' (Ekonomisk "
                                   "redovisning). The input is never changed; running again on the "
                                   "output replaces the sheet.")
    p.add_argument("workbook", type=Path, help="decision-support workbook (.xlsx or .xlsm)")
    p.add_argument("-o", "--output", type=Path, help="output file (default: WORKBOOK_bilaga2.xlsx beside it)")
    p.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("validate", help="check the activity list against the available totals",
                       description="Print the findings for WORKBOOK. Exit code 0 without errors, 1 with "
                                   "errors, 2 when the file itself cannot be read.")
    p.add_argument("workbook", type=Path)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--today", type=_date, help="date to check deadlines against (default: today)")
    p.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"xl-statsbidrag: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("xl-statsbidrag: interrupted", file=sys.stderr)
        return 130
