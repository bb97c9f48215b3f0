"""The command line: ``xl-statsbidrag report|validate ...``.

Parses arguments, calls the use case of ``app``, prints.  User mistakes end with one line on stderr and
a non-zero exit code, never a traceback.  Each command imports its use case when it runs (the ``from
.app...`` inside each ``cmd_``), so that ``--help`` and ``report`` start without what the other commands
need (pandas, XlsxWriter, icalendar, json): issue 28 measured the start-up (benchmarks/bench_floor.py).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import errno
import sys
from decimal import Decimal
from pathlib import Path

from . import __version__
from .core.errors import UserError
from .core.model import Severity
from .core.money import format_kr, ore_to_kr

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
FORCE_HELP = ("replace an existing output that the tool did not write or that was changed since (a backup copy "
              "of it is kept beside it), and write a signed workbook without its signature")


def _say(notes: list[str], stream=None) -> None:
    """What happened to files beside the main output (a backup kept, a signature removed)."""
    for note in notes:
        print(f"  note: {note}", file=stream or sys.stdout)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    return value


def cmd_report(args: argparse.Namespace) -> int:
    from .app.report import report_file  # lazy: keeps --help fast

    if args.in_place and args.output:
        raise UserError("give either -o or --in-place, not both")
    notes: list[str] = []
    target, s, findings = report_file(args.workbook, args.output, args.today, args.in_place, args.recalculate,
                                      force=args.force, notes=notes)
    kind = ("utfall" if s.complete else "utfall, with budget where utfall is missing" if s.outcome
            else "budget: no utfall filled in yet")
    errors = sum(f.severity == Severity.ERROR for f in findings)
    warnings = sum(f.severity == Severity.WARNING for f in findings)
    print(f"Wrote {target} (sheets \"Bilaga 2\", {s.pages} page(s), \"Kontroll\" and \"Återbetalning\")")
    print(f"  activities:   {s.activities}")
    print(f"  received:     {format_kr(s.received)}")
    print(f"  costs:        {format_kr(s.costs)} ({kind})")
    print(f"  unused:       {format_kr(s.unused)}")
    print(f"  to repay:     {format_kr(s.repay)}")
    print(f"  own financing: {format_kr(s.own)}")
    reasons = len(s.suggestion.findings)
    why = "no utfall" if not s.outcome else "deviations to explain first"
    print("  attestation:  " + (f"suggested Alt {s.alternative}" if s.alternative else f"no suggestion ({why})")
          + (f" ({reasons} reason(s) on the sheet Kontroll)" if reasons else "")
          + "; the form's boxes are left to the head of finance")
    print(f"  findings:     {errors} error(s), {warnings} warning(s); see the sheet Kontroll or "
          "'xl-statsbidrag validate'")
    _say(notes)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .app.validate import validate_file  # lazy: keeps --help fast

    _, findings = validate_file(args.workbook, args.today)
    if args.format == "json":
        import json  # lazy: only this command's json format needs it (issue 28)

        json.dump([f.as_dict() for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        rows = [(f.severity, f.code, str(f.location), f.message) for f in findings]
        if rows:
            widths = [max(len(r[i]) for r in rows + [("severity", "code", "cell", "")]) for i in range(3)]
            print(f"{'severity':<{widths[0]}}  {'code':<{widths[1]}}  {'cell':<{widths[2]}}  message")
            for r in rows:
                print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
        counts = {s: sum(f.severity == s for f in findings) for s in Severity}
        print(f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
    return EXIT_FINDINGS if any(f.severity == Severity.ERROR for f in findings) else EXIT_OK


def cmd_allocate(args: argparse.Namespace) -> int:
    from .app.allocate import allocate, allocation_csv, write_allocation  # lazy: keeps --help fast

    table, source = allocate(args.total, args.population, args.weights, args.range, args.rule, args.compute,
                             output=args.output, force=args.force)
    many = len(table.pots) > 1
    differences = [a.difference for a in table.allocations if a.difference]
    published = table.weights is None
    for d in differences:
        print(f"difference: {format_kr(d)} (the parts do not add up to the total; rule 'none')", file=sys.stderr)
    if args.output is not None:
        notes = write_allocation(table, source, args.output, [args.weights], args.force)
        print(f"Wrote {args.output} ({source})")
        _say(notes)
        return EXIT_OK
    if args.format == "csv":
        sys.stdout.write(allocation_csv(table))
        return EXIT_OK
    print(source)
    names = table.pots + (["total"] if many else [])
    width = max(len(x) for x in table.labels + ["region"])
    amount_width = max(16, *(len(format_kr(v)) + 1 for r in table.amounts for v in r))
    print(f"{'region':<{width}}  {'weight':>12}" + "".join(f" {n:>{amount_width}}" for n in names))
    for row, label in enumerate(table.labels):
        values = table.amounts[row] + ([table.row_total(row)] if many else [])
        weight = "" if published else format_kr(table.weights[row], unit="")
        print(f"{label:<{width}}  {weight:>12}" + "".join(f" {format_kr(v):>{amount_width}}" for v in values))
    sums = [sum((r[i] for r in table.amounts), Decimal(0)) for i in range(len(table.pots))]
    weight_sum = "" if published else format_kr(sum(table.weights, Decimal(0)), unit="")
    print(f"{'Total':<{width}}  {weight_sum:>12}" + "".join(f" {format_kr(v):>{amount_width}}"
                                                          for v in sums + ([sum(sums)] if many else [])))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .app.batch import run  # lazy: keeps --help fast

    rows = run(args.inputs, args.output, args.jobs, args.pdf, args.fail_fast, args.force,
               timeout=args.timeout, max_memory_mb=args.max_memory, recalculate=args.recalculate, today=args.today)
    ok = sum(r.status == "ok" for r in rows)
    print(f"{ok} of {len(rows)} workbook(s) ok, {len(rows) - ok} failed; summary in "
          f"{args.output / 'summary.csv'} and summary.json")
    for r in rows:
        if r.status != "ok":
            print(f"  failed: {r.file}: {r.reason}")
    return EXIT_OK if ok == len(rows) else EXIT_FINDINGS


def cmd_import(args: argparse.Namespace) -> int:
    from .app.importing import import_file  # lazy: keeps --help fast
    from .read.region_reader import describe

    notes: list[str] = []
    table, ag, origins = import_file(args.file, args.output, args.agreement, args.region, args.sheet, args.objekt,
                                     unit=args.unit, include_hidden=args.include_hidden, force=args.force, notes=notes)
    print(f"Read {args.file}:")
    for line in describe(table):
        print(f"  {line}")
    for location, reason in table.not_read:
        print(f"  not read: {location}: {reason}")
    print(f"Agreement {args.agreement} for {ag.recipient}: " + ", ".join(
        f"{p.name} {format_kr(p.amount)}" for p in ag.pots) + f" = {format_kr(ag.total)}")
    for origin in origins:
        print(f"  {origin}")
    print(f"Wrote {args.output} (sheets Överenskommelse and Aktiviteter; the original sheets as they were)")
    _say(notes)
    return EXIT_OK


def cmd_rekvisition(args: argparse.Namespace) -> int:
    from .app.requisition import requisition_file  # lazy: keeps --help fast

    notes: list[str] = []
    target, ag, findings = requisition_file(args.workbook, args.output, args.today, force=args.force, notes=notes)
    start, end = ag.period
    print(f"Wrote {target} (sheet \"Rekvisition\")")
    print(f"  agreement:    {ag.name} ({ag.year})")
    print(f"  requested:    {format_kr(ag.requested)}" + ("" if ag.requisition_amount is not None
                                                         else " (the whole grant)"))
    print(f"  period:       {start.isoformat()} - {end.isoformat()}")
    if ag.requisition_deadline:
        print(f"  deadline:     {ag.requisition_deadline.isoformat()}")
    for f in findings:
        print(f"  {f.severity}: {f.location}: {f.message}")
    _say(notes)
    return EXIT_FINDINGS if any(f.severity == Severity.ERROR for f in findings) else EXIT_OK


def cmd_deadlines(args: argparse.Namespace) -> int:
    from .app.deadlines import deadlines_of, write_calendar  # lazy: keeps --help fast (icalendar, dateutil, lxml)
    from .app.outputs import claim
    from .check.deadlines import in_order
    from .files.ics import describe_reminders, parse_reminders

    today = args.today or dt.date.today()
    reminders = parse_reminders(args.remind or [])
    ics = claim(args.ics, args.workbooks, args.force, "--ics") if args.ics is not None else None
    found, failed, warnings = deadlines_of(args.workbooks)
    items = in_order(found, today)
    if args.format == "csv":
        from .files.csv_safe import csv_text  # lazy: keeps --help fast

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["date", "kind", "agreement", "year", "dnr", "status", "file", "source", "plan_date",
                         "non_working", "scope", "done", "reference", "assumed", "verify", "also"])
        writer.writerows([d.day.isoformat(), csv_text(d.kind), csv_text(d.agreement), d.year, csv_text(d.dnr),
                          d.status(today), csv_text(d.file), d.source, d.plan_day.isoformat(), d.non_working, d.scope,
                          d.done_on.isoformat() if d.done_on else "yes" if d.done else "", csv_text(d.reference),
                          csv_text(d.assumed), csv_text(d.verify), csv_text("; ".join(d.also))] for d in items)
    else:
        width = max((len(d.what) for d in items), default=0)
        for d in items:
            print(f"{d.plan_day.isoformat()} {d.plan_day.strftime('%a')}  {d.status(today):<15}  {d.what:<{width}}  "
                  f"{d.agreement} {d.year}" + (f" ({d.dnr})" if d.dnr else "") + f"  [{d.file}]")
            if d.non_working:
                print(f"{'':17}deadline {d.day.isoformat()} ({d.non_working}) is not a working day: the date shown "
                      "is the last working day before it")
            if d.recipient:
                print(f"{'':17}to {d.recipient}")
            if d.reference:
                print(f"{'':17}reference: {d.reference}")
            if d.assumed:
                print(f"{'':17}assumed: {d.assumed}; verify against {d.verify}")
            if d.also:
                print(f"{'':17}also in: {', '.join(d.also)}")
        if not items:
            print("no deadlines found")
    for warning in warnings:
        print(f"xl-statsbidrag: warning: {warning}", file=sys.stderr)
    for file, reason in failed:
        print(f"xl-statsbidrag: error: {file}: {reason}", file=sys.stderr)
    if ics is not None:
        notes = write_calendar(ics, items, today, reminders)
        stream = sys.stderr if args.format == "csv" else sys.stdout
        print(f"Wrote {args.ics} ({len(items)} event(s), each on the date to plan for; reminders at 09:00: "
              f"{describe_reminders(reminders)})", file=stream)
        _say(notes, stream)
    return EXIT_INPUT if failed else EXIT_OK


def cmd_agreements(args: argparse.Namespace) -> int:
    from .read.reference_data import catalogue  # lazy: keeps --help fast (reads the reference tables)

    entries = catalogue()
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "name", "years"])
        writer.writerows([e.id, e.name, e.years] for e in entries)
        return EXIT_OK
    width = max(len(e.id) for e in entries)
    print(f"{'id':<{width}}  years  {'regions, nationally':>20}  name")
    for e in entries:
        print(f"{e.id:<{width}}  {e.years:<5}  {format_kr(e.national_total):>20}  {e.name}")
    return EXIT_OK


def cmd_utfall(args: argparse.Namespace) -> int:
    from .app.utfall import utfall_file  # lazy: keeps --help fast (pandas)
    from .ledger.match import CATEGORY_SV, DEDUPE_FIELDS, parse_dedupe

    dedupe = None
    if args.dedupe or args.dedupe_key:
        dedupe = parse_dedupe(args.dedupe_key)
        print(f"--dedupe: a row of a later file equal to an earlier file's on ({', '.join(dedupe)}) is counted once"
              + ("" if len(dedupe) == len(DEDUPE_FIELDS) else "; rows equal only on this key count once too"))
    notes: list[str] = []
    target, result = utfall_file(args.workbook, args.ledgers, args.output, args.columns, args.accounts,
                                 force=args.force, notes=notes, dedupe=dedupe)
    for line in result.read:
        print(f"read {line}")
    rows = [(a.name[:60], a.objekt, a.code, format_kr(a.amount) if a.amount is not None else "",
             format_kr(u) if u is not None else "(empty)") for a, u in zip(result.book.activities, result.actual)]
    header = ("activity", "objekt", "kod", "budget", "utfall")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    print("  ".join(f"{h:<{w}}" if i < 3 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths))))
    for r in rows:
        print("  ".join(f"{v:<{w}}" if i < 3 else f"{v:>{w}}" for i, (v, w) in enumerate(zip(r, widths))))
    print("reconciliation per objekt: ledger total = " + " + ".join(CATEGORY_SV.values()))
    for r in result.reconciliation:
        parts = ", ".join(f"{CATEGORY_SV[c]} {format_kr(ore_to_kr(v))}" for c, v in r.amounts.items() if v)
        print(f"  {r.objekt}: {format_kr(ore_to_kr(r.total))} = {parts or '0 kr'}")
    for f in result.findings:
        print(f"{f.severity}: {f.code}: {f.location}: {f.message}" if str(f.location) else
              f"{f.severity}: {f.code}: {f.message}")
    print(f"Wrote {target} (column Utfall, sheet \"Utfall\")")
    _say(notes)
    return EXIT_FINDINGS if any(f.severity == Severity.ERROR for f in result.findings) else EXIT_OK


def cmd_bokslut(args: argparse.Namespace) -> int:
    from .app.bokslut import bokslut_files
    from .core.text import is_yes

    notes: list[str] = []
    done = bokslut_files(args.files, args.output, args.columns, args.accounts, args.period, force=args.force,
                         notes=notes, year=args.year)
    errors = False
    for workbook, csv_path, c in done:
        ag = c.book.agreement
        print(f"{ag.name} {c.year}:")
        left = "carried over" if is_yes(ag.carry_over) else "to repay"
        for part in c.year_end.parts:
            print(f"  {part.name}: grant {format_kr(part.grant)}, costs {format_kr(part.costs)}, {left} "
                  f"{format_kr(part.repay)}, own financing {format_kr(part.own)}")
        print(f"  entries: {len(c.entries)} line(s), debit {format_kr(sum(e.debet for e in c.entries))} = credit "
              f"{format_kr(sum(e.kredit for e in c.entries))}; accruals proposed: {len(c.accruals)}; investments on "
              f"the objekt: {len(c.assets)}; claimed twice: {len(c.claims)}; claimed by none: {len(c.unclaimed)}")
        for note in c.notes:
            print(f"  note: {note}")
        for f in c.findings:
            print(f"  {f.severity}: {f.code}: {f.message}")
        errors = errors or any(f.severity == Severity.ERROR for f in c.findings)
        print(f"Wrote {workbook} (sheets \"Bokslut\" and \"Bidragsreskontra\") and {csv_path} (the entries)")
    _say(notes)
    return EXIT_FINDINGS if errors else EXIT_OK


class _Command(argparse.ArgumentParser):
    """A command's parser, made when it is first used (parsed, its help or usage printed, or any of its
    attributes read): ``main`` then makes only the parser of the command it runs.  Issue 28: making all
    the commands' parsers cost ``report``'s start ~3 ms of its ~100 (argparse looks up translations for
    every parser), and utfall's help imports the ledger formats.  The help and every argument are the
    same either way (tests/test_cli.py compares them)."""

    def __init__(self, *, arguments, **kwargs) -> None:  # argparse's own __init__ waits: see ``define``
        self.__dict__["_pending"] = (arguments, kwargs)

    def define(self) -> None:
        pending = self.__dict__.pop("_pending", None)
        if pending is not None:
            arguments, kwargs = pending
            super().__init__(**kwargs)
            arguments(self)

    def __getattr__(self, name: str):  # an attribute of a parser not made yet: make it
        if name.startswith("__") or "_pending" not in self.__dict__:
            raise AttributeError(name)
        self.define()
        return getattr(self, name)

    def parse_known_args(self, args=None, namespace=None):
        self.define()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self.define()
        return super().format_usage()

    def format_help(self) -> str:
        self.define()
        return super().format_help()


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The CLI's parser; with ``lazy`` each command's parser is made when that command is used (``main``),
    else at once (for those who read the parser, e.g. tests/test_docs.py)."""
    parser = argparse.ArgumentParser(
        prog="xl-statsbidrag",
        description="Targeted state grants (riktade statsbidrag) for Swedish regions: validate the "
                    "decision-support workbook and write the Bilaga 2 economic report.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Command)
    for name, summary, arguments in COMMANDS:
        command = sub.add_parser(name, help=summary, arguments=arguments)
        if not lazy:
            command.define()
    return parser


def _report_command(p: argparse.ArgumentParser) -> None:
    p.description = ("Write a copy of WORKBOOK with the sheet 'Bilaga 2' (Ekonomisk "
                     "redovisning). The input is never changed; running again replaces the "
                     "output the tool wrote, but not one edited since (or another program's "
                     "file) unless --force.")
    p.add_argument("workbook", type=Path, help="decision-support workbook (.xlsx or .xlsm)")
    p.add_argument("-o", "--output", type=Path, help="output file (default: WORKBOOK_bilaga2.xlsx beside it)")
    p.add_argument("--in-place", action="store_true",
                   help="write the sheet into WORKBOOK itself, keeping a backup copy beside it")
    p.add_argument("--today", type=_date, help="the date printed on the report (default: today)")
    p.add_argument("--recalculate", action="store_true",
                   help="compute formulas without stored values (a file saved by openpyxl, pandas, ...) with "
                        "LibreOffice headless; the values are read from a recalculated copy, the input is not changed")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_report)


