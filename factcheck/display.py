"""Terminal output: tables and summaries built with rich. Article and page text is always escaped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.box import SIMPLE_HEAD
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from .claims import split_sentences
from .status import Attention, FigureStatus, RunCounts, attention, figure_statuses, run_counts
from .text import strip_controls

if TYPE_CHECKING:
    from .claims import Claim
    from .documents import SearchHit
    from .fetching import FetchReport, SourcePreview
    from .review import ReviewItem
    from .run import Reviewed
    from .runs import StoredClaim, StoredRun
    from .sources import Source
    from .text import Article
    from .tracing import Trace


def highlighted_sentence(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Text:
    """The sentence text[start:end] with the given figure spans in bold; never parsed as markup."""
    out = Text()
    cursor = start
    for s, e in sorted(spans):
        if s < cursor or e > end:
            continue
        out.append(text[cursor:s])
        out.append(text[s:e], style="bold reverse")
        cursor = e
    out.append(text[cursor:end])
    return out


def figures_text(run: StoredRun, spans: list[tuple[int, int]]) -> Text:
    """The sentence(s) holding the given figure spans, the figures in bold (never markup)."""
    sentences = sorted(
        {
            (s.start, s.end)
            for s in split_sentences(run.text)
            for a, _ in spans
            if s.start <= a < s.end
        }
    )
    return Text("\n").join(
        highlighted_sentence(run.text, *_trimmed(run.text, s, e), spans) for s, e in sentences
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


STATUS_STYLE = {
    "fail": "bold red",
    "contradicted": "bold red",
    "corrected": "bold magenta",
    "warn": "yellow",
    "unverified": "yellow",
    "pass": "green",
    "supported": "green",
}


def print_fields(console: Console, fields: list[str]) -> None:
    """One tab-separated line for a pipe: never wrapped, tabs kept (rich would expand them), and
    the fields' own tabs, newlines and control characters made harmless."""
    clean = [strip_controls(" ".join(f.split())) for f in fields]
    console.file.write("\t".join(clean) + "\n")


def print_table(console: Console, table: Table) -> None:
    """A table on a terminal; tab-separated lines (header first, never wrapped) in a pipe."""
    if console.is_terminal:
        console.print(table)
        return
    print_fields(console, [str(column.header) for column in table.columns])
    for row in zip(*(list(column.cells) for column in table.columns), strict=True):
        print_fields(console, [cell.plain if isinstance(cell, Text) else str(cell) for cell in row])


