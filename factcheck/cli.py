"""The `factcheck` command: parses options, calls the library, prints. No logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .errors import FactcheckError

app = typer.Typer(
    help="Check the figures in a news article against each other and against official bulletins.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)

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
            sys.stdout.write(dumps(record) + "\n")
    else:
        from .display import print_run

        print_run(console, result)
    raise typer.Exit(result.exit_code)


def main() -> None:
    """Entry point: a FactcheckError becomes one line on stderr and exit status 2."""
    try:
        app()
    except FactcheckError as exc:
        err_console.print(f"factcheck: error: {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
