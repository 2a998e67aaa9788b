"""The registry of reference sources: sources.yaml, read with line numbers and edited in place."""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit

from factcheck.errors import SourcesError
from factcheck.files import write_atomic

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

Tier = Literal["official", "media"]
TIERS: tuple[Tier, ...] = ("official", "media")
ENV_VAR = "FACTCHECK_SOURCES"
DEFAULT_FILE = "sources.yaml"

HEADER = """\
Reference sources for factcheck: the sites `factcheck fetch` scrapes into the database.
Edit by hand or with `factcheck sources add / remove` (comments and order are kept).
Schema and an example: docs/sources.md. Without selectors, generic extraction is used.
"""

_NAME_RE = re.compile(r"^[\w.-]+$")
_SOURCE_KEYS = (
    "name",
    "publisher",
    "tier",
    "start_urls",
    "links",
    "next_page",
    "selectors",
    "encoding",
    "limits",
    "place",
)
MAX_SOURCES_BYTES = 1_000_000  # a registry of sources is a few kilobytes
MAX_NODES = 100_000  # values once aliases (*name) are expanded: more is a "billion laughs"
_SELECTOR_KEYS = ("title", "date", "body")
_NEXT_KEYS = ("css", "regex")
_LIMIT_KEYS = ("max_pages", "max_documents", "delay", "timeout", "max_bytes")


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for one site's article pages; a missing one falls back to generic rules."""

    title: str | None = None
    date: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class NextPageRule:
    """How to find the next list page: a CSS selector for the link, or a regex over the HTML."""

    css: str | None = None
    regex: str | None = None  # group 1 (or the whole match) is the URL, relative or absolute


@dataclass(frozen=True)
class Limits:
    """Crawl limits for one source."""

    max_pages: int = 20  # list pages per start URL
    max_documents: int = 500  # article pages requested per run
    delay: float = 1.0  # seconds between two requests to one host
    timeout: tuple[float, float] = (10.0, 30.0)  # (connect, read) seconds
    max_bytes: int = 5_000_000  # a longer response is abandoned


@dataclass
class Source:
    """One reference source: where its list pages are and how to read them."""

    name: str
    publisher: str
    tier: Tier
    start_urls: list[str]
    links: str | None = None  # regex on absolute URLs; default: same host, under a start folder
    next_page: NextPageRule | None = None  # default: 下一页 links, index_N.html, createPageHTML
    selectors: Selectors | None = None
    encoding: str | None = None  # overrides every declared or detected charset
    limits: Limits = field(default_factory=Limits)
    place: str | None = None  # the jurisdiction (太原市): what the pages' 全市 and 本市 mean


def find_sources_file(explicit: Path | None = None) -> Path:
    """The sources file to use: the explicit path, else $FACTCHECK_SOURCES, else ./sources.yaml."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(DEFAULT_FILE)


def load_sources(path: Path) -> list[Source]:
    """Read and validate sources.yaml; SourcesError lists every mistake with its line and field."""
    path = Path(path)
    data = _load_document(path)
    problems = _Problems(path)
    sources = _parse_document(data, problems)
    problems.raise_if_any()
    return sources


def add_source(path: Path, source: Source) -> None:
    """Append a source to sources.yaml (created with a header when missing), keeping comments."""
    path = Path(path)
    yaml = _yaml()
    if path.exists():
        data = _load_document(path)
        problems = _Problems(path)
        existing = _parse_document(data, problems)
        problems.raise_if_any()
    else:
        data, existing = _new_document(), []
    if any(s.name == source.name for s in existing):
        raise SourcesError(f"{path}: a source named {source.name!r} already exists")
    entry = source_to_yaml(source)
    problems = _Problems(path)
    _parse_source(entry, problems, len(existing))
    problems.raise_if_any()
    seq = _sources_seq(data)
    comments = _take_comments(data, seq)
    seq.append(entry)
    comments.headers.append([])
    _put_comments(data, seq, comments)
    _write_checked(path, yaml, data)


def remove_source(path: Path, name: str) -> None:
    """Remove the source called name from sources.yaml, with the comment lines just above it."""
    path = Path(path)
    yaml = _yaml()
    data = _load_document(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{path}: no 'sources' list to remove {name!r} from")
    seq = _sources_seq(data)
    index = next(
        (i for i, e in enumerate(seq) if isinstance(e, dict) and e.get("name") == name), None
    )
    if index is None:
        raise SourcesError(f"{path}: no source named {name!r}")
    comments = _take_comments(data, seq)
    del seq[index]
    _drop_entry(comments, index)
    _put_comments(data, seq, comments)
    _write_checked(path, yaml, data)


def source_to_yaml(source: Source) -> CommentedMap:
    """The sources.yaml mapping for a source, with only the fields that differ from defaults."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entry = CommentedMap()
    entry["name"] = source.name
    entry["publisher"] = source.publisher
    entry["tier"] = source.tier
    entry["start_urls"] = CommentedSeq(source.start_urls)
    if source.links:
        entry["links"] = source.links
    if source.next_page and (source.next_page.css or source.next_page.regex):
        rule = source.next_page
        entry["next_page"] = CommentedMap(
            [("css", rule.css)] if rule.css else [("regex", rule.regex)]
        )
    if source.selectors:
        sel = CommentedMap((k, getattr(source.selectors, k)) for k in _SELECTOR_KEYS)
        sel = CommentedMap((k, v) for k, v in sel.items() if v)
        if sel:
            entry["selectors"] = sel
    if source.encoding:
        entry["encoding"] = source.encoding
    if source.place:
        entry["place"] = source.place
    limits = _limits_to_yaml(source.limits)
    if limits:
        entry["limits"] = limits
    return entry


