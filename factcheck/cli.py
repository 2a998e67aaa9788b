"""The `factcheck` command: parses options, calls the library, prints. No logic lives here."""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text
from typer.core import TyperCommand

from .errors import FactcheckError

try:  # typer 0.29 carries its own copy of Click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on Click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]
from .text import escape_controls, strip_controls


class SafeConsole(Console):
    """A console that drops control characters from what it prints: text from the web (titles,
    URLs, file names) must not move the cursor, retitle the terminal or ring its bell. Into a
    pipe or a file, lines are never hard-wrapped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.soft_wrap = not self.is_terminal

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control:  # rich's own cursor moves (progress bars) stay
                yield segment
            else:
                yield Segment(strip_controls(segment.text), segment.style)


# typer names values by their Python types (<str>, <list[Path]>); help shows words instead.
_METAVARS = {"str": "TEXT", "path": "PATH", "int": "N", "int range": "N"}


def _plain_metavar(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith("list["):  # an argument's type beside its name says nothing new
        word = ""
    elif "|" in inner:
        word = f"[{inner}]"
    else:
        word = _METAVARS.get(inner, inner.upper())
    return word.ljust(len(match.group(0)))  # keeps the help's columns aligned


class PlainUsage(TyperCommand):
    """A command whose usage line reads `ARTICLE...`, not typer's `{ARTICLE}...`, and whose help
    names values as words (TEXT, PATH, [html|md]) rather than Python types."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [
            re.sub(r"\{([^{}]+)\}", r"\1", piece) for piece in super().collect_usage_pieces(ctx)
        ]

    def get_help(self, ctx: Any) -> str:
        text = re.sub(r"<([^<>\s][^<>]*)>", _plain_metavar, super().get_help(ctx))
        return "\n".join(line.rstrip() for line in text.splitlines())


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
app = typer.Typer(
    help="Check the figures in a news article against each other and against official bulletins.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = SafeConsole()
err_console = SafeConsole(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", metavar="FILE", help="SQLite database (default: $FACTCHECK_DB or ./factcheck.db)."
    ),
]
# reports.FORMATS, written out so that `--help` need not import the reports (a test keeps them equal)
ReportFormat = Literal["html", "md", "json", "claimreview"]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        console.print(f"factcheck {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Check the figures in a news article against each other and against official bulletins.

    Start with: factcheck run claims/taiyuan-2019.txt --published 2019-04-15
    """


@app.command(cls=PlainUsage)
def run(
    articles: Annotated[
        list[str],
        typer.Argument(
            metavar="ARTICLE",
            help="Article files (UTF-8, GBK/GB18030 or Big5 text), folders of .txt files, "
            "globs, or - for standard input.",
            show_default=False,
        ),
    ],
    published: Annotated[
        str | None,
        typer.Option(
            "--published", "-p", metavar="YYYY-MM-DD", help="Publication date; resolves 去年9月."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Where the article was published (reports, ClaimReview)."),
    ] = None,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log",
            "-l",
            metavar="FILE",
            help="One JSON Lines log for every article (default: one per article in "
            "factcheck-logs/).",
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the log records to standard output.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", "--all", help="List every figure with its verdict.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the table of articles and the counts.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Find every figure in articles, check them against each other and the bulletins.

    Flagged findings and contradicted figures come first, then warnings, then a line of counts.
    Exit status: 0 when nothing is flagged, 1 when an article is, 2 for bad input.

    \b
    Examples:
      factcheck run claims/taiyuan-2019.txt --published 2019-04-15
      factcheck run today/ --log today.jsonl -q
      cat article.txt | factcheck run - --url https://example.org/a.html
      factcheck run article.txt --json > log.jsonl
    """
    from .display import print_results, run_progress
    from .run import exit_status, read_articles, reviewed, run_articles
    from .storage import default_db_path
    from .verification_log import dumps

    chosen = read_articles(articles)
    database = db or default_db_path()
    with run_progress(err_console, len(chosen)) as progress:
        results = run_articles(
            chosen, published=published, url=url, db=database, log_path=log, progress=progress
        )
    views = reviewed(results, database)
    if json_out:
        for result in results:
            for record in result.records:
                _write(dumps(record) + "\n")
    else:
        print_results(console, views, verbose=verbose, quiet=quiet)
    raise typer.Exit(exit_status(views))


@app.command(cls=PlainUsage)
def trace(
    claim: Annotated[
        str, typer.Argument(metavar="CLAIM", help="A claim id (c6) or its figure (128个 / 128個).")
    ],
    run_id: Annotated[
        str | None, typer.Option("--run", metavar="RUN", help="A run id (default: the latest).")
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Show one claim's timeline: the origin, later repetitions and drift.

    \b
    Examples:
      factcheck trace 128個
      factcheck trace c6 --run 20261128T144536-36e5e5
    """
    from .display import print_trace
    from .storage import Database
    from .tracing import find_trace

    found = find_trace(Database.existing(db), claim, run_id)
    if json_out:
        _write_json(found.record())
    else:
        print_trace(console, found)


@app.command(cls=PlainUsage)
def review(
    run_id: Annotated[
        str | None,
        typer.Argument(metavar="RUN", help="A run id or prefix (default: the latest)."),
    ] = None,
    list_items: Annotated[
        bool, typer.Option("--list", help="List the items instead of walking them.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="With --list: JSON lines.")] = False,
    item: Annotated[
        str | None, typer.Option(help="Decide one item by id (f3, c6) without prompts.")
    ] = None,
    decision: Annotated[
        Literal["confirm", "dismiss", "correct"] | None,
        typer.Option(help="What to record for --item."),
    ] = None,
    note: Annotated[str, typer.Option(help="Why (required to dismiss or correct).")] = "",
    value: Annotated[str | None, typer.Option(help="The corrected value (with correct).")] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Who decides (default: $FACTCHECK_REVIEWER or login).")
    ] = None,
    all_items: Annotated[bool, typer.Option("--all", help="Walk decided items too.")] = False,
    db: DbOption = None,
) -> None:
    """Walk through what a run flagged: confirm, dismiss (with a note) or correct each item.

    Decisions are appended with who and when, never overwritten, and carry over to later runs
    of the same article for items that did not change.

    \b
    Examples:
      factcheck review
      factcheck review --list --json
      factcheck review 20261128T1445 --item f3 --decision dismiss --note "partial list" --reviewer ana
    """
    from .display import print_table, review_table
    from .interactive import walk
    from .review import decide, default_reviewer, find_item, review_items
    from .runs import load_run
    from .storage import Database
    from .verification_log import dumps

    database = Database.existing(db)
    run = load_run(database, run_id)
    items = review_items(database, run)
    if item or decision:
        if not (item and decision):
            raise typer.BadParameter("--item and --decision go together")
        chosen = find_item(items, item)
        decide(database, run, chosen, decision, note=note, value=value, reviewer=reviewer)
        console.print(f"{escape(chosen.id)}: {escape(decision)} recorded", highlight=False)
    elif list_items:
        if json_out:
            for entry in items:
                _write(dumps(entry.record()) + "\n")
        else:
            print_table(console, review_table(items))
    elif not items:
        console.print("Nothing to review in this run.")
    else:
        made = walk(console, database, run, items, reviewer or default_reviewer(), _ask, all_items)
        console.print(f"{made} decision(s) recorded.")


@app.command(cls=PlainUsage)
def report(
    run_id: Annotated[
        str | None,
        typer.Argument(metavar="RUN", help="A run id or prefix (default: the latest)."),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="The report's format.")
    ] = "html",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here (default: html to factcheck-reports/, others to stdout).",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="https address the review is published at (ClaimReview url)."
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The organisation publishing the review (ClaimReview)."),
    ] = None,
    author_url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="The organisation's web address (ClaimReview)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a run's report, with every reviewed decision: an annotated article and more.

    \b
    Examples:
      factcheck report --format html
      factcheck report 20261128T1445 --format md > note.md
      factcheck report --format claimreview --base-url https://desk.example/checks/taiyuan.html --author "Shanxi Desk"
    """
    from .files import check_output, write_atomic
    from .reports import SUFFIXES, build_report, render
    from .run import protected_files
    from .storage import Database

    database = Database.existing(db)
    built = build_report(database, run_id)
    text = render(built, fmt, base_url=base_url, author=author, author_url=author_url)
    if output is None and fmt != "html":
        _write(text if text.endswith("\n") else text + "\n")
        return
    target = (
        output
        or Path("factcheck-reports")
        / f"{Path(built.run.article).stem}-{built.run.run_id}{SUFFIXES[fmt]}"
    )
    check_output(target, "--output", protected_files(built.run.article, database))
    write_atomic(target, text)
    console.print(f"Report: {escape(str(target))}", highlight=False)


def _ask(prompt: str) -> str:
    return console.input(Text(prompt))


def _write_json(data: Any) -> None:
    from .verification_log import dumps

    _write(dumps(data) + "\n")


def _write(text: str) -> None:
    # Standard output may be a terminal: controls JSON leaves raw (DEL, C1, bidi) are escaped.
    sys.stdout.write(escape_controls(text))


def main() -> None:
    """Entry point: a FactcheckError (or a broken database or file) becomes one line on stderr
    and exit status 2."""
    try:
        code = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(2)
    except click_errors.UsageError as exc:
        # Click's own errors (a missing argument, a bad choice) in the same one line as ours.
        where = exc.ctx.command_path if exc.ctx else "factcheck"
        _fail(f"{exc.format_message()} (see `{where} --help`)")
    except click_errors.ClickException as exc:
        _fail(exc.format_message())
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("factcheck: interrupted", highlight=False)
        sys.exit(130)
    except FactcheckError as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        from .storage import database_error, default_db_path

        _fail(str(database_error(_db_argument() or default_db_path(), exc)))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or type(exc).__name__}")
    except KeyboardInterrupt:
        err_console.print("factcheck: interrupted", highlight=False)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> None:
    line = escape_controls(" ".join(message.split()))
    err_console.print(f"factcheck: error: {escape(line)}", highlight=False, soft_wrap=True)
    sys.exit(2)


def _db_argument() -> Path | None:
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--db="):
            return Path(arg.removeprefix("--db="))
    return None


sources_app = typer.Typer(
    help="The reference sources in sources.yaml.", no_args_is_help=True, context_settings=CONTEXT
)
db_app = typer.Typer(help="The SQLite database.", no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(sources_app, name="sources")
app.add_typer(db_app, name="db")

SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources", help="The sources file (default: $FACTCHECK_SOURCES or ./sources.yaml)."
    ),
]


def _library(db: Path | None, create: bool = False):
    from .documents import DocumentLibrary
    from .storage import Database

    return DocumentLibrary(Database(db, create=create))


@sources_app.command(cls=PlainUsage, name="list")
def sources_list(
    sources: SourcesOption = None, json_out: JsonOption = False, db: DbOption = None
) -> None:
    """List the sources: name, tier, URL, documents stored, last fetched, last error.

    \b
    Example:
      factcheck sources list --sources sources.yaml
    """
    from .display import print_table, sources_table
    from .documents import stored_stats
    from .sources import find_sources_file, load_sources, sources_records

    registered = load_sources(find_sources_file(sources))
    stats = stored_stats(db)
    if json_out:
        _write_json(sources_records(registered, stats))
    else:
        print_table(console, sources_table(registered, stats))


@sources_app.command(cls=PlainUsage, name="add")
def sources_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="A short name: letters, digits, . _ -")
    ],
    url: Annotated[
        str, typer.Argument(metavar="URL", help="The list page to start from (http or https).")
    ],
    tier: Annotated[
        Literal["official", "media"], typer.Option(help="What kind of source.")
    ] = "official",
    publisher: Annotated[str | None, typer.Option(help="Who publishes it.")] = None,
    links: Annotated[str | None, typer.Option(help="Regex on article URLs.")] = None,
    next_css: Annotated[
        str | None, typer.Option(help="CSS selector of the next-page link.")
    ] = None,
    title_css: Annotated[str | None, typer.Option(help="CSS selector of the title.")] = None,
    date_css: Annotated[str | None, typer.Option(help="CSS selector of the date.")] = None,
    body_css: Annotated[str | None, typer.Option(help="CSS selector of the body.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Override the page encoding.")] = None,
    place: Annotated[
        str | None, typer.Option(help="The site's jurisdiction (太原市): what its 全市 means.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Fetch the first list page first.")
    ] = False,
    sources: SourcesOption = None,
) -> None:
    """Add a source to sources.yaml (created when missing); comments and order are kept.

    \b
    Examples:
      factcheck sources add taiyuan-gov http://www.taiyuan.gov.cn/zwgk/index.html
      factcheck sources add shanxi-daily http://www.sxrb.com/ --tier media --check
    """
    from .sources import add_source, build_source, find_sources_file

    source = build_source(
        name,
        url,
        place=place,
        tier=tier,
        publisher=publisher,
        links=links,
        next_css=next_css,
        title_css=title_css,
        date_css=date_css,
        body_css=body_css,
        encoding=encoding,
    )
    if check:
        _preview(source)
    path = find_sources_file(sources)
    add_source(path, source)
    console.print(f"Added {escape(name)} to {escape(str(path))}", highlight=False)


