"""`indicator-pipeline`: refresh the warehouse through the Dagster asset graph, print the goal table, or write the scorecard.

Exit code 0 on success; on failure 1 and one line on stderr saying what failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import duckdb

from indicator_pipeline.catalog.load import named_plan
from indicator_pipeline.errors import PipelineError
from indicator_pipeline.settings import Settings
from indicator_pipeline.warehouse.sql import sql_text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="indicator-pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    refresh = sub.add_parser("refresh", help="run the whole asset graph and publish the warehouse")
    mode = refresh.add_mutually_exclusive_group()
    mode.add_argument("--offline", action="store_true", help="replay recorded responses (the plan's bundled snapshot unless --snapshot-dir)")
    mode.add_argument("--record", action="store_true", help="fetch live and record every response into --snapshot-dir")
    refresh.add_argument("--snapshot-dir", type=Path, help="snapshot directory to replay (with --offline) or record into")
    refresh.add_argument("--warehouse", type=Path, help="serving DuckDB file (default: $INDICATOR_WAREHOUSE or warehouse/indicators.duckdb)")
    refresh.add_argument(
        "--plan", action="append",
        help="a plan file, the name of a bundled plan (lund_ks_2025), a folder of plan files or a comma-separated list; "
        "repeat it to judge several plans in one run (default: $INDICATOR_PLAN or the bundled default plan)",
    )
    refresh.add_argument(
        "--remove-plan", action="append", metavar="PLAN_ID",
        help="remove this plan (its catalogue, peer set, statuses and history) from the warehouse; repeatable",
    )
    refresh.add_argument("--as-of", type=date.fromisoformat, help="assess as of this date, YYYY-MM-DD (default: today)")
    refresh.add_argument(
        "--peers",
        help="municipalities to compare with, overriding the plan's [peers]: codes (0580,1280), a Kolada group id (G37394), all or none",
    )
    refresh.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS",
        help="if another refresh holds the warehouse lock, wait up to SECONDS for it (default: refuse at once)",
    )
    refresh.add_argument(
        "--landing-dir",
        type=Path,
        help="folder of file drops (default: $INDICATOR_LANDING_DIR, else landing/ beside the warehouse; with --offline "
        "the snapshot's filedrop/, read-only). A folder given here is always writable: rejected files go to quarantine",
    )
    refresh.add_argument(
        "--force", action="store_true",
        help="parse, validate, load and publish every source even if nothing changed (e.g. after upgrading the pipeline)",
    )
    refresh.add_argument(
        "--verbose", action="store_true", help="show Dagster's event log on stderr (default: only the one-line outcome)"
    )
    refresh.add_argument(
        "--quarantine-dir", type=Path, help="where rejected drops go (default: $INDICATOR_QUARANTINE_DIR, else quarantine/ beside the landing folder)"
    )

    status = sub.add_parser("status", help="print the goal table from the published warehouse")
    status.add_argument("--warehouse", type=Path, help="serving DuckDB file (default: $INDICATOR_WAREHOUSE or warehouse/indicators.duckdb)")
    status.add_argument("--format", choices=("table", "csv", "json"), default="table")
    status.add_argument(
        "--as-of", type=date.fromisoformat,
        help="judge as of this date, YYYY-MM-DD, from what the warehouse knew at its end (default: the latest published statuses)",
    )
    status.add_argument("--plan", type=Path, help="plan file or bundled plan name to judge with --as-of (default: $INDICATOR_PLAN or the bundled default plan)")

    report = sub.add_parser("report", help="write the scorecard: a self-contained HTML page per plan and an index of the plans")
    report.add_argument("--out", type=Path, help="output folder (default: report/ beside the warehouse); writes <plan id>.html and index.html")
    report.add_argument("--lang", choices=("sv", "en"), default="sv", help="labels in Swedish (default) or English")
    report.add_argument(
        "--as-of", type=date.fromisoformat,
        help="the report as of this date, YYYY-MM-DD, judged from what the warehouse knew at its end (default: the published statuses)",
    )
    report.add_argument("--warehouse", type=Path, help="serving DuckDB file (default: $INDICATOR_WAREHOUSE or warehouse/indicators.duckdb)")
    report.add_argument(
        "--plan", type=Path,
        help="only this plan: a plan id in the warehouse, a plan file or a bundled plan name (default: every plan in the "
        "warehouse; with --as-of, $INDICATOR_PLAN or the bundled default plan)",
    )

    docs = sub.add_parser("data-docs", help="build GX Data Docs (HTML) for the latest recorded validation")
    docs.add_argument("--warehouse", type=Path, help="warehouse file to read (default: the latest validation in the serving file or its .work/ run files)")
    docs.add_argument("--out", type=Path, help="output folder (default: data_docs/ beside the warehouse)")
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    overrides = {"warehouse_path": args.warehouse, "as_of": getattr(args, "as_of", None)}  # data-docs has no --as-of
    if args.command == "refresh":
        overrides.update(plan_path=",".join(args.plan or []) or None, remove_plans=",".join(args.remove_plan or []) or None)
        if args.offline:
            overrides["source_mode"] = "replay"
        elif args.record:
            overrides["source_mode"] = "record"
        elif args.snapshot_dir:
            raise PipelineError("--snapshot-dir needs --offline (replay it) or --record (record into it)")
        overrides.update(snapshot_dir=args.snapshot_dir, landing_dir=args.landing_dir, peers=args.peers,
                         quarantine_dir=args.quarantine_dir, force_refresh=args.force or None)
    return Settings.from_env(**overrides)


def print_status(settings: Settings, fmt: str, as_of: date | None = None, plan: Path | None = None) -> None:
    """The published goal table of every plan in the warehouse, or of `plan` (a plan id, file or bundled
    name), read as plain rows (polars only for csv: printing the table imports little more than DuckDB);
    with `as_of`, the plan's table judged from what was known at the end of that day."""
    path = settings.warehouse_path
    if not path.exists():
        raise PipelineError(f"no published warehouse at {path}; run `indicator-pipeline refresh` first")
    plan_id, named = named_plan(plan) if plan else (None, None)
    if as_of is not None:
        from indicator_pipeline.steps.assessment import status_as_of

        if plan and named is None:
            raise PipelineError(f"--as-of judges by a plan file: {plan} is no plan file or bundled plan name")

        frame = status_as_of(path, named or settings.plan, as_of)
        columns, rows, csv_text = frame.columns, frame.rows(), frame.write_csv
    else:
        with duckdb.connect(str(path), read_only=True) as con:
            published = con.sql(sql_text("queries/goal_status_report.sql"), params={"plan_id": plan_id})
            columns, rows = published.columns, published.fetchall()
            csv_text = published.pl().write_csv if fmt == "csv" else None
    if fmt == "csv":
        sys.stdout.write(csv_text())
    elif fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row)) for row in rows], default=str, ensure_ascii=False, indent=2) + "\n")
    else:
        shown = [i for i, column in enumerate(columns) if column != "note"]
        sys.stdout.write(format_table([[row[i] for i in shown] for row in rows], [columns[i] for i in shown]) + "\n")
        # Each source's last retrieval and whether it is overdue by its publication rhythm: of the plans the
        # warehouse holds, by the rhythms their refresh recorded (a plan file named: by its own).
        from indicator_pipeline.freshness import PlanSources, format_sources, source_freshness, stored_sources

        day = as_of or date.today()
        with duckdb.connect(str(path), read_only=True) as con:
            if named:
                judged = {named.id: PlanSources.of(named)}
            else:
                stored = stored_sources(con)
                held = [plan_id] if plan_id else [held for (held,) in con.execute(sql_text("load/plan_ids.sql")).fetchall()]
                judged = {held_id: stored.get(held_id, PlanSources(())) for held_id in held}
            for judged_id, sources in judged.items():
                heading = f"{judged_id}: " if len(judged) > 1 else ""
                sys.stdout.write("\n" + heading + format_sources(source_freshness(con, sources, day), day) + "\n")