# --- reading and validating -------------------------------------------------------------------


class _Problems:
    """Collects one-line messages `file:line: field: what is wrong`, reported in line order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._found: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self._found)

    @property
    def items(self) -> list[str]:
        return [message for _, message in sorted(self._found, key=lambda found: found[0])]

    def add(self, line: int | None, where: str, message: str) -> None:
        loc = f"{self.path}:{line + 1}" if line is not None else str(self.path)
        text = f"{loc}: {where}: {message}" if where else f"{loc}: {message}"
        self._found.append((line if line is not None else -1, text))

    def raise_if_any(self) -> None:
        items = self.items
        if not items:
            return
        if len(items) == 1:
            raise SourcesError(items[0], items)
        summary = f"{self.path}: {len(items)} mistakes: " + "; ".join(items)
        raise SourcesError(summary, items)


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments, order and line numbers
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # long URLs and regexes stay on one line
    yaml.preserve_quotes = True
    return yaml


def _load_document(path: Path) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        size = path.stat().st_size
        if size > MAX_SOURCES_BYTES:
            raise SourcesError(
                f"{path}: {size} bytes is over the {MAX_SOURCES_BYTES}-byte limit for sources.yaml"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {_one_line(str(exc))}") from None
    try:
        _check_aliases(path, text)
        return _yaml().load(text)
    except (ValueError, OverflowError) as exc:
        # A scalar YAML reads as a timestamp (2019-13-45) that is no date.
        bad_line = _bad_timestamp_line(text)
        where = f":{bad_line + 1}" if bad_line is not None else ""
        raise SourcesError(f"{path}{where}: not a valid date: {_one_line(str(exc))}") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        what = exc.problem or exc.context or "syntax error"
        raise SourcesError(f"{path}{line}: YAML syntax: {_one_line(what)}") from None
    except YAMLError as exc:
        raise SourcesError(f"{path}: YAML: {_one_line(str(exc))}") from None


def _check_aliases(path: Path, text: str) -> None:
    """Refuse a file whose aliases would expand past MAX_NODES values, before anything expands
    them: sizes are counted on the event stream, an alias adding its anchor's size."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = [(None, 0)]
    for event in _yaml().parse(text):
        if isinstance(event, CollectionStartEvent):
            stack.append((event.anchor, 1))
            continue
        if isinstance(event, ScalarEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, AliasEvent):
            size = sizes.get(event.anchor, 1)
        elif isinstance(event, CollectionEndEvent) and len(stack) > 1:
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
        else:
            continue
        name, count = stack[-1]
        stack[-1] = (name, count + size)
        if sum(count for _, count in stack) > MAX_NODES:
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise SourcesError(
                f"{path}:{line}: YAML: aliases (*name) expand to over {MAX_NODES} values; "
                "write the values out"
            )