def _validate_command(p: argparse.ArgumentParser) -> None:
    p.description = ("Print the findings for WORKBOOK. Exit code 0 without errors, 1 with "
                     "errors, 2 when the file itself cannot be read.")
    p.add_argument("workbook", type=Path)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--today", type=_date, help="date to check deadlines against (default: today)")
    p.set_defaults(func=cmd_validate)


def _allocate_command(p: argparse.ArgumentParser) -> None:
    p.description = ("Split TOTAL (whole kronor; '2 835 000 000', '2835 mkr') by population "
                     "or by weights, to the krona, with parts that add up to the total. "
                     "Several totals are split each on its own. A published table for the "
                     "population date with the same total is used as it is, unless --compute.")
    p.add_argument("total", nargs="+", metavar="TOTAL")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--population", metavar="DATE", help="a shipped population table, e.g. 2018-12-31")
    source.add_argument("--weights", type=Path, metavar="FILE",
                        help="CSV with columns region,weight, or a workbook (.xlsx) with such a range")
    p.add_argument("--range", metavar="SHEET!A1:B22", help="the range in a --weights workbook (header row first)")
    p.add_argument("--rule", choices=("largest-remainder", "round-largest", "none"), default=None,
                   help="where the leftover kronor go (default: largest-remainder)")
    p.add_argument("--compute", action="store_true", help="compute even where a published table exists")
    p.add_argument("--format", choices=("table", "csv"), default="table",
                   help="table (readable, default) or csv: region,weight,amount with a header")
    p.add_argument("-o", "--output", type=Path, help="write CSV (.csv) or an Excel sheet (.xlsx)")
    p.add_argument("--force", action="store_true", help="replace an existing -o file that the tool did not write or "
                                                        "that was changed since (a backup copy is kept beside it)")
    p.set_defaults(func=cmd_allocate)


