"""The interactive review walk: one item at a time, in the terminal."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from .display import figures_text
from .errors import InputError
from .review import OPEN, ReviewItem, decide
from .runs import StoredRun
from .storage import Database

PROMPT = "[c]onfirm  [d]ismiss  [r] correct  [s]kip  [q]uit > "
CHOICES = {"c": "confirm", "d": "dismiss", "r": "correct", "s": "skip", "q": "quit"}


def item_text(run: StoredRun, item: ReviewItem) -> Text:
    """The sentence(s) of an item with its figures highlighted (article text, never markup)."""
    return figures_text(run, [(c.start, c.end) for c in item.claims])


def show_item(
    console: Console, run: StoredRun, item: ReviewItem, position: int, total: int
) -> None:
    """Everything a reviewer needs to decide on one item."""
    console.rule(Text(f"{position} of {total}   {item.kind} {item.id}   proposed: {item.proposed}"))
    console.print(item_text(run, item))
    console.print(Text(item.message, style="yellow"))
    for claim in item.claims:
        if claim.origin:
            origin = claim.origin
            console.print(
                Text(
                    f"  origin: {origin.get('source')} {origin.get('published')} {origin.get('url')}"
                )
            )
        for drift in claim.drift:
            console.print(
                Text(f"  drift: {drift.get('text')} in {drift.get('source')} {drift.get('url')}")
            )
    for decision in item.history:
        value = f" value {decision.value}" if decision.value else ""
        console.print(
            Text(
                f"  {decision.at[:19]} {decision.reviewer}: {decision.decision}{value}"
                f" — {decision.note} (run {decision.run_id})",
                style="dim",
            )
        )


def walk(
    console: Console,
    db: Database,
    run: StoredRun,
    items: list[ReviewItem],
    reviewer: str,
    ask: Callable[[str], str],
    include_decided: bool = False,
) -> int:
    """Walk the items, asking for a decision on each; returns how many decisions were made.

    Quitting (or the end of input) keeps every decision already made.
    """
    todo = [i for i in items if include_decided or i.state == OPEN]
    made = 0
    for position, item in enumerate(todo, start=1):
        show_item(console, run, item, position, len(todo))
        while True:
            try:
                choice = CHOICES.get(ask(PROMPT).strip().lower()[:1])
            except EOFError:
                return made
            if choice is None:
                console.print("Type c, d, r, s or q.")
                continue
            if choice == "quit":
                return made
            if choice == "skip":
                break
            try:
                value = _ask_until(ask, "corrected value > ") if choice == "correct" else None
                required = choice != "confirm"
                note = _ask_until(ask, "note > ") if required else ask("note (optional) > ")
                decide(db, run, item, choice, note=note, value=value, reviewer=reviewer)
            except InputError as exc:
                console.print(Text(str(exc), style="red"))
                continue
            except EOFError:
                return made
            made += 1
            break
    return made


def _ask_until(ask: Callable[[str], str], prompt: str) -> str:
    """Ask again until the answer is not blank (EOFError ends the walk)."""
    while True:
        answer = ask(prompt).strip()
        if answer:
            return answer