def _bad_timestamp_line(text: str) -> int | None:
    """The line (from 0) of the first scalar that YAML reads as a timestamp and cannot construct."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    safe = YAML(typ="safe", pure=True)
    stack = [safe.compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode) and str(node.tag).endswith(":timestamp"):
            try:
                safe.constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return int(node.start_mark.line)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return None


def _parse_document(data: Any, problems: _Problems) -> list[Source]:
    if data is None:
        return []  # an empty file is an empty registry
    if not isinstance(data, dict):
        problems.add(_line(data), "", "the top level must be a mapping with a 'sources' list")
        return []
    for key in data:
        if key != "sources":
            problems.add(_key_line(data, key), str(key), "unknown top-level key (expected sources)")
    entries = data.get("sources")
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.add(_value_line(data, "sources"), "sources", "must be a list of sources")
        return []
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    for index, entry in enumerate(entries):
        source = _parse_source(entry, problems, index, _item_line(entries, index))
        if source is None:
            continue
        if source.name in seen:
            first = seen[source.name]
            where = f"line {first + 1}" if first is not None else "above"
            problems.add(
                _value_line(entry, "name"),
                f"source {source.name!r}: name",
                f"duplicate name {source.name!r} (first at {where})",
            )
            continue
        seen[source.name] = _value_line(entry, "name")
        sources.append(source)
    return sources


def _parse_source(
    entry: Any, problems: _Problems, index: int, line: int | None = None
) -> Source | None:
    if not isinstance(entry, dict):
        problems.add(line, f"sources[{index}]", "each source must be a mapping (name: ...)")
        return None
    name_value = entry.get("name")
    label = name_value if isinstance(name_value, str) else f"#{index + 1}"
    count = len(problems)

    def bad(key: str, message: str, at: int | None = None) -> None:
        where = at if at is not None else _value_line(entry, key)
        problems.add(where, f"source {label!r}: {key}", message)

    for key in entry:
        if key not in _SOURCE_KEYS:
            problems.add(
                _key_line(entry, key), f"source {label!r}: {key}", _unknown(key, _SOURCE_KEYS)
            )
    for key in ("name", "publisher", "tier", "start_urls"):
        if key not in entry:
            problems.add(_line(entry), f"source {label!r}: {key}", "required field is missing")
    name = _text(entry, "name", bad, required=True)
    if name is not None and not _NAME_RE.match(name):
        bad("name", f"{name!r}: use letters, digits, '-', '_' or '.' only")
    publisher = _text(entry, "publisher", bad, required=True)
    tier = entry.get("tier")
    if "tier" in entry and tier not in TIERS:
        bad("tier", f"must be 'official' or 'media', not {tier!r}")
    start_urls = _start_urls(entry, bad)
    links = _regex(entry, "links", bad)
    next_page = _next_page(entry, bad)
    selectors = _selectors(entry, bad)
    encoding = _encoding(entry, bad)
    place = _place(entry, bad)
    limits = _limits(entry, label, problems)
    if len(problems) > count:
        return None
    return Source(
        name=cast(str, name),
        publisher=cast(str, publisher),
        tier=cast(Tier, tier),
        start_urls=start_urls,
        links=links,
        next_page=next_page,
        selectors=selectors,
        encoding=encoding,
        limits=limits,
        place=place,
    )


_Bad = Callable[..., None]


def _text(entry: dict[str, Any], key: str, bad: _Bad, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if key not in entry or (value is None and not required):
        return None
    if not isinstance(value, str) or not value.strip():
        bad(key, f"must be a non-empty string, not {_show(value)}")
        return None
    return value.strip()


def _start_urls(entry: dict[str, Any], bad: _Bad) -> list[str]:
    value = entry.get("start_urls")
    if "start_urls" not in entry:
        return []
    if not isinstance(value, list) or not value:
        bad("start_urls", "must be a non-empty list of http(s) URLs")
        return []
    urls: list[str] = []
    for i, url in enumerate(value):
        if not isinstance(url, str) or not _is_http_url(url):
            bad(
                "start_urls",
                f"item {i + 1}: {_show(url)} is not an http(s) URL",
                _item_line(value, i),
            )
        else:
            urls.append(url.strip())
    return urls


def _regex(entry: dict[str, Any], key: str, bad: _Bad, at: int | None = None) -> str | None:
    value = _text(entry, key, bad)
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        bad(key, f"invalid regular expression: {exc}", at)
        return None
    return value


def _css(entry: dict[str, Any], key: str, bad: _Bad) -> str | None:
    import soupsieve

    value = _text(entry, key, bad)
    if value is None:
        return None
    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        bad(key, f"invalid CSS selector {value!r}: {_one_line(str(exc))}")
        return None
    return value


def _next_page(entry: dict[str, Any], bad: _Bad) -> NextPageRule | None:
    value = entry.get("next_page")
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in _NEXT_KEYS:
        bad("next_page", "must be a mapping with exactly one of 'css' or 'regex'")
        return None

    def bad_sub(key: str, message: str, at: int | None = None) -> None:
        bad(f"next_page.{key}", message, at if at is not None else _value_line(value, key))

    if "css" in value:
        css = _css(value, "css", bad_sub)
        return NextPageRule(css=css) if css else None
    regex = _regex(value, "regex", bad_sub)
    return NextPageRule(regex=regex) if regex else None


def _selectors(entry: dict[str, Any], bad: _Bad) -> Selectors | None:
    value = entry.get("selectors")
    if value is None:
        return None
    if not isinstance(value, dict):
        bad("selectors", "must be a mapping with title, date and/or body")
        return None

    def bad_sub(key: str, message: str, at: int | None = None) -> None:
        bad(f"selectors.{key}", message, at if at is not None else _value_line(value, key))

    for key in value:
        if key not in _SELECTOR_KEYS:
            bad_sub(str(key), _unknown(key, _SELECTOR_KEYS), _key_line(value, key))
    found = {k: _css(value, k, bad_sub) for k in _SELECTOR_KEYS}
    return Selectors(**found) if any(found.values()) else None


def _encoding(entry: dict[str, Any], bad: _Bad) -> str | None:
    value = _text(entry, "encoding", bad)
    if value is None:
        return None
    try:
        info = codecs.lookup(value)
    except LookupError:
        bad("encoding", f"unknown encoding {value!r}")
        return None
    if not getattr(info, "_is_text_encoding", True):
        bad("encoding", f"{value!r} is not a text encoding (use e.g. utf-8, gbk, big5)")
        return None
    return value


def _place(entry: dict[str, Any], bad: _Bad) -> str | None:
    """A division of the gazetteer (太原市, 太原, 山西省, 北京市朝阳区), kept as written."""
    value = _text(entry, "place", bad)
    if value is None:
        return None
    from .places import gazetteer, resolve_place

    g = gazetteer()
    value = value.strip()
    if resolve_place(value) is None:
        found = g.lookup(value.strip())
        if found:
            where = ", ".join(f"{g.ancestors(d)[0].name}{d.name}" for d in found[:4])
            bad("place", f"{value!r} names several divisions ({where}); write the city first")
        else:
            bad("place", f"{value!r} is not a division of China in the gazetteer")
        return None
    return value


def _limits(entry: dict[str, Any], label: str, problems: _Problems) -> Limits:
    value = entry.get("limits")
    if value is None:
        return Limits()
    if not isinstance(value, dict):
        problems.add(_value_line(entry, "limits"), f"source {label!r}: limits", "must be a mapping")
        return Limits()
    found: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        problems.add(_value_line(value, key), f"source {label!r}: limits.{key}", message)

    for key in value:
        if key not in _LIMIT_KEYS:
            problems.add(
                _key_line(value, key), f"source {label!r}: limits.{key}", _unknown(key, _LIMIT_KEYS)
            )
    for key in ("max_pages", "max_documents", "max_bytes"):
        if key in value:
            n = value[key]
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                bad(key, f"must be a whole number of at least 1, not {_show(n)}")
            else:
                found[key] = int(n)
    if "delay" in value:
        d = value["delay"]
        if not _is_number(d) or d < 0:
            bad("delay", f"must be a number of seconds, 0 or more, not {_show(d)}")
        else:
            found["delay"] = float(d)
    if "timeout" in value:
        timeout = _timeout(value["timeout"])
        if timeout is None:
            bad("timeout", "must be seconds above 0, or a list [connect, read] of them")
        else:
            found["timeout"] = timeout
    return dataclasses.replace(Limits(), **found)


def _timeout(value: Any) -> tuple[float, float] | None:
    if _is_number(value) and value > 0:
        return (float(value), float(value))
    if isinstance(value, list) and len(value) == 2 and all(_is_number(v) and v > 0 for v in value):
        return (float(value[0]), float(value[1]))
    return None


# --- writing ----------------------------------------------------------------------------------


def _new_document() -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    data = CommentedMap()
    data["sources"] = CommentedSeq()
    data.yaml_set_start_comment(HEADER.rstrip("\n"))
    return data


def _sources_seq(data: Any) -> CommentedSeq:
    from ruamel.yaml.comments import CommentedSeq

    seq = data.get("sources") if isinstance(data, dict) else None
    if seq is None:
        seq = CommentedSeq()
        data["sources"] = seq
    if not seq:
        seq.fa.set_block_style()  # `sources: []` would otherwise stay a flow list
    return cast("CommentedSeq", seq)


def _limits_to_yaml(limits: Limits) -> CommentedMap | None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    defaults = Limits()
    out = CommentedMap()
    for key in _LIMIT_KEYS:
        value = getattr(limits, key)
        if value == getattr(defaults, key):
            continue
        if key == "timeout":
            connect, read = value
            if connect == read:
                value = connect
            else:
                value = CommentedSeq([connect, read])
                value.fa.set_flow_style()
        out[key] = value
    return out or None


def _write_checked(path: Path, yaml: YAML, data: Any) -> None:
    """Dump, re-read the result as a check, then replace the file atomically."""
    import io

    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue()
    problems = _Problems(path)
    _parse_document(_yaml().load(text), problems)
    problems.raise_if_any()
    write_atomic(path, text)


# --- keeping comments with their entries --------------------------------------------------------
# ruamel hangs the comment lines above an entry either before that entry or at the end of the
# previous entry's last value. We gather them per entry ("headers"), edit the list, and put them
# back, so that a removed entry takes its own comment along and the others keep theirs.


@dataclass
class _Comments:
    headers: list[list[str]]  # comment lines above each entry, indentation included
    trailing: str  # comment lines after the last entry


def _take_comments(data: Any, seq: CommentedSeq) -> _Comments:
    """Detach every comment line between and after the entries of seq."""
    headers: list[list[str]] = [[] for _ in seq]
    trailing = ""
    for i in range(len(seq)):
        headers[i] = _token_lines(_header_tokens(data, seq, i)) + headers[i]
        token = _trailing_token(seq, i)
        if token is None:
            continue
        # The value starts with the entry's own end-of-line comment or its bare line end.
        cut = token.value.find("\n") + 1 or len(token.value)
        rest = token.value[cut:]
        token.value = token.value[:cut]
        if i + 1 < len(seq):
            headers[i + 1] = rest.splitlines(keepends=True)
        else:
            trailing = rest
    return _Comments(headers, trailing)


def _put_comments(data: Any, seq: CommentedSeq, comments: _Comments) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    for i, lines in enumerate(comments.headers):
        tokens = [CommentToken(line, CommentMark(0)) for line in lines] or None
        if i == 0:
            slot = data.ca.items.setdefault("sources", [None, None, None, None])
            slot[3] = tokens
            seq.ca.comment = [None, tokens] if tokens else None
        else:
            seq.ca.items.setdefault(i, [None, None, None, None])[1] = tokens
    if not comments.trailing or not seq:
        return
    token = _trailing_token(seq, len(seq) - 1)
    if token is not None:
        token.value += comments.trailing
        return
    holder, key, slot_index = list(_last_path(seq, len(seq) - 1))[-1]
    entry = holder.ca.items.setdefault(key, [None, None, None, None])
    entry[slot_index] = CommentToken("\n" + comments.trailing, CommentMark(0))


def _drop_entry(comments: _Comments, index: int) -> None:
    """Forget entry index's own comment (the block just above it); keep section comments."""
    lines = comments.headers.pop(index)
    blanks = [i for i, line in enumerate(lines) if not line.strip()]
    keep = lines[: blanks[-1] + 1] if blanks else []
    if index < len(comments.headers):
        comments.headers[index] = keep + comments.headers[index]
    else:
        comments.trailing = "".join(keep) + comments.trailing