@sources_app.command(cls=PlainUsage, name="remove")
def sources_remove(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The source to remove.")],
    sources: SourcesOption = None,
) -> None:
    """Remove a source from sources.yaml (its stored documents stay in the database).

    \b
    Example:
      factcheck sources remove taiyuan-gov
    """
    from .sources import find_sources_file, remove_source

    path = find_sources_file(sources)
    remove_source(path, name)
    console.print(f"Removed {escape(name)} from {escape(str(path))}", highlight=False)


@sources_app.command(cls=PlainUsage, name="check")
def sources_check(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The source to try.")],
    sources: SourcesOption = None,
) -> None:
    """Fetch one list page and one article of a source and show what would be extracted.

    \b
    Example:
      factcheck sources check taiyuan-gov
    """
    from .sources import find_sources_file, load_sources, select_sources

    (source,) = select_sources(load_sources(find_sources_file(sources)), [name])
    _preview(source)


def _preview(source) -> None:
    from .claims import extract_claims
    from .display import print_preview
    from .fetching import preview_source

    preview = preview_source(source)
    article = preview.article
    figures = extract_claims(article.text, article.published) if article else []
    print_preview(console, preview, figures)
    if preview.error:
        raise typer.Exit(1)


@app.command(cls=PlainUsage)
def fetch(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="SOURCE", help="Sources to fetch (default: all).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Download every page again.")] = False,
    sources: SourcesOption = None,
    db: DbOption = None,
) -> None:
    """Scrape the sources' list pages and articles into the database, politely.

    robots.txt is obeyed, requests to a host are spaced out, unchanged pages cost a 304.
    A failing page is recorded and the fetch goes on; the exit status is then 1.

    \b
    Examples:
      factcheck fetch
      factcheck fetch taiyuan-gov taiyuan-police --db desk.db
    """
    from .display import fetch_progress, print_fetch_report
    from .sources import find_sources_file, load_sources, select_sources

    chosen = select_sources(load_sources(find_sources_file(sources)), names)
    library = _library(db, create=True)
    failed = False
    for source in chosen:
        with fetch_progress(err_console, source.name) as progress:
            report = library.fetch(source, progress=progress, force=force)
        print_fetch_report(console, report)
        failed |= bool(report.errors)
    raise typer.Exit(1 if failed else 0)