def _batch_command(p: argparse.ArgumentParser) -> None:
    p.description = ("For each decision workbook among INPUTS (files, folders, globs), write "
                     "OUTDIR/NAME_bilaga2.xlsx (and a PDF of the Bilaga 2 sheet with --pdf), plus "
                     "summary.csv and summary.json. Exit code 0 when every input succeeded, 1 "
                     "otherwise. Inputs whose output the tool wrote and is newer are skipped unless "
                     "--force; an output edited since, or another program's file, fails that input "
                     "unless --force.")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUTDIR")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: the number of cores)")
    p.add_argument("--pdf", action="store_true", help="also a PDF of each Bilaga 2 sheet (LibreOffice)")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    p.add_argument("--force", action="store_true", help="redo inputs whose output is up to date, and " + FORCE_HELP)
    p.add_argument("--timeout", type=_positive, default=300, metavar="SECONDS",
                   help="time limit per input; over it, that input fails (default: 300)")
    p.add_argument("--max-memory", type=_positive, default=2048, metavar="MB",
                   help="memory limit per input (POSIX); over it, that input fails (default: 2048)")
    p.add_argument("--recalculate", action="store_true",
                   help="compute formulas without stored values with LibreOffice headless (see report)")
    p.add_argument("--today", type=_date, help="the date the overview's deadlines count from and the reports "
                                               "are dated (default: today)")
    p.set_defaults(func=cmd_batch)