def _header_tokens(data: Any, seq: CommentedSeq, index: int) -> list[Any]:
    tokens: list[Any] = []
    if index == 0:
        slot = data.ca.items.get("sources")
        tokens.extend((slot[3] or []) if slot else [])
        if seq.ca.comment:
            seq.ca.comment = None  # the same tokens as the key's, when ruamel set both
        if slot:
            slot[3] = None
    before = seq.ca.items.get(index)
    if before and before[1]:
        tokens.extend(before[1])
        before[1] = None
    return tokens


def _token_lines(tokens: list[Any]) -> list[str]:
    lines: list[str] = []
    for token in tokens:
        text = " " * (token.column or 0) + token.value  # the first line's indent is in the mark
        lines.extend(line if line.strip() else "\n" for line in text.splitlines(keepends=True))
    return lines


def _trailing_token(seq: CommentedSeq, index: int) -> Any:
    """The comment token after the last scalar of seq[index], wherever ruamel hung it."""
    for holder, key, slot in _last_path(seq, index):
        entry = holder.ca.items.get(key)
        if entry and entry[slot] is not None:
            return entry[slot]
    return None


def _last_path(node: Any, key: Any) -> Iterator[tuple[Any, Any, int]]:
    # A mapping's comment for a key sits in slot 2, a sequence's for an item in slot 0; a flow
    # collection's comments hang on its parent.
    while True:
        slot = 0 if isinstance(node, list) else 2
        yield node, key, slot
        value = node[key]
        if not value or not isinstance(value, dict | list) or _is_flow(value):
            return
        node, key = value, (list(value)[-1] if isinstance(value, dict) else len(value) - 1)


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


