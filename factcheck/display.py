"""Terminal output: tables and summaries built with rich. Article and page text is always escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .run import RunResult

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
    coverage = analysis.coverage
    passed = sum(1 for f in analysis.findings if f.status == "pass")
    console.print(
        Text(
            f"Figures found: {coverage.figures}   check-worthy: {coverage.checkworthy}   "
            f"in some check: {coverage.in_checks}   "
            f"findings: {passed} pass, {len(analysis.flagged)} flagged"
        )
    )
    if result.log_path is not None:
        console.print(Text(f"Verification log: {result.log_path}"))