def _import_command(p: argparse.ArgumentParser) -> None:
    p.description = ("Find the activity table in FILE by its header row (any sheet, any layout), "
                     "and write OUT: FILE's sheets as they were, plus the sheets Överenskommelse "
                     "(the catalogue's agreement, with the region's pots from the allocation or the "
                     "published table) and Aktiviteter (an Excel Table). Prints what it recognised "
                     "and every row it could not read.")
    p.add_argument("file", type=Path)
    p.add_argument("--agreement", required=True, metavar="ID", help="an id from 'xl-statsbidrag agreements'")
    p.add_argument("--region", required=True, metavar="NAME", help="e.g. 'Region Jämtland Härjedalen' or 'Jämtlands län'")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--sheet", help="look for the table only in this sheet")
    p.add_argument("--objekt", metavar="CODE", help="the objekt for rows that name none (e.g. 9902)")
    p.add_argument("--unit", choices=("kr", "tkr", "mkr"),
                   help="the unit the amount cells show, when the workbook does not say or says two things "
                        "(amounts in tkr or mkr are scaled to kronor)")
    p.add_argument("--include-hidden", action="store_true",
                   help="take hidden rows as activities too (by default they are listed and left out)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_import)


def _rekvisition_command(p: argparse.ArgumentParser) -> None:
    p.description = ("Write a copy of WORKBOOK with the sheet 'Rekvisition' (the requisition form of "
                     "the agreement's Bilaga 2). The amount is 'Belopp som rekvireras' on the sheet "
                     "Överenskommelse, else the whole grant. Exit code 1 when the requisition has "
                     "errors (an amount above the grant, a bankgiro/plusgiro number that is not one).")
    p.add_argument("workbook", type=Path)
    p.add_argument("-o", "--output", type=Path, help="output file (default: WORKBOOK_rekvisition.xlsx beside it)")
    p.add_argument("--today", type=_date, help="date to check the deadline against (default: today)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_rekvisition)


def _deadlines_command(p: argparse.ArgumentParser) -> None:
    p.description = ("The deadlines (requisition, economic report, repayment, report to "
                     "Socialstyrelsen, other reporting duties) of each WORKBOOK's agreement, the "
                     "agreement's (externt) and the region's own (internt), from its sheet "
                     "Överenskommelse or else the agreement catalogue: the coming ones soonest first, "
                     "then those passed without being done, then the done ones. A deadline on a "
                     "weekend or Swedish holiday is shown on the last working day before it. An "
                     "agreement given in several workbooks is listed once, with a warning. Exit code "
                     "2 when a workbook cannot be read (the others are listed).")
    p.add_argument("workbooks", nargs="+", type=Path, metavar="WORKBOOK")
    p.add_argument("--ics", type=Path, metavar="FILE", help="also write an iCalendar file (Outlook: File > Open > Import)")
    p.add_argument("--format", choices=("table", "csv"), default="table",
                   help="table (default) or csv: date,kind,agreement,year,dnr,status,file,source,plan_date,"
                        "non_working,scope,done,reference,assumed,verify,also")
    p.add_argument("--today", type=_date, help="the date to count from (default: today)")
    p.add_argument("--remind", action="append", metavar="KIND=WEEKS",
                   help="reminders in the --ics calendar, in weeks (6) or days (10d) before, e.g. redovisning=8,6,2; "
                        "KIND: rekvisition, redovisning, återbetalning, socialstyrelsen, övriga, alla; KIND= for none "
                        "(default: redovisning and återbetalning 6 and 2 weeks, the others 2 weeks; repeatable)")
    p.add_argument("--force", action="store_true", help="replace an existing --ics file that the tool did not write "
                                                        "or that was changed since (a backup copy is kept beside it)")
    p.set_defaults(func=cmd_deadlines)


def _utfall_command(p: argparse.ArgumentParser) -> None:
    from .ledger import formats as ledger_formats  # lazy: only the help of utfall names the formats

    p.description = (f"Match the transactions of LEDGER exports ({ledger_formats.describe()}) to the "
                     "activities "
                     "of WORKBOOK: in the agreement's period, on a cost account, on the activity's "
                     "objekt and, where the activity has a Kod, with that code. Writes a copy with the "
                     "column Utfall filled in and a sheet 'Utfall' (the transactions and the "
                     "reconciliation per objekt). Exit code 0 without errors, 1 with errors among the "
                     "findings, 2 when a file cannot be read.")
    p.add_argument("workbook", type=Path, help="decision-support workbook (.xlsx or .xlsm)")
    p.add_argument("ledgers", nargs="+", type=Path, metavar="LEDGER",
                   help=f"ledger export(s): {ledger_formats.describe()}")
    p.add_argument("-o", "--output", type=Path, help="output file (default: WORKBOOK_utfall.xlsx beside it)")
    p.add_argument("--columns", metavar="MAP",
                   help="headers the tool does not recognise, e.g. 'objekt=Kostnadsobjekt,belopp=Belopp SEK' "
                        "(fields: date, verifikation, rad, konto, text, ansvar, verksamhet, aktivitet, objekt, "
                        "belopp, debet, kredit; for SIE a dimension's name or number)")
    p.add_argument("--accounts", metavar="RANGES",
                   help="cost accounts by their leading digits (default: 4-7, BAS classes 4-7), e.g. '4000-7999,8400'")
    p.add_argument("--dedupe", action="store_true",
                   help="count once a row of a later LEDGER that an earlier one has (equal on every field, or on "
                        "--dedupe-key); without it every row of every file counts")
    p.add_argument("--dedupe-key", metavar="FIELDS",
                   help="the fields that make two rows the same for --dedupe (implies it), e.g. "
                        "'date,verifikation,konto,objekt,belopp'")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_utfall)


def _bokslut_command(p: argparse.ArgumentParser) -> None:
    p.description = ("For each decision-support WORKBOOK among FILES, from the LEDGER exports among them "
                     "(CSV, .xlsx or SIE 4): the year's figures per part as in Bilaga 2, the grant "
                     "ledger's rows for the year (sheet Bidragsreskontra), the closing entries the "
                     "accounts need (sheet Bokslut, and the same lines as a CSV beside the output: "
                     "datum;konto;ansvar;verksamhet;aktivitet;objekt;debet;kredit;text), costs of the year "
                     "booked after it (proposed accruals), investments on the objekt, and with several "
                     "workbooks the transactions two agreements claim or none does. Exit code 0, 1 "
                     "with errors among the findings, 2 when a file cannot be read.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="the decision-support workbook(s) (.xlsx/.xlsm with the table Aktiviteter) and the ledger "
                        "export(s) of the year")
    p.add_argument("-o", "--output", type=Path,
                   help="output workbook with one WORKBOOK (default: WORKBOOK_bokslut.xlsx beside it; the CSV "
                        "beside the output, .csv for .xlsx)")
    p.add_argument("--period", type=int, choices=range(12, 14), metavar="N",
                   help="the ledger's last period of the year (default 13: the closing vouchers of period 13 count "
                        "in the year; 12 leaves them out); a ledger without periods is cut by date")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="the year to close of a report period of several years (default its last); a middle year "
                        "keeps what is not used for the period's next years (prepaid income) and proposes no "
                        "accruals; close the years in order")
    p.add_argument("--columns", metavar="MAP", help="as for utfall")
    p.add_argument("--accounts", metavar="RANGES", help="cost accounts, as for utfall (default 4-7)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.set_defaults(func=cmd_bokslut)


def _agreements_command(p: argparse.ArgumentParser) -> None:
    p.description = ("The agreements the tool knows (xl_statsbidrag/data/agreements.csv, extended "
                     "by $XL_STATSBIDRAG_DATA/agreements.csv).")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=cmd_agreements)