def write_report(settings: Settings, out: Path | None, lang: str, as_of: date | None, plan: Path | None) -> str:
    """The scorecard pages from the published warehouse (read-only), every plan's or `plan`'s, and the index;
    with `as_of`, re-assessed in a private copy. Returns the files written, one a line."""
    from indicator_pipeline.report import build_report, default_report_dir  # imports jinja2 and polars: only when asked

    path = settings.warehouse_path
    plan_id, named = named_plan(plan) if plan else (None, None)
    plans = [named] if named else [settings.plan] if as_of and not plan else None
    written = build_report(path, out or default_report_dir(path), lang, as_of, plans, [plan_id] if plan_id else None)
    return "\n".join(str(page) for page in [*written.pages.values(), written.index])


def format_table(rows: list[tuple], columns: list[str]) -> str:
    def cell(value) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.2f}".replace(",", " ")
        return str(value)

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_for(args)
        if args.command == "refresh":
            from indicator_pipeline.run import refresh  # imports Dagster: only when refreshing

            print(refresh(settings, wait=args.wait, log_level="DEBUG" if args.verbose else "CRITICAL"))
        elif args.command == "report":
            print(write_report(settings, args.out, args.lang, args.as_of, args.plan))
        elif args.command == "data-docs":
            from indicator_pipeline.data_docs import build_data_docs  # imports GX: only when asked

            out = args.out or settings.warehouse_path.parent / "data_docs"
            print(build_data_docs(out, warehouse=args.warehouse, serving_path=settings.warehouse_path))
        else:
            print_status(settings, args.format, as_of=args.as_of, plan=args.plan)
    except BrokenPipeError:  # the reader stopped reading (`status | head`): nothing more to say, nowhere to say it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return 1
    except (PipelineError, ValueError, OSError, duckdb.Error) as exc:
        print(f"indicator-pipeline {args.command} failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