@app.command(cls=PlainUsage)
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Saved .html/.htm/.txt files or folders.")
    ],
    source: Annotated[str, typer.Option("--source", help="The source they belong to.")],
    sources: SourcesOption = None,
    db: DbOption = None,
) -> None:
    """Store saved pages (for sites that block scrapers) as documents of a source.

    \b
    Example:
      factcheck ingest saved/*.html --source taiyuan-gov
    """
    from .display import fetch_progress, print_fetch_report
    from .sources import find_sources_file, load_sources, select_sources

    (chosen,) = select_sources(load_sources(find_sources_file(sources)), [source])
    library = _library(db, create=True)
    with fetch_progress(err_console, chosen.name) as progress:
        report = library.ingest(paths, chosen, progress=progress)
    print_fetch_report(console, report)
    raise typer.Exit(1 if report.errors else 0)


@app.command(cls=PlainUsage)
def search(
    query: Annotated[
        str,
        typer.Argument(metavar="QUERY", help="Words or figures to find, e.g. 涉黑涉恶犯罪团伙."),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many documents.")
    ] = 20,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Find stored documents by their text: snippet, date and source of each.

    \b
    Examples:
      factcheck search 涉黑涉恶犯罪团伙
      factcheck search "19.3%"
    """
    from .display import print_table, search_table

    hits = _library(db).search(query, limit)
    if json_out:
        _write_json([asdict(hit) for hit in hits])
        return
    if not hits:
        console.print("No document matches.")
        return
    print_table(console, search_table(hits))


@db_app.command(cls=PlainUsage, name="stats")
def db_stats(json_out: JsonOption = False, db: DbOption = None) -> None:
    """Documents, facts and failures per source.

    \b
    Example:
      factcheck db stats --db desk.db
    """
    from .display import print_table, stats_table

    stats = _library(db).stats()
    if json_out:
        _write_json(stats)
    else:
        print_table(console, stats_table(stats))


@db_app.command(cls=PlainUsage, name="datasette")
def db_datasette(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="Where to write the metadata.")
    ] = Path("metadata.json"),
    db: DbOption = None,
) -> None:
    """Write Datasette's metadata for the database (tables described, internals hidden) and
    print the command that serves it on 127.0.0.1.

    \b
    Example:
      factcheck db datasette -o metadata.json && datasette serve factcheck.db --metadata metadata.json
    """
    import shlex

    from .datasette import serve_command, write_metadata
    from .files import check_output
    from .run import database_files
    from .storage import default_db_path

    path = db or default_db_path()
    check_output(output, "--output", database_files(path))
    written = write_metadata(path, output)
    console.print(f"Metadata: {escape(str(written))}", highlight=False)
    command = ["datasette", *serve_command(path, written)[3:]]
    console.print(escape(shlex.join(command)), highlight=False, soft_wrap=True)


@app.command(cls=PlainUsage)
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            metavar="TOKEN", help="Access token, required off loopback ('generate' makes one)."
        ),
    ] = None,
) -> None:
    """Open the review desk in the browser: runs, articles to review, bulletins, reports.

    \b
    Examples:
      factcheck serve --db desk.db
      factcheck serve --host 0.0.0.0 --token generate
    """
    from .storage import default_db_path
    from .web.app import serve as serve_desk

    serve_desk(db or default_db_path(), host=host, port=port, token=token)
