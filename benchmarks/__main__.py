"""`python -m benchmarks`: parse the command line, run the suite, print the table, write JSON.

Exit status: 0 when every selected workload ran (missed targets are reported, not fatal),
1 when a workload failed, 2 for bad arguments, 64 for a bad `WAYMARK_*` configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from pathlib import Path

from rich.console import Console

from benchmarks.database import DatabaseBusy
from benchmarks.report import markdown, show
from benchmarks.spec import DEFAULT, QUICK
from benchmarks.suite import NAMES, Options, run_suite
from waymark_runtime.config import ConfigError

EXIT_USAGE = 64
_REPORT_WIDTH = 150  # when piped (CI logs, README), rich would otherwise wrap at 80 columns


def parse(argv: list[str]) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run Waymark's benchmark suite (see benchmarks/README.md).",
        epilog="exit status: 0 every workload ran (targets met or not), 1 a workload failed, "
        "2 bad arguments, 64 bad WAYMARK_* configuration",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each (smoke)")
    parser.add_argument("--only", help=f"comma-separated workloads among {','.join(NAMES)}")
    parser.add_argument("--json", type=Path, help="write the full report (every sample) here")
    parser.add_argument("--markdown", type=Path, help="write the table as Markdown here")
    parser.add_argument("--repeats", type=int, help="runs per workload (default 3; quick 1)")
    parser.add_argument("--profile", type=Path, help="write pyinstrument profiles to this dir")
    parser.add_argument("--synchronous-commit", choices=("on", "off"), default="on",
                        help="experiment: 'off' stops commits waiting for the WAL flush")  # fmt: skip
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else DEFAULT
    if args.repeats is not None:
        if args.repeats < 1:
            parser.error("--repeats must be at least 1")
        scale = dataclasses.replace(scale, repeats=args.repeats, w5_repeats=args.repeats)
    only = None
    if args.only:
        only = frozenset(name.strip() for name in args.only.split(",") if name.strip())
        unknown = sorted(only - set(NAMES))
        if unknown:
            parser.error(
                f"unknown workload(s) {', '.join(unknown)}; choose among {', '.join(NAMES)}"
            )
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    mode = "quick" if args.quick else "default"
    sync = args.synchronous_commit == "on"
    if not sync:
        mode += ", synchronous_commit=off"
    return Options(scale, mode, only, args.profile, sync), args


def main(argv: list[str] | None = None) -> int:
    options, args = parse(sys.argv[1:] if argv is None else argv)
    console = Console(stderr=True)
    try:
        report = asyncio.run(run_suite(options, console))
    except ConfigError as error:
        console.print(f"error: {error}", highlight=False, markup=False)
        return EXIT_USAGE
    except DatabaseBusy as error:
        console.print(f"error: {error}", highlight=False, markup=False)
        console.print("hint: is another benchmark run going on?", highlight=False)
        return 1
    show(report, Console(width=None if sys.stdout.isatty() else _REPORT_WIDTH))
    if args.json is not None:
        report.write_json(args.json)
        console.print(f"wrote {args.json}", highlight=False)
    if args.markdown is not None:
        args.markdown.write_text(markdown(report))
        console.print(f"wrote {args.markdown}", highlight=False)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
