"""Terminal output: tables and summaries built with rich. Article and page text is always escaped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .claims import Claim
    from .documents import SearchHit
    from .fetching import FetchReport, SourcePreview
    from .review import ReviewItem
    from .run import RunResult
    from .sources import Source
    from .tracing import Trace

STATUS_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green"}


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


def findings_table(result: RunResult) -> Table:
    """Every flagged finding: the sentence with its figures, the check, why it fails."""
    claims = {c.id: c for c in result.analysis.claims}
    text = result.article.text
    table = Table(title="Flagged findings", show_lines=True, expand=True)
    table.add_column("status", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("sentence", ratio=3, overflow="fold")
    table.add_column("why", ratio=2, overflow="fold")
    for finding in result.analysis.flagged:
        used = [claims[cid] for cid in finding.claims if cid in claims]
        sentences = sorted({(c.sentence.start, c.sentence.end) for c in used})
        shown = Text("\n").join(
            highlighted_sentence(text, s, e, [(c.start, c.end) for c in used]) for s, e in sentences
        )
        table.add_row(
            Text(finding.status, style=STATUS_STYLE.get(finding.status, "")),
            Text(finding.check),
            shown,
            Text(finding.message),
        )
    return table


def print_run(console: Console, result: RunResult) -> None:
    """The summary of a run: flagged findings, coverage, where the log went."""
    analysis = result.analysis
    console.print(Text(f"{result.article.path}  (run {result.run_id})", style="bold"))
    if analysis.flagged:
        console.print(findings_table(result))
    else:
        console.print(Text("No inconsistency found.", style="green"))
    if analysis.bulletins:
        console.print(verdicts_table(result))
    elif analysis.matches:
        console.print(Text(EMPTY_DATABASE_HINT, style="yellow"))
    coverage = analysis.coverage
    passed = sum(1 for f in analysis.findings if f.status == "pass")
    console.print(
        Text(
            f"Figures found: {coverage.figures}   check-worthy: {coverage.checkworthy}   "
            f"in some check: {coverage.in_checks}   "
            f"findings: {passed} pass, {len(analysis.flagged)} flagged"
        )
    )
    if analysis.matches:
        verdicts = Counter(m.verdict for m in analysis.matches)
        drift = sum(1 for m in analysis.matches if m.drift)
        console.print(
            Text(
                f"Verdicts: {verdicts['supported']} supported, {verdicts['contradicted']} "
                f"contradicted, {verdicts['unverified']} unverified; drift on {drift}"
            )
        )
    if result.log_path is not None:
        console.print(Text(f"Verification log: {result.log_path}"))


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
    """A live progress line for a fetch: pages requested and what became of them."""
    counts: Counter[str] = Counter()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
    ) as progress:
        task = progress.add_task(label)

        def update(event: str, url: str) -> None:
            counts[event] += 1
            summary = "  ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            progress.update(task, description=escape(f"{label}: {summary}  {url[-60:]}"))

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


VERDICT_STYLE = {"supported": "green", "contradicted": "bold red", "unverified": "yellow"}


def verdicts_table(result: RunResult) -> Table:
    """Each matched figure: its verdict, the origin and the one-line why."""
    claims = {c.id: c for c in result.analysis.claims}
    table = Table(title="Against the bulletins", show_lines=True, expand=True)
    for column, ratio in (("figure", 1), ("measure", 2), ("verdict", 1), ("origin", 2), ("why", 4)):
        table.add_column(column, ratio=ratio, overflow="fold")
    for match in result.analysis.matches:
        claim = claims[match.claim]
        if claim.kind in ("date", "duration"):
            continue
        origin = match.origin
        table.add_row(
            Text(claim.text),
            Text(claim.measure or ""),
            Text(match.verdict, style=VERDICT_STYLE.get(match.verdict, "")),
            Text(f"{origin.source} {origin.published or ''}" if origin else "—"),
            Text(match.why),
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
    table = Table(title=f"Timeline (run {trace.run_id})", show_lines=True, expand=True)
    for column in ("published", "role", "tier", "source", "figure", "title", "URL"):
        table.add_column(column, overflow="fold")
    for role, item in timeline:
        table.add_row(
            Text(item.get("published") or "undated"),
            Text(role, style="bold red" if role == "drift" else ""),
            Text(item.get("tier") or ""),
            Text(item.get("source") or ""),
            Text(str(item.get("text") or "")),
            Text(item.get("title") or ""),
            Text(item.get("url") or ""),
        )
    console.print(table)


def review_table(items: list[ReviewItem]) -> Table:
    """Review items of a run: id, what, proposal, state, last decision."""
    table = Table(title="Review items", show_lines=True, expand=True)
    for column, ratio in (
        ("item", 1),
        ("figures", 1),
        ("proposed", 1),
        ("state", 1),
        ("message", 4),
        ("last decision", 3),
    ):
        table.add_column(column, ratio=ratio, overflow="fold")
    for item in items:
        latest = item.latest
        last = f"{latest.reviewer} {latest.at[:19]}: {latest.note}" if latest else ""
        table.add_row(
            Text(item.id),
            Text(" ".join(c.text for c in item.claims)),
            Text(item.proposed),
            Text(item.state),
            Text(item.message),
            Text(last),
        )
    return table
