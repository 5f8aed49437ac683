"""The `scorecard` command: parse options, call the library, map errors to exit codes."""

from __future__ import annotations

import dataclasses
import errno
import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.editions import check_pages, editions_folder
from generator.errors import DataError, Problem, ScorecardError, UsageError, for_terminal
from generator.export import export_rows, write_csv, write_json
from generator.folders import check_output_file, check_output_folder, replace_file
from generator.pipeline import make_report
from generator.results import Report

if TYPE_CHECKING:
    from generator.freeze import Freezer


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --content and --measures, and turn our errors into messages and exit codes."""

    @click.option(
        "--content",
        type=click.Path(path_type=Path),
        default=Path("content"),
        show_default=True,
        help="Folder with organization.yaml, units/, templates/, commentary/.",
    )
    @click.option(
        "--measures",
        type=click.Path(path_type=Path),
        default=Path("measures"),
        show_default=True,
        help="Folder with measures: CSV, Excel (.xlsx) and query (.sql) files.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            _print_problems(exc.problems)
            click.secho(f"{exc}.", fg="red", err=True)
            sys.exit(exc.exit_code)
        except ScorecardError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def _editions_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --editions: the folder of published editions that scorecard publish writes."""
    return click.option(
        "--editions",
        type=click.Path(path_type=Path),
        help="Folder of published editions, which scorecard publish writes; commit it with the project "
        "(default: editions/ beside the content folder).",
    )(command)


# A path that cannot be a file or folder is a wrong option; a full disk or a failing device is not
_BAD_PATH = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, FileExistsError)


def _writing_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a failure to write our output (full disk, closed pipe, impossible path) into a message."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return command(*args, **kwargs)
            finally:  # click ends with sys.exit: flush here, not at exit, where Python would print a traceback
                sys.stdout.flush()
        except OSError as exc:
            _silence_stdout()
            what = f"'{for_terminal(str(exc.filename))}'" if exc.filename else "the output"
            reason = exc.strerror or type(exc).__name__
            click.secho(f"error: cannot write {what}: {reason}", fg="red", err=True)
            sys.exit(2 if isinstance(exc, _BAD_PATH) or exc.errno == errno.ENAMETOOLONG else 1)

    return wrapper


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout may be closed or not a file
        pass


MAX_PRINTED = 200  # problems listed; a file with a million bad rows must not print a million lines


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems[:MAX_PRINTED]:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(str(problem), fg=colour, err=True)  # str() escapes control characters from the data
    if rest := problems[MAX_PRINTED:]:
        kinds = {p.severity for p in rest}
        noun = "errors and warnings" if len(kinds) > 1 else f"{kinds.pop()}s"
        click.secho(f"... and {len(rest):,} more {noun}", fg="red" if "error" in noun else "yellow", err=True)