# --- small helpers ------------------------------------------------------------------------------


def _line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return getattr(lc, "line", None) if lc is not None else None


def _key_line(node: Any, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0])
    except (AttributeError, KeyError, TypeError):
        return _line(node)


def _value_line(node: Any, key: Any) -> int | None:
    try:
        return int(node.lc.value(key)[0])
    except (AttributeError, KeyError, TypeError):
        return _key_line(node, key)


def _item_line(node: Any, index: int) -> int | None:
    try:
        return int(node.lc.item(index)[0])
    except (AttributeError, KeyError, TypeError, IndexError):
        return _line(node)


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url.strip()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unknown(key: Any, known: tuple[str, ...]) -> str:
    return f"unknown field {key!r} (expected one of: {', '.join(known)})"


def _show(value: Any) -> str:
    return "nothing" if value is None else repr(value if not isinstance(value, str) else str(value))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def select_sources(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The named sources (all when no names are given); an unknown name is a SourcesError."""
    if not names:
        return list(sources)
    known = {s.name: s for s in sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SourcesError(
            f"no source named {', '.join(unknown)}; known: {', '.join(known) or 'none'}"
        )
    return [known[n] for n in names]


def build_source(
    name: str,
    url: str,
    *,
    tier: str = "official",
    publisher: str | None = None,
    links: str | None = None,
    next_css: str | None = None,
    title_css: str | None = None,
    date_css: str | None = None,
    body_css: str | None = None,
    encoding: str | None = None,
    place: str | None = None,
) -> Source:
    """A Source from command-line values; validated when written by add_source()."""
    if tier not in TIERS:
        raise SourcesError(f"--tier {tier!r}: expected one of {', '.join(TIERS)}")
    selectors = (
        Selectors(title_css, date_css, body_css) if (title_css or date_css or body_css) else None
    )
    return Source(
        name=name,
        publisher=publisher or name,
        tier=cast(Tier, tier),
        start_urls=[url],
        links=links,
        next_page=NextPageRule(css=next_css) if next_css else None,
        selectors=selectors,
        encoding=encoding,
        place=place,
    )


def sources_records(sources: list[Source], stats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`sources list --json`: each registered source with what the database holds for it."""
    by_name = {row["name"]: row for row in stats}
    return [
        {
            "name": s.name,
            "publisher": s.publisher,
            "tier": s.tier,
            "place": s.place,
            "start_urls": list(s.start_urls),
            "documents": by_name.get(s.name, {}).get("documents", 0),
            "last_fetched": by_name.get(s.name, {}).get("last_fetched"),
            "last_error": by_name.get(s.name, {}).get("last_error"),
        }
        for s in sources
    ]