def plural(count: int, word: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass
class Row:
    """One line of what to look at: ids, status, what is wrong, and the sentence."""

    ids: str
    status: str
    message: str
    sentence: Text


def attention_rows(run: StoredRun, entries: list[Attention]) -> list[Row]:
    """Rows of attention entries: a repeated figure shows its count and every id."""
    claims = {c.id: c for c in run.claims}
    rows = []
    for entry in entries:
        named = [claims[c] for c in entry.claims if c in claims]
        ids = entry.id
        if entry.kind == "claim" and entry.count > 1:
            ids = f"{entry.id} ×{entry.count}"
        message = entry.message
        if entry.kind == "claim" and named:
            message = f"{named[0].text} {named[0].measure or ''}: {_new_part(message, named[0])}"
        elif entry.kind == "finding":
            message = f"{_check_of(run, entry.id)}: {message}"
        spans = [(c.start, c.end) for c in named[:1]] if entry.kind == "claim" else None
        shown = figures_text(run, spans or [(c.start, c.end) for c in named])
        rows.append(Row(ids, entry.status, message, shown))
    return rows


def _check_of(run: StoredRun, finding_id: str) -> str:
    return next((f.check for f in run.findings if f.id == finding_id), "")


def _new_part(why: str, claim: StoredClaim) -> str:
    """A verdict's why without the figure and measure the row already shows."""
    for prefix in (f"{claim.text} {claim.measure or ''}".strip() + ":", claim.text + ":"):
        if why.startswith(prefix):
            why = why[len(prefix) :].strip()
    for verdict in ("contradicted:", "supported:", "unverified:"):
        why = why.removeprefix(verdict).strip()
    return why


def print_rows(console: Console, rows: list[Row]) -> None:
    """Rows as a grid on a terminal (the sentence folded under the message, words whole), or one
    line each, never wrapped, when the output is a pipe or a file."""
    if not rows:
        return
    if not console.is_terminal:
        for row in rows:
            sentence = " ".join(row.sentence.plain.split("\n"))
            print_fields(console, [row.ids, row.status, row.message, sentence])
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for row in rows:
        body = Text(row.message)
        body.append("\n")
        body.append_text(row.sentence)
        grid.add_row(
            Text(row.ids, style="bold"),
            Text(row.status, style=STATUS_STYLE.get(row.status, "")),
            body,
        )
    console.print(grid)


def print_run(
    console: Console,
    run: StoredRun,
    items: list[ReviewItem],
    log_path: Path | None = None,
    verbose: bool = False,
    bulletins: bool = True,
) -> None:
    """One article's result, most urgent first: failed findings and contradicted figures, then
    warnings, then one line of counts (every figure with --verbose); ids are the ones `trace` and
    `review --item` take."""
    statuses = figure_statuses(run, items)
    counts = run_counts(run, items, statuses)
    entries = attention(run, items, statuses)
    console.print(
        Text(f"{run.article}  run {run.run_id}  ", style="bold").append(
            counts.status, style="bold red" if counts.status == "flagged" else "green"
        ),
        soft_wrap=not console.is_terminal,
    )
    urgent = [e for e in entries if e.severity in ("flagged", "warned")]
    print_rows(console, attention_rows(run, urgent))
    if not urgent:
        console.print(Text("No inconsistency found, no figure contradicted.", style="green"))
    if verbose:
        print_rows(console, figure_rows(run, statuses))
    if not bulletins:
        console.print(Text(EMPTY_DATABASE_HINT, style="yellow"), soft_wrap=not console.is_terminal)
    for line in summary_lines(counts, entries, verbose):
        console.print(Text(line), soft_wrap=not console.is_terminal)
    if log_path is not None:
        console.print(Text(f"Verification log: {log_path}"), soft_wrap=not console.is_terminal)


def print_results(
    console: Console, views: list[Reviewed], verbose: bool = False, quiet: bool = False
) -> None:
    """A run of one article in full; of many, each flagged article's rows then the table of all
    (only the table with quiet)."""
    if len(views) == 1 and not quiet:
        view = views[0]
        bulletins = view.result.analysis.bulletins
        print_run(console, view.run, view.items, view.result.log_path, verbose, bulletins)
        return
    if not quiet:
        for view in views:
            if verbose or view.counts.status == "flagged" or view.counts.standing["warn"]:
                bulletins = view.result.analysis.bulletins
                print_run(console, view.run, view.items, None, verbose, bulletins)
                console.print()
    print_runs(console, [(v.run, v.items) for v in views])
    logs = sorted({str(v.result.log_path) for v in views if v.result.log_path})
    if len(logs) == 1:
        console.print(Text(f"Verification log: {logs[0]}"), soft_wrap=not console.is_terminal)
    elif logs:
        folder = Path(logs[0]).parent
        console.print(Text(f"Verification logs: {len(logs)} in {folder}/"), soft_wrap=True)


@contextmanager
def run_progress(console: Console, total: int) -> Iterator[Callable[[int, int, Article], None]]:
    """A progress bar over the articles of a run (on a terminal, for more than one article)."""
    if total < 2 or not console.is_terminal:
        yield lambda done, total, article: None
        return
    with Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def update(done: int, total: int, article: Article) -> None:
            progress.update(task, completed=done, description=escape(article.path[-40:]))

        yield update


def figure_rows(run: StoredRun, statuses: dict[str, FigureStatus]) -> list[Row]:
    """Every looked-up figure with its verdict, in the article's order (for --verbose)."""
    rows = []
    for claim in run.claims:
        status = statuses[claim.id]
        if status.verdict in ("checked", "non-claim"):
            continue
        findings = f" (in {', '.join(status.findings)})" if status.findings else ""
        why = _new_part(claim.why or "", claim)
        rows.append(
            Row(
                claim.id,
                status.verdict,
                f"{claim.text} {claim.measure or ''}{findings}: {why}",
                figures_text(run, [(claim.start, claim.end)]),
            )
        )
    return rows


def summary_lines(counts: RunCounts, entries: list[Attention], verbose: bool) -> list[str]:
    """The closing lines: unverified figures by id, dates not looked up, the counts."""
    lines = []
    unverified = [e for e in entries if e.severity == "unverified"]
    if unverified and not verbose:
        shown = ", ".join(f"{e.id}×{e.count}" if e.count > 1 else e.id for e in unverified[:12])
        more = f", … {len(unverified) - 12} more" if len(unverified) > 12 else ""
        lines.append(
            f"Unverified: {counts.verdicts['unverified']} figures ({shown}{more}); "
            f"supported: {counts.verdicts['supported']}. --verbose lists every figure."
        )
    lines.append(counts.line())
    review = counts.review
    if review.get("items"):
        lines.append(
            f"Review: {review['items']} items, {review['open']} open "
            f"(factcheck review --list; factcheck review to walk them)."
        )
    return lines


def print_runs(console: Console, runs: list[tuple[StoredRun, list[ReviewItem]]]) -> None:
    """The articles of a run of many: status and counts of each, flagged ones first; a table on
    a terminal, tab-separated lines (with a header) when piped."""
    header = ("status", "article", "run", "fail", "contradicted", "warn", "unverified")
    rows = []
    for run, items in runs:
        c = run_counts(run, items)
        rows.append(
            (
                c.status,
                run.article,
                run.run_id,
                str(c.standing["fail"]),
                str(c.verdicts["contradicted"] + c.verdicts["corrected"]),
                str(c.standing["warn"]),
                str(c.verdicts["unverified"]),
            )
        )
    rows.sort(key=lambda r: (r[0] != "flagged", -int(r[3]) - int(r[4]), -int(r[5])))
    if not console.is_terminal:
        for row in (header, *rows):
            print_fields(console, list(row))
    else:
        # The article and its run id share a column (two lines) so that 80 columns hold it all.
        table = Table(box=SIMPLE_HEAD, expand=True)
        table.add_column("status", no_wrap=True)
        table.add_column("article / run", ratio=1, overflow="fold", min_width=22)
        for name in header[3:]:
            table.add_column(name, justify="right", no_wrap=True)
        for row in rows:
            style = "bold red" if row[0] == "flagged" else "green"
            where = Text(row[1]).append(f"\n{row[2]}", style="dim")
            table.add_row(Text(row[0], style=style), where, *(Text(v) for v in row[3:]))
        console.print(table)
    flagged = sum(1 for r in rows if r[0] == "flagged")
    console.print(
        Text(
            f"{plural(len(rows), 'article')} checked, {flagged} flagged, {len(rows) - flagged} clean."
        ),
        soft_wrap=not console.is_terminal,
    )


def sources_table(sources: list[Source], stats: list[dict[str, Any]]) -> Table:
    """Registered sources with what the database holds for each."""
    by_name = {row["name"]: row for row in stats}
    table = Table(title="Reference sources", expand=True)
    for column in ("name", "tier", "URL", "documents", "last fetched", "last error"):
        table.add_column(column, overflow="fold")
    for source in sources:
        row = by_name.get(source.name, {})
        table.add_row(
            Text(source.name),
            Text(source.tier),
            Text(source.start_urls[0] if source.start_urls else ""),
            Text(str(row.get("documents", 0))),
            Text(row.get("last_fetched") or "never"),
            Text(row.get("last_error") or ""),
        )
    return table


def print_preview(console: Console, preview: SourcePreview, figures: list[Claim]) -> None:
    """What a source's first list page and first article yield (all text escaped)."""
    console.print(Text(f"List page: {preview.list_url}"))
    console.print(
        Text(f"Article links found: {len(preview.links)}; next page: {preview.next_page}")
    )
    for link in preview.links[:5]:
        console.print(Text(f"  {link}"))
    if preview.error:
        console.print(Text(f"Error: {preview.error}", style="red"))
    article = preview.article
    if article is None:
        return
    console.print(Text(f"Article: {preview.article_url}", style="bold"))
    console.print(Text(f"  title: {article.title}"))
    console.print(Text(f"  date: {article.published or 'not found'}"))
    console.print(Text(f"  body: {article.text[:200]}…"))
    shown = ", ".join(f"{c.text} ({c.kind})" for c in figures if c.checkworthy)
    console.print(Text(f"  figures: {shown or 'none'}"))


@contextmanager
def fetch_progress(console: Console, label: str) -> Iterator[Callable[[str, str], None]]:
    """A live progress line for a fetch or an ingest: pages requested and what became of them,
    with a bar when the total is known (ingest announces it with a "total" event)."""
    counts: Counter[str] = Counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(event: str, url: str) -> None:
            if event == "total":
                progress.update(task, total=int(url), refresh=True)
                return
            counts[event] += 1
            summary = "  ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            done = sum(v for k, v in counts.items() if k not in ("list", "fetch"))
            progress.update(
                task,
                completed=done,
                description=escape(f"{label}: {summary}  {url[-40:]}"),
                refresh=True,
            )

        yield update


def print_fetch_report(console: Console, report: FetchReport) -> None:
    """The closing summary of one source's fetch or ingest, with its failures."""
    console.print(
        Text(
            f"{report.source}: {report.new} new, {report.changed} changed, "
            f"{report.unchanged} unchanged, {report.failed} failed, "
            f"{report.duplicates} duplicates, {report.skipped_robots} skipped by robots.txt"
        )
    )
    for url, error in report.errors[:20]:
        console.print(Text(f"  {url}: {error}", style="yellow"))
    if len(report.errors) > 20:
        console.print(Text(f"  … and {len(report.errors) - 20} more"))


def search_table(hits: list[SearchHit]) -> Table:
    """Search results: title, date, source, snippet, URL (page text escaped)."""
    table = Table(title="Documents", show_lines=True, expand=True)
    for column in ("date", "source", "title", "snippet", "URL"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        table.add_row(
            Text(hit.published or ""),
            Text(hit.source),
            Text(hit.title or ""),
            Text(hit.snippet or ""),
            Text(hit.url),
        )
    return table


def stats_table(stats: list[dict[str, Any]]) -> Table:
    """Per source counts of the database."""
    table = Table(title="Database", expand=True)
    for column in ("source", "tier", "documents", "facts", "failures", "last fetched"):
        table.add_column(column, overflow="fold")
    for row in stats:
        table.add_row(
            *(
                Text(str(row.get(k) or ("0" if k in ("documents", "facts", "failures") else "")))
                for k in ("name", "tier", "documents", "facts", "failures", "last_fetched")
            )
        )
    return table


EMPTY_DATABASE_HINT = (
    "No bulletins in the database yet, so every figure is unverified. Fill it with "
    "`factcheck sources add NAME URL` and `factcheck fetch`, or `factcheck ingest PAGES --source NAME`."
)


def print_trace(console: Console, trace: Trace) -> None:
    """One claim's timeline: origin, repetitions and drift, oldest first (page text escaped)."""
    claim = trace.claim
    console.print(
        Text(
            f"{claim['id']} {claim['text']} {claim['measure'] or ''} — {trace.verdict}",
            style="bold",
        )
    )
    console.print(Text(trace.why))
    timeline = trace.timeline()
    if not timeline:
        return
    table = Table(title=f"Timeline (run {trace.run_id})", box=SIMPLE_HEAD, expand=True)
    table.add_column("published", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("figure", no_wrap=True)
    table.add_column("source, title and address", ratio=1, overflow="fold")
    for role, item in timeline:
        url = str(item.get("url") or "")
        where = Text(
            f"{item.get('source') or ''} ({item.get('tier') or ''}) {item.get('title') or ''}"
        )
        shown = short_url(url, max(24, console.width - 40)) if console.is_terminal else url
        where.append(f"\n{shown}", style="dim")
        table.add_row(
            Text(item.get("published") or "undated"),
            Text(role, style="bold red" if role == "drift" else ""),
            Text(str(item.get("text") or "")),
            where,
        )
    print_table(console, table)


def short_url(url: str, width: int = 48) -> str:
    """A URL for a table cell: no scheme, the middle elided past `width` characters."""
    shown = url.split("://", 1)[-1]
    if len(shown) <= width:
        return shown
    head = width // 2
    return f"{shown[:head]}…{shown[-(width - head - 1) :]}"


def review_table(items: list[ReviewItem]) -> Table:
    """Review items, most urgent first: id, proposal, state, the figures and message, last decision.

    Ids, proposals and states never wrap (they are what `review --item` and scripts read); the
    message leaves out the verdict the proposal column already gives."""
    table = Table(title="Review items", box=SIMPLE_HEAD, expand=True)
    for column in ("item", "proposed", "state"):
        table.add_column(column, no_wrap=True)
    table.add_column("figures: message", ratio=3, overflow="fold")
    table.add_column("last decision", ratio=2, overflow="fold")
    for item in sorted(items, key=lambda i: _PROPOSAL_RANK.get(i.proposed, 3)):
        latest = item.latest
        last = f"{latest.reviewer} {latest.at[:16]}: {latest.note}" if latest else ""
        table.add_row(
            Text(item.id, style="bold"),
            Text(item.proposed, style=STATUS_STYLE.get(item.proposed, "")),
            Text(item.state),
            Text(" ".join(c.text for c in item.claims), style="bold").append(
                ": " + item.message.removeprefix(f"{item.proposed}:").strip(), style=""
            ),
            Text(last),
        )
    return table


_PROPOSAL_RANK = {"fail": 0, "contradicted": 0, "warn": 1, "unverified": 2}