class _Group(click.Group):
    """The command group: output that cannot be written, by any command or by help, is a message."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        return _writing_errors(super().main)(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scorecard-press")
def main() -> None:
    """Publish Balanced Scorecards from YAML definitions and CSV measures.

    \b
    Example:
      scorecard check
      scorecard export --period 2026-Q3 --format csv -o results.csv
    """


@main.command()
@_common
@_editions_option
@click.option("--strict", is_flag=True, help="Treat data-quality warnings as errors (exit 1).")
@click.option(
    "--period",
    help="Period checked for missing values, in the cadence's form: YYYY, YYYY-Qn or YYYY-MM (default: latest with data).",
)
def check(content: Path, measures: Path, editions: Path | None, strict: bool, period: str | None) -> None:
    """Validate content, measures and published editions; list every error, then warnings.

    Warnings include restatements: published values that today's measures or targets change.

    \b
    Example:
      scorecard check --content content --measures measures --strict
    """
    report, warnings = make_report(content, measures, period, editions=editions_folder(editions, content))
    if problems := check_pages(list(report.editions)):  # what rendering their archives would meet
        raise DataError(problems)
    if strict and warnings:
        raise DataError([dataclasses.replace(w, severity="error") for w in warnings])
    _print_problems(warnings)
    sc = report.scorecard
    kpis = sum(len(o.kpis) for u in sc.units.values() for o in u.objectives)
    summary = f"{len(sc.units)} units, {kpis} KPIs, {len(sc.measures)} measures; latest period {report.period}"
    if manual := sum(r.manual for r in report.current.kpis.values()):
        summary += f" ({manual} status{'es' if manual != 1 else ''} set by hand: see the data-quality page)"
    click.echo(f"OK: {summary}; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}.")
    if period is not None:
        _print_missing(report)


def _print_missing(report: Report, shown: int = 5) -> None:
    """List per owner the values still missing for the period, so the strategy office can chase them."""
    from generator.collection import plan_collection

    owners = [a for a in plan_collection(report, "owner", missing_only=True) if a.values]
    total = sum(len(a.values) for a in owners)
    if not owners:
        click.echo(f"Every value due for {report.period} is in the measures.")
        return
    click.echo(
        f"Missing for {report.period}: {total} value{'s' if total != 1 else ''} from {len(owners)} owner{'s' if len(owners) != 1 else ''} (scorecard collect --missing-only writes their workbooks):"
    )
    for owner in owners:
        names = [f"{v.unit}/{v.kpi} {v.period}" for v in owner.values[:shown]]
        more = f" and {len(owner.values) - shown} more" if len(owner.values) > shown else ""
        click.echo(for_terminal(f"  {owner.label}: {', '.join(names)}{more}"))


@main.command()
@_common
@click.option(
    "--period",
    help="Period to export: YYYY (annual), YYYY-Qn (quarterly) or YYYY-MM (monthly) (default: latest with data).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "xlsx"]),
    default="json",
    show_default=True,
    help="xlsx: a workbook with a sheet per level, for analysts (needs -o).",
)
@click.option("--audience", help="Audience id from organization.yaml: only what it may see (default: everything).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: standard output)."
)
@_editions_option
def export(
    content: Path,
    measures: Path,
    period: str | None,
    fmt: str,
    audience: str | None,
    output: Path | None,
    editions: Path | None,
) -> None:
    """Export computed results: one row per unit, perspective, objective and KPI.

    A KPI row of a published period whose value differs today carries the published value in
    `restated_from` (the value only: changed targets are listed by check and the Restatements page).

    \b
    Example:
      scorecard export --period 2026-Q3 --format csv -o results-2026-Q3.csv
      scorecard export --audience staff --format csv -o results-staff.csv
    """
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx writes a workbook: name it with -o FILE.xlsx")
    if output is not None:
        check_output_file(output, f".{fmt}", content, measures)
    report, _ = make_report(content, measures, period, audience, editions_folder(editions, content))
    rows = export_rows(report)
    if fmt == "xlsx" and output is not None:
        from generator.xlsx.export import write_xlsx

        write_xlsx(report, rows, output)
        click.echo(f"Wrote {len(rows)} rows for {report.period} to {output}.", err=True)
        return
    write = write_csv if fmt == "csv" else write_json
    if output is None:
        write(rows, sys.stdout)
        return

    def write_file(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as stream:
            write(rows, stream)

    replace_file(output, write_file)  # never half a file, nor a write through a link to an input
    click.echo(f"Wrote {len(rows)} rows for {report.period} to {output}.", err=True)


@main.command()
@_common
@click.option(
    "--period",
    help="Period to collect: YYYY, YYYY-Qn or YYYY-MM, as the cadence (default: the one after the latest with data).",
)
@click.option(
    "--by",
    type=click.Choice(["owner", "unit"]),
    default="owner",
    show_default=True,
    help="One workbook per KPI owner (KPIs without one go to their unit's owner) or per unit.",
)
@click.option("--missing-only", is_flag=True, help="Only the values not in the measures yet (to chase owners).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("collect"),
    show_default=True,
    help="Folder for the workbooks; other files in it are left alone.",
)
def collect(content: Path, measures: Path, period: str | None, by: str, missing_only: bool, out: Path) -> None:
    """Write an Excel workbook per owner listing the values to report for a period.

    Owners fill the yellow cells and send the file back; put it into the measures folder as it is,
    then run check and build. A workbook in --out is replaced only if an earlier collect wrote it.

    \b
    Example:
      scorecard collect --period 2026-Q4 --out collect/2026-Q4
      scorecard collect --period 2026-Q4 --missing-only --out collect/2026-Q4-reminders
    """
    from generator.collection import plan_collection
    from generator.folders import check_collect_out
    from generator.pipeline import make_collection_report
    from generator.xlsx.collect import write_owner_workbooks

    check_collect_out(out, content, measures)
    report = make_collection_report(content, measures, period)
    assignments = [a for a in plan_collection(report, "unit" if by == "unit" else "owner", missing_only) if a.values]
    if not assignments:
        click.echo(f"Nothing to collect for {report.period}: every value is in the measures.")
        return
    sc = report.scorecard
    label = report.period.label(sc.organization.fiscal_year_start)
    written = write_owner_workbooks(
        assignments, report.period, label, sc.organization.name, out, missing_only=missing_only, measures=measures
    )
    for w in written:
        how = " (replaced the one an earlier collect wrote)" if w.replaced else ""
        count = len(w.assignment.values)
        click.echo(
            for_terminal(f"Wrote {w.path}: {count} value{'s' if count != 1 else ''} for {w.assignment.label}{how}")
        )
    total = sum(len(w.assignment.values) for w in written)
    click.echo(
        f"{len(written)} workbook{'s' if len(written) != 1 else ''}, {total} value{'s' if total != 1 else ''} "
        f"to report for {report.period}."
    )


@main.command()
@_common
@click.option(
    "--period", help="Period of the packs: YYYY, YYYY-Qn or YYYY-MM, as the cadence (default: latest with data)."
)
@click.option("--unit", "units", multiple=True, help="Unit id; repeat for several (default: every unit).")
@click.option(
    "--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Levels of children's summaries."
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("build/pdf"), show_default=True)
@click.option("--audience", help="Audience id from organization.yaml: only what it may see (default: everything).")
@_editions_option
def pdf(
    content: Path,
    measures: Path,
    period: str | None,
    units: tuple[str, ...],
    depth: int,
    out: Path,
    audience: str | None,
    editions: Path | None,
) -> None:
    """Write PDF packs (board packs; annual or monthly reports), one A4 file per unit: <out>/<period>-<unit>.pdf.

    \b
    Example:
      scorecard pdf --period 2026-Q3 --unit it --depth 2 --out build/pdf
      scorecard pdf --audience staff --out build/pdf-staff
    """
    import time

    from generator.pdf import render_packs

    check_output_folder(out, f"--out '{out}'", content, measures)
    report, _ = make_report(content, measures, period, audience, editions_folder(editions, content))
    start = time.perf_counter()
    results = render_packs(report, out, list(units) or None, depth)
    for result in results:
        click.echo(f"Wrote {result.path}: {result.pages} pages in {result.seconds:.1f} s")
    click.echo(
        f"{len(results)} pack{'s' if len(results) != 1 else ''} for {report.period} in {time.perf_counter() - start:.1f} s."
    )


@main.command()
def schema() -> None:
    """Print the format reference of content/ and measures/ as Markdown.

    \b
    Example:
      scorecard schema > FORMAT.md
    """
    from generator.reference import format_reference

    click.echo(format_reference(), nl=False)


def _site_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options `build`, `publish` and `serve` share."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option(
            "--period", help="Period to publish: YYYY, YYYY-Qn or YYYY-MM, as the cadence (default: latest with data)."
        ),
        click.option(
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            default=Path("site"),
            show_default=True,
            help="Folder of the built site: replaced whole when the build succeeds, and only if it is new, "
            "empty or a site an earlier build wrote.",
        ),
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path("mkdocs.yml"),
            show_default=True,
            help="Your MkDocs settings; the build adds the generated pages and nav.",
        ),
        click.option(
            "--audience",
            help="Build only this audience's edition into --out (default: with audiences declared in "
            "organization.yaml, every edition side by side in <out>/<audience>/ with a landing page).",
        ),
        click.option(
            "--pdf/--no-pdf",
            default=True,
            show_default=True,
            help="Also write a PDF board pack per unit into <out>/packs/.",
        ),
        _editions_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _build(
    content: Path,
    measures: Path,
    period: str | None,
    out: Path,
    config: Path,
    pdf: bool,
    audience: str | None,
    site_url: str | None = None,
    *,
    editions: Path | None = None,
    freezer: Freezer | None = None,
) -> None:
    from rich.console import Console

    from generator.build import build_site

    console = Console(stderr=True)
    with console.status("Building the site") as status:

        def progress(step: str) -> None:
            status.update(f"{step}...")
            if not console.is_terminal:  # no spinner in a log: one line per step, e.g. "Waiting for..."
                click.echo(f"{step}...", err=True)

        result = build_site(
            content,
            measures,
            out,
            period=period,
            config=config,
            pdf=pdf,
            site_url=site_url,
            audience=audience,
            progress=progress,
            editions=editions_folder(editions, content),
            freezer=freezer,
        )
    _print_problems(result.warnings)
    for note in result.notes:
        click.secho(note, fg="yellow", err=True)
    packs = f", {result.packs} PDF packs" if result.packs else ""
    shares = [e for e in result.editions if e]
    within = f" in {len(shares)} editions ({', '.join(f'{result.out}/{e}/' for e in shares)})" if shares else ""
    archived = ""
    if result.archives:
        cached = result.archives - result.archives_rendered
        archived = (
            f", {result.archives} archived edition{'s' if result.archives != 1 else ''} ({cached} from the cache)"
        )
    click.echo(
        f"Built {result.out}/ for {result.period}: {result.pages} pages{packs}{within}{archived} "
        f"in {result.seconds:.1f} s."
    )
    if freezer is not None and freezer.written is not None:
        kept = f" (the earlier edition is kept as {freezer.written.revision})" if freezer.written.revision else ""
        where = (
            f" (an earlier period: the site shows the latest, {result.period}, and {freezer.period} "
            f"under archive/{freezer.period}/)"
            if str(freezer.period) != str(result.period)
            else ""
        )
        click.echo(
            for_terminal(
                f"Published {freezer.period}{where}: wrote {freezer.written.path}{kept}; commit it with the project."
            )
        )


@main.command()
@_common
@_site_options
def build(
    content: Path,
    measures: Path,
    period: str | None,
    out: Path,
    config: Path,
    audience: str | None,
    pdf: bool,
    editions: Path | None,
) -> None:
    """Build the static website (and PDF packs) for a period; publish by copying the folder.

    The new site is built beside --out and switched in at once: --out always holds a whole site,
    the old one until the build succeeds. --out is never a folder of the project (content,
    measures, pages, the current folder) and never one holding files the build did not write.
    If another build is writing the same --out or work folder (build/), this one waits for it.

    With audiences declared in organization.yaml, every audience's edition is built side by side
    (<out>/<audience>/, with a landing page <out>/index.html); --audience builds one into --out.

    \b
    Example:
      scorecard build --period 2026-Q3 --out site --no-pdf
      scorecard build --audience staff --out /srv/intranet/scorecard
    """
    _build(content, measures, period, out, config, pdf, audience, editions=editions)


@main.command()
@_common
@_site_options
@click.option("--force", is_flag=True, help="Publish a period again; the earlier edition is kept as <period>.rN.json.")
def publish(
    content: Path,
    measures: Path,
    period: str | None,
    out: Path,
    config: Path,
    audience: str | None,
    pdf: bool,
    editions: Path | None,
    force: bool,
) -> None:
    """Build the site and packs as `build` does, and freeze the period as editions/<period>.json.

    The edition holds the numbers as published (the rows `scorecard export --format json` gives,
    for every audience's edition), when it was published (UTC), the product version and a
    fingerprint of content and measures. Commit it with the project: later builds show where
    today's numbers restate it. A period published before needs --force; the earlier edition is
    kept as <period>.r1.json, .r2, ... The edition is written only if the build succeeds.

    \b
    Example:
      scorecard publish --no-pdf
      scorecard publish --period 2026-Q3 --force
    """
    from generator.freeze import Freezer

    freezer = Freezer(editions_folder(editions, content), content, measures, force)
    freezer.check(period)
    _build(content, measures, period, out, config, pdf, audience, editions=editions, freezer=freezer)


@main.command()
@_common
@_site_options
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to serve on (localhost); 0 picks a free one.",
)
def serve(
    content: Path,
    measures: Path,
    period: str | None,
    out: Path,
    config: Path,
    audience: str | None,
    pdf: bool,
    editions: Path | None,
    port: int,
) -> None:
    """Preview the site on http://localhost:PORT/ and rebuild when content, measures or templates change.

    A rebuild that fails, whatever the reason, prints why and keeps serving the last good site.

    \b
    Example:
      scorecard serve --no-pdf --port 8000
    """
    from generator.preview import Preview, latest_change
    from generator.render import TEMPLATES
    from generator.site_config import read_site_config

    preview = Preview(out, port)
    try:
        watched = [content, measures, config, read_site_config(config).docs_dir, TEMPLATES]
        watched.append(editions_folder(editions, content))
        seen = latest_change(watched)  # taken before the build, so an edit made during it is not missed
        _build(content, measures, period, out, config, pdf, audience, preview.url, editions=editions)
        preview.start()
        click.echo(f"Serving {out}/ on {preview.url} (Ctrl+C to stop).")
        rebuild = functools.partial(
            _build, content, measures, period, out, config, pdf, audience, preview.url, editions=editions
        )
        _rebuild_on_change(watched, seen, rebuild)
    except KeyboardInterrupt:  # Ctrl+C is how a preview ends: no traceback, exit 0
        click.echo("Stopped.")
    finally:
        preview.close()


def _rebuild_on_change(watched: list[Path], seen: float, rebuild: Callable[[], None]) -> None:
    """Poll the watched files every second and rebuild after any change, until interrupted."""
    import time

    from generator.preview import latest_change

    while True:
        time.sleep(1)
        if latest_change(watched) > seen:
            seen = latest_change(watched)
            rebuild_or_say_why(rebuild)


def rebuild_or_say_why(rebuild: Callable[[], None]) -> None:
    """Rebuild; on any failure say why and keep serving the last good site.

    A preview outlives a bug in one rebuild: the user is mid-edit, the next save may not hit it,
    and the traceback is printed so the bug can be reported. Ctrl+C still stops the preview.
    """
    try:
        rebuild()
    except ScorecardError as exc:
        _print_problems(exc.problems if isinstance(exc, DataError) else [])
        click.secho(f"error: {exc}; still serving the last good site.", fg="red", err=True)
    except Exception as exc:  # noqa: BLE001 - a preview server survives our bugs; the traceback is shown
        click.echo(traceback.format_exc(), err=True)
        click.secho(
            f"error: the rebuild failed on a bug ({type(exc).__name__}): please report it with the traceback "
            "above; still serving the last good site.",
            fg="red",
            err=True,
        )
