"""The `factcheck` command: parses options, calls the library, prints. No logic lives here."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

from .errors import FactcheckError
from .text import escape_controls, strip_controls


class SafeConsole(Console):
    """A console that drops control characters from what it prints: text from the web (titles,
    URLs, file names) must not move the cursor, retitle the terminal or ring its bell."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control:  # rich's own cursor moves (progress bars) stay
                yield segment
            else:
                yield Segment(strip_controls(segment.text), segment.style)


app = typer.Typer(
    help="Check the figures in a news article against each other and against official bulletins.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = SafeConsole()
err_console = SafeConsole(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite database (default: $FACTCHECK_DB or ./factcheck.db)."),
]


@app.callback()
def _root() -> None:
    """Check the figures in a news article against each other and against official bulletins.

    Start with: factcheck run claims/taiyuan-2019.txt --published 2019-04-15
    """


@app.command()
def run(
    article: Annotated[Path, typer.Argument(help="Article file: UTF-8, GBK/GB18030 or Big5 text.")],
    published: Annotated[
        str | None,
        typer.Option(help="Publication date YYYY-MM-DD; resolves 去年9月, 今年一季度."),
    ] = None,
    log: Annotated[
        Path | None,
        typer.Option(help="Where to write the JSON Lines log (default: factcheck-logs/…)."),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the log records to standard output.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Find every figure in an article and check the figures against each other.

    Exit status: 0 when no check failed, 1 when something was flagged, 2 for bad input.

    Examples:

        factcheck run claims/taiyuan-2019.txt --published 2019-04-15

        factcheck run article.txt --json > log.jsonl

        factcheck run article.txt --log checks/article.jsonl --db desk.db
    """
    from .run import run_article
    from .storage import default_db_path
    from .verification_log import dumps

    result = run_article(article, published=published, db=db or default_db_path(), log_path=log)
    if json_out:
        for record in result.records:
            _write(dumps(record) + "\n")
    else:
        from .display import print_run

        print_run(console, result)
    raise typer.Exit(result.exit_code)


@app.command()
def trace(
    claim: Annotated[str, typer.Argument(help="A claim id (c6) or its figure (128个 / 128個).")],
    run_id: Annotated[
        str | None, typer.Option("--run", help="A run id (default: the latest).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Show one claim's timeline: the origin, later repetitions and drift.

    Examples:

        factcheck trace 128個

        factcheck trace c6 --run 20261128T144536-36e5e5
    """
    from .display import print_trace
    from .storage import Database
    from .tracing import find_trace

    print_trace(console, find_trace(Database(db), claim, run_id))


@app.command()
def review(
    run_id: Annotated[
        str | None,
        typer.Argument(metavar="[RUN]", help="A run id or prefix (default: the latest)."),
    ] = None,
    list_items: Annotated[
        bool, typer.Option("--list", help="List the items instead of walking them.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="With --list: JSON lines.")] = False,
    item: Annotated[
        str | None, typer.Option(help="Decide one item by id (f3, c6) without prompts.")
    ] = None,
    decision: Annotated[
        str | None, typer.Option(help="confirm, dismiss or correct (with --item).")
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

    Examples:

        factcheck review

        factcheck review --list --json

        factcheck review 20261128T1445 --item f3 --decision dismiss --note "partial list" --reviewer ana
    """
    from .display import review_table
    from .interactive import walk
    from .review import decide, default_reviewer, find_item, review_items
    from .runs import load_run
    from .storage import Database
    from .verification_log import dumps

    database = Database(db)
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
            console.print(review_table(items))
    elif not items:
        console.print("Nothing to review in this run.")
    else:
        made = walk(console, database, run, items, reviewer or default_reviewer(), _ask, all_items)
        console.print(f"{made} decision(s) recorded.")


@app.command()
def report(
    run_id: Annotated[
        str | None,
        typer.Argument(metavar="[RUN]", help="A run id or prefix (default: the latest)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, md, json or claimreview.")] = "html",
    output: Annotated[
        Path | None,
        typer.Option(help="Write here (default: html to factcheck-reports/, others to stdout)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Where the HTML report will be published (ClaimReview url).")
    ] = None,
    author: Annotated[
        str, typer.Option(help="The organisation publishing the review.")
    ] = "factcheck",
    db: DbOption = None,
) -> None:
    """Write a run's report, with every reviewed decision: an annotated article and more.

    Examples:

        factcheck report --format html

        factcheck report 20261128T1445 --format md > note.md

        factcheck report --format claimreview --base-url https://desk.example/checks/taiyuan.html
    """
    from .files import check_output, write_atomic
    from .reports import SUFFIXES, build_report, render
    from .run import protected_files
    from .storage import Database

    database = Database(db)
    built = build_report(database, run_id)
    text = render(built, fmt, base_url=base_url, author=author)
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


def _write(text: str) -> None:
    # Standard output may be a terminal: controls JSON leaves raw (DEL, C1, bidi) are escaped.
    sys.stdout.write(escape_controls(text))


def main() -> None:
    """Entry point: a FactcheckError (or a broken database or file) becomes one line on stderr
    and exit status 2."""
    try:
        app()
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


sources_app = typer.Typer(help="The reference sources in sources.yaml.", no_args_is_help=True)
db_app = typer.Typer(help="The SQLite database.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(db_app, name="db")

SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources", help="The sources file (default: $FACTCHECK_SOURCES or ./sources.yaml)."
    ),
]


def _library(db: Path | None):
    from .documents import DocumentLibrary
    from .storage import Database

    return DocumentLibrary(Database(db))


@sources_app.command("list")
def sources_list(sources: SourcesOption = None, db: DbOption = None) -> None:
    """List the sources: name, tier, URL, documents stored, last fetched, last error.

    Example: factcheck sources list --sources sources.yaml
    """
    from .display import sources_table
    from .sources import find_sources_file, load_sources

    registered = load_sources(find_sources_file(sources))
    console.print(sources_table(registered, _library(db).stats()))


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="A short name: letters, digits, . _ -")],
    url: Annotated[str, typer.Argument(help="The list page to start from (http or https).")],
    tier: Annotated[str, typer.Option(help="official or media.")] = "official",
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


@sources_app.command("remove")
def sources_remove(
    name: Annotated[str, typer.Argument(help="The source to remove.")],
    sources: SourcesOption = None,
) -> None:
    """Remove a source from sources.yaml (its stored documents stay in the database).

    Example: factcheck sources remove taiyuan-gov
    """
    from .sources import find_sources_file, remove_source

    path = find_sources_file(sources)
    remove_source(path, name)
    console.print(f"Removed {escape(name)} from {escape(str(path))}", highlight=False)


@sources_app.command("check")
def sources_check(
    name: Annotated[str, typer.Argument(help="The source to try.")],
    sources: SourcesOption = None,
) -> None:
    """Fetch one list page and one article of a source and show what would be extracted.

    Example: factcheck sources check taiyuan-gov
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


@app.command()
def fetch(
    names: Annotated[
        list[str] | None, typer.Argument(help="Sources to fetch (default: all).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Download every page again.")] = False,
    sources: SourcesOption = None,
    db: DbOption = None,
) -> None:
    """Scrape the sources' list pages and articles into the database, politely.

    robots.txt is obeyed, requests to a host are spaced out, unchanged pages cost a 304.
    A failing page is recorded and the fetch goes on; the exit status is then 1.

    Examples:

        factcheck fetch

        factcheck fetch taiyuan-gov taiyuan-police --db desk.db
    """
    from .display import fetch_progress, print_fetch_report
    from .sources import find_sources_file, load_sources, select_sources

    chosen = select_sources(load_sources(find_sources_file(sources)), names)
    library = _library(db)
    failed = False
    for source in chosen:
        with fetch_progress(err_console, source.name) as progress:
            report = library.fetch(source, progress=progress, force=force)
        print_fetch_report(console, report)
        failed |= bool(report.errors)
    raise typer.Exit(1 if failed else 0)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Saved .html/.htm/.txt files or folders.")],
    source: Annotated[str, typer.Option("--source", help="The source they belong to.")],
    sources: SourcesOption = None,
    db: DbOption = None,
) -> None:
    """Store saved pages (for sites that block scrapers) as documents of a source.

    Example: factcheck ingest saved/*.html --source taiyuan-gov
    """
    from .display import fetch_progress, print_fetch_report
    from .sources import find_sources_file, load_sources, select_sources

    (chosen,) = select_sources(load_sources(find_sources_file(sources)), [source])
    library = _library(db)
    with fetch_progress(err_console, chosen.name) as progress:
        report = library.ingest(paths, chosen, progress=progress)
    print_fetch_report(console, report)
    raise typer.Exit(1 if report.errors else 0)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words or figures to find, e.g. 涉黑涉恶犯罪团伙.")],
    limit: Annotated[int, typer.Option(help="At most this many documents.")] = 20,
    db: DbOption = None,
) -> None:
    """Find stored documents by their text: snippet, date and source of each.

    Examples:

        factcheck search 涉黑涉恶犯罪团伙

        factcheck search "19.3%"
    """
    from .display import search_table

    hits = _library(db).search(query, limit)
    if not hits:
        console.print("No document matches.")
        return
    console.print(search_table(hits))


@db_app.command("stats")
def db_stats(db: DbOption = None) -> None:
    """Documents, facts and failures per source.

    Example: factcheck db stats --db desk.db
    """
    from .display import stats_table

    console.print(stats_table(_library(db).stats()))