# Each command: its name, its line in the list of commands, and what adds its description and arguments.
COMMANDS = (
    ("report", "write a copy of the workbook with the Bilaga 2 sheet", _report_command),
    ("validate", "check the activity list against the available totals", _validate_command),
    ("allocate", "split a national total between the regions", _allocate_command),
    ("batch", "write the Bilaga 2 report for many workbooks", _batch_command),
    ("import", "bring a region's own decision-support workbook into the project's format", _import_command),
    ("rekvisition", "write a copy of the workbook with the sheet Rekvisition", _rekvisition_command),
    ("deadlines", "list the deadlines of several workbooks, soonest first", _deadlines_command),
    ("utfall", "fill in actual costs (utfall) per activity from ledger exports", _utfall_command),
    ("bokslut", "close the year: closing entries, the grant ledger, transactions to check", _bokslut_command),
    ("agreements", "list the catalogue of agreements", _agreements_command),
)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed as its bytes
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="surrogateescape")
    args = build_parser(lazy=True).parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"xl-statsbidrag: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into head and the like
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("xl-statsbidrag: interrupted", file=sys.stderr)
        return 130
    except MemoryError:  # said below, once the frames that hold the memory are released
        pass
    except OSError as exc:
        if exc.errno not in RESOURCE_ERRORS:
            raise
        print(f"xl-statsbidrag: error: '{args.command}' ran out of a system resource: {exc.strerror or exc}"
              f"{f' ({exc.filename})' if exc.filename else ''}; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    except ModuleNotFoundError as exc:  # an optional dependency the command needs is not installed
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(f"xl-statsbidrag: error: '{args.command}' needs the package {exc.name}, which comes with the extra "
              f"[{extra}]: pip install 'xl-statsbidrag[{extra}]' (or pip install '.[{extra}]' in a copy of the "
              "project)", file=sys.stderr)
        return EXIT_INPUT
    # Out of memory (a resource failure): said plainly; outputs are written whole or not at all.
    print(f"xl-statsbidrag: error: out of memory in '{args.command}': the input is too large for the memory this "
          "process may use; nothing was written. Close other programs, raise the limit, or split the input (for "
          "utfall: export only the agreement's objekt or one year per file)", file=sys.stderr)
    return EXIT_INPUT


# Failures of the machine, not the input: no memory, no file handles, no space, no processes.
RESOURCE_ERRORS = {errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.EFBIG}

# The extras of pyproject.toml that bring each optional package.
EXTRAS = {"lxml": "files", "xlsxwriter": "files", "icalendar": "files", "pandas": "ledger", "numpy": "ledger",
          "openpyxl": "ledger", "xlwings": "excel"}


if __name__ == "__main__":  # python -m xl_statsbidrag.cli, as python -m xl_statsbidrag
    raise SystemExit(main())
