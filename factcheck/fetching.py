"""Polite fetching of a source's list and article pages into a document store, and file ingest.

Progress events, passed to `progress(event, url)`: "list" (a list page is requested), "fetch" (an
article is requested), then one outcome per article: "new", "changed", "unchanged", "duplicate",
"failed" or "skipped" (robots.txt disallows it). A failing list page reports "failed" too, and
so does every page of a site whose robots.txt cannot be read (no connection, or a 5xx answer).
An ingest of saved files first reports "total" with the number of files (as text) in place of a
URL, then one outcome per file ("list page" for a saved index page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urljoin, urlsplit

from factcheck import __version__
from factcheck.errors import FactcheckError, FetchError
from factcheck.files import read_regular
from factcheck.pages import ParsedPage, decode_page, list_links, parse_article, text_date
from factcheck.text import strip_controls

if TYPE_CHECKING:
    import requests
    from protego import Protego

    from factcheck.sources import Limits, Source

USER_AGENT = (
    f"factcheck/{__version__} (checks figures in news against official bulletins; "
    "obeys robots.txt; one request per host at a time)"
)
ROBOTS_AGENT = "factcheck"  # the token robots.txt groups are matched against
RETRIES = 2
BACKOFF_SECONDS = 1.0  # doubled on each retry
MAX_RETRY_AFTER = 60.0  # a server asking for longer gets the page marked failed instead
MAX_REDIRECTS = 5
RESPONSE_DEADLINE = 60.0  # seconds for a whole response, headers and body: no trickle outlasts it
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay is obeyed up to this many seconds
ROBOTS_MAX_BYTES = 512_000
FILE_SUFFIXES = (".html", ".htm", ".txt")
EVENTS = (
    "total",
    "list",
    "fetch",
    "new",
    "changed",
    "unchanged",
    "duplicate",
    "failed",
    "skipped",
    "list page",
)

Progress = Callable[[str, str], None]
Scope = Callable[[str], bool]  # whether a URL may be requested at all


@dataclass
class FetchedDocument:
    """An article as stored: its text, where and when it came from, and its cache validators."""

    source: str
    url: str
    title: str
    published: str | None
    text: str
    encoding: str
    content_sha256: str  # sha256 of text
    etag: str | None
    last_modified: str | None
    fetched_at: str  # ISO UTC
    facts: list[dict[str, Any]] | None = None  # figures extracted ahead (in a worker), if any


class DocumentStore(Protocol):
    """What fetching needs from storage (implemented over SQLite in factcheck.storage)."""

    def validators(self, url: str) -> tuple[str | None, str | None] | None: ...

    def has_content(self, content_sha256: str) -> bool: ...

    def save_document(self, doc: FetchedDocument) -> str: ...  # "new" | "changed" | "unchanged"

    def mark_unchanged(self, url: str) -> None: ...

    def record_failure(self, source: str, url: str, error: str) -> None: ...


@dataclass
class CachedPage:
    """A page that is not a stored document but must cost only a 304 next time: a list page (with
    the links read from it) or a copy of a stored document under another URL ("duplicate")."""

    url: str
    kind: str  # "list" | "duplicate"
    etag: str | None
    last_modified: str | None
    links: list[str] = field(default_factory=list)
    next_page: str | None = None
    rules: str = ""  # fingerprint of the source's link rules; a changed rule invalidates a list


@runtime_checkable
class PageCache(Protocol):
    """Optional store extension that keeps CachedPages between runs (else kept per client)."""

    def cached_page(self, url: str) -> CachedPage | None: ...

    def save_cached_page(self, page: CachedPage) -> None: ...


@dataclass
class FetchReport:
    """Counts of one fetch or ingest, and the (url, error) of every failure."""

    source: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped_robots: int = 0
    duplicates: int = 0
    list_pages: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HttpResult:
    """A response whose body was read within the size cap (empty for 304, redirects, errors)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL; it was not requested."""


class SiteUnreachable(FetchError):
    """The site's robots.txt could not be read (no connection, or a 5xx answer): nothing on the
    site is requested (RFC 9309), and its pages count as failed, not as skipped by robots.txt."""


class OffScope(FetchError):
    """A redirect (or a link) leads off the source's hosts; it was not followed."""


class TooSlow(FetchError):
    """The response did not arrive whole within the deadline; what came is thrown away."""


# --- a deadline per response --------------------------------------------------------------------


class _Deadline:
    """Shuts the socket of one response down when its time is up: requests' read timeout is
    per read, so a server sending one byte a second would otherwise be waited on forever."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            socks = list(self._socks)
        for sock in socks:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also under TLS: the blocked read returns at once.
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_CURRENT = threading.local()  # .deadline: the _Deadline of the request this thread is making


def _watched(connection: type[Any]) -> type[Any]:
    """An urllib3 connection class that hands its socket to the current deadline."""
    base_getresponse = connection.getresponse

    def getresponse(self: Any) -> Any:
        deadline = getattr(_CURRENT, "deadline", None)
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)
        return base_getresponse(self)

    return type(f"Watched{connection.__name__}", (connection,), {"getresponse": getresponse})


def _deadline_adapter() -> Any:
    """A requests adapter whose connections obey the current _Deadline."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    pools = {
        "http": type(
            "WatchedPool", (HTTPConnectionPool,), {"ConnectionCls": _watched(HTTPConnection)}
        ),
        "https": type(
            "WatchedTLSPool", (HTTPSConnectionPool,), {"ConnectionCls": _watched(HTTPSConnection)}
        ),
    }

    class DeadlineAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(*args, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    return DeadlineAdapter()


def _with_deadlines(session: requests.Session) -> None:
    from requests.adapters import HTTPAdapter

    # A caller's own adapter (a mock, a retry policy) is left in place.
    for prefix in ("http://", "https://"):
        if type(session.adapters.get(prefix)) is HTTPAdapter:
            session.mount(prefix, _deadline_adapter())


# --- scope: the hosts a source names ------------------------------------------------------------


def _host_key(url: str) -> tuple[str, int | None]:
    # http://a and https://a are one host (a site moving to TLS); another port is another server.
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), None if port == default else port


def same_host(url: str) -> Scope:
    """The scope of a single request: the host (and port) of url, nothing else."""
    key = _host_key(url)
    return lambda other: _host_key(other) == key


def source_scope(source: Source) -> Scope:
    """The hosts of the source's start URLs, and any URL its links rule names."""
    import re

    keys = {_host_key(url) for url in source.start_urls}
    pattern = re.compile(source.links) if source.links else None
    return lambda url: (
        _host_key(url) in keys or (pattern is not None and pattern.search(url) is not None)
    )


# --- the polite HTTP client ---------------------------------------------------------------------


class PoliteClient:
    """HTTP with robots.txt (Protego, cached per host), a delay per host, retries and size caps."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        retries: int = RETRIES,
        backoff: float = BACKOFF_SECONDS,
        deadline: float = RESPONSE_DEADLINE,
    ) -> None:
        import requests

        self.session = session if session is not None else requests.Session()
        if isinstance(self.session, requests.Session):
            _with_deadlines(self.session)
        self.deadline = deadline
        self.user_agent = user_agent
        self.sleep = sleep
        self.clock = clock
        self.retries = retries
        self.backoff = backoff
        self.pages: dict[str, CachedPage] = {}  # used when the store is not a PageCache
        self._robots: dict[str, Protego | SiteUnreachable] = {}  # origin -> parser, or why not
        self._last_request: dict[str, float] = {}

    def get(
        self,
        url: str,
        limits: Limits,
        headers: Mapping[str, str] | None = None,
        scope: Scope | None = None,
    ) -> HttpResult:
        """GET url, following redirects only within scope (default: url's own host) and where
        robots.txt allows; raises FetchError."""
        scope = scope or same_host(url)
        for _ in range(MAX_REDIRECTS + 1):
            if not scope(url):
                raise OffScope(f"off the source's hosts, not requested: {url}")
            reason = self.disallowed(url, limits)
            if reason:
                raise RobotsDisallowed(f"{reason}: {url}")
            result = self._request(url, limits, headers or {}, limits.max_bytes)
            location = result.headers.get("Location")
            if result.status not in (301, 302, 303, 307, 308) or not location:
                return result
            target = urljoin(url, location)
            if not scope(target):
                raise OffScope(f"redirected off the source's hosts, not followed: {target}")
            url = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def disallowed(self, url: str, limits: Limits) -> str | None:
        """Why robots.txt forbids url (a short reason), or None when it may be fetched; raises
        SiteUnreachable when the site's robots.txt cannot be read."""
        robots = self._robots_for(url, limits)
        if isinstance(robots, SiteUnreachable):
            raise robots
        if robots.can_fetch(url, ROBOTS_AGENT):
            return None
        return "disallowed by robots.txt"

    def _robots_for(self, url: str, limits: Limits) -> Protego | SiteUnreachable:
        from protego import Protego

        origin = _origin(url)
        if origin not in self._robots:
            # RFC 9309: an unreachable robots.txt means the whole site is off limits for now;
            # that is the site failing, not robots.txt forbidding anything.
            try:
                result = self._robots_txt(origin, limits)
            except FetchError as exc:
                self._robots[origin] = SiteUnreachable(
                    f"site unreachable: {exc} (asking for {origin}/robots.txt)"
                )
            else:
                if result.status >= 500:
                    self._robots[origin] = SiteUnreachable(
                        f"site unavailable: robots.txt answered HTTP {result.status}; "
                        "nothing on the site is fetched until it answers"
                    )
                elif result.status >= 300:
                    self._robots[origin] = Protego.parse("")  # no robots.txt: all allowed
                else:
                    self._robots[origin] = _parse_robots(result.body)
        return self._robots[origin]

    def _robots_txt(self, origin: str, limits: Limits) -> HttpResult:
        url = origin + "/robots.txt"
        on_host = same_host(url)
        for _ in range(MAX_REDIRECTS + 1):
            result = self._request(url, limits, {}, ROBOTS_MAX_BYTES)
            location = result.headers.get("Location")
            if result.status not in (301, 302, 303, 307, 308) or not location:
                return result
            # Off the host is not followed: the redirect stands, as if there were no robots.txt.
            if not on_host(urljoin(url, location)):
                return result
            url = urljoin(url, location)
        return result

    def _delay(self, url: str, limits: Limits) -> float:
        robots = self._robots.get(_origin(url))
        asked = (
            robots.crawl_delay(ROBOTS_AGENT)
            if robots and not isinstance(robots, FetchError)
            else None
        )
        return max(limits.delay, min(float(asked or 0.0), MAX_CRAWL_DELAY))

    def _request(
        self, url: str, limits: Limits, headers: Mapping[str, str], max_bytes: int
    ) -> HttpResult:
        import requests

        sent = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", **headers}
        attempts = self.retries + 1
        for attempt in range(attempts):
            self._wait_turn(url, limits)
            try:
                result, retry_after = self._attempt(url, sent, limits, max_bytes)
            except (requests.Timeout, requests.ConnectionError) as exc:
                if attempt + 1 < attempts:
                    self.sleep(self.backoff * 2**attempt)
                    continue
                raise FetchError(f"{_network_error(exc)} after {attempts} attempts") from None
            except requests.RequestException as exc:
                raise FetchError(_one_line(f"{type(exc).__name__}: {exc}")) from None
            finally:
                self._last_request[_origin(url)] = self.clock()
            if retry_after is None or attempt + 1 == attempts:
                return result
            self.sleep(max(retry_after, self.backoff * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self, url: str, headers: Mapping[str, str], limits: Limits, max_bytes: int
    ) -> tuple[HttpResult, float | None]:
        """One request; the second value is a wait in seconds when the answer is worth a retry."""
        import requests
        from requests.structures import CaseInsensitiveDict

        deadline = _CURRENT.deadline = _Deadline(self.deadline)
        try:
            response = self.session.get(
                url,
                headers=dict(headers),
                timeout=limits.timeout,
                stream=True,
                allow_redirects=False,
            )
            try:
                status = response.status_code
                retry_after = _retry_wait(status, response.headers.get("Retry-After"))
                body = b""
                if 200 <= status < 300:
                    body = _read_capped(response, max_bytes)
            finally:
                response.close()
        except requests.RequestException:
            if deadline.fired:
                raise self._too_slow() from None
            raise
        finally:
            deadline.cancel()
            _CURRENT.deadline = None
        if deadline.fired:  # the socket was shut: the body may look whole and be cut short
            raise self._too_slow()
        return HttpResult(url, status, CaseInsensitiveDict(response.headers), body), retry_after

    def _too_slow(self) -> TooSlow:
        return TooSlow(f"no complete response within {self.deadline:g} s; gave up")

    def _wait_turn(self, url: str, limits: Limits) -> None:
        last = self._last_request.get(_origin(url))
        if last is None:
            return
        wait = last + self._delay(url, limits) - self.clock()
        if wait > 0:
            self.sleep(wait)


def _parse_robots(body: bytes) -> Protego:
    from protego import Protego

    try:
        return Protego.parse(body.decode("utf-8", errors="replace"))
    except Exception:  # a robots.txt too broken to read forbids nothing, as if it were missing
        return Protego.parse("")


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response of {declared} bytes is over the {max_bytes}-byte cap")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65_536):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response is over the {max_bytes}-byte cap; stopped reading")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_wait(status: int, retry_after: str | None) -> float | None:
    """Seconds to wait before a retry (0: the usual back-off), None when not worth retrying."""
    if status not in (408, 429) and not 500 <= status < 600:
        return None
    seconds = _seconds_until(retry_after.strip()) if retry_after else 0.0
    if math.isnan(seconds):  # unreadable (NaN, garbage): as if the header were absent
        return 0.0
    return None if seconds > MAX_RETRY_AFTER else max(seconds, 0.0)


def _seconds_until(value: str) -> float:
    # RFC 9110: delay-seconds (digits) or an HTTP date; anything else reads as NaN.
    if value.isascii() and value.isdigit():
        return float(value) if len(value) < 10 else math.inf
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": UTC, by RFC 5322
            when = when.replace(tzinfo=dt.timezone.utc)
        return (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    except (TypeError, ValueError, OverflowError, IndexError):
        return math.nan


def _network_error(exc: Exception) -> str:
    """A short reason for a failed connection: refused, host not found, reset, timed out."""
    import requests

    if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
        return "timed out"
    for cause in _causes(exc):
        for kind, reason in _NETWORK_REASONS:
            if isinstance(cause, kind):
                return reason
    return _one_line(f"connection failed: {type(exc).__name__}")


_NETWORK_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host name not found"),
    (ConnectionResetError, "connection reset"),
    (TimeoutError, "timed out"),
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    # requests wraps urllib3's MaxRetryError, whose .reason wraps the socket's own error.
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        cause = todo.pop()
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        linked = [getattr(cause, "reason", None), cause.__cause__, cause.__context__, *cause.args]
        todo += [c for c in linked if isinstance(c, BaseException)]


# --- fetching a source --------------------------------------------------------------------------


def fetch_source(
    source: Source,
    store: DocumentStore,
    *,
    session: requests.Session | None = None,
    progress: Progress | None = None,
    client: PoliteClient | None = None,
    force: bool = False,
) -> FetchReport:
    """Crawl a source's list pages and articles into store; failures are recorded, never raised.

    force skips conditional requests (every page is downloaded again).
    """
    run = _Crawl(source, store, client or PoliteClient(session), progress, force)
    for start in source.start_urls:
        if run.full:
            break
        run.crawl(start)
    return run.recorder.report


class _Recorder:
    """Saves documents once per URL and per content, and records failures; shared with ingest."""

    def __init__(self, source: str, store: DocumentStore, progress: Progress | None) -> None:
        self.report = FetchReport(source)
        self.store = store
        self.progress = progress or (lambda event, url: None)
        self.hashes: set[str] = set()

    def save(self, doc: FetchedDocument, known: bool) -> str:
        """Save doc unless it copies another; returns new, changed, unchanged or duplicate."""
        # A URL the store has never seen, with text it already holds, is a copy: drop it.
        if doc.content_sha256 in self.hashes or (
            not known and self.store.has_content(doc.content_sha256)
        ):
            self.duplicate(doc.url)
            return "duplicate"
        self.hashes.add(doc.content_sha256)
        outcome = self.store.save_document(doc)
        if outcome not in ("new", "changed", "unchanged"):
            outcome = "changed"
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        self.progress(outcome, doc.url)
        return outcome

    def duplicate(self, url: str) -> None:
        self.report.duplicates += 1
        self.progress("duplicate", url)

    def unchanged(self, url: str) -> None:
        self.store.mark_unchanged(url)
        self.report.unchanged += 1
        self.progress("unchanged", url)

    def fail(self, url: str, error: str | Exception) -> None:
        message = _one_line(str(error)) or type(error).__name__
        self.report.failed += 1
        self.report.errors.append((url, message))
        self.store.record_failure(self.report.source, url, message)
        self.progress("failed", url)

    def skipped(self, url: str, error: FetchError) -> None:
        self.report.skipped_robots += 1
        self.report.errors.append((url, _one_line(str(error))))
        self.progress("skipped", url)


class _Crawl:
    def __init__(
        self,
        source: Source,
        store: DocumentStore,
        client: PoliteClient,
        progress: Progress | None,
        force: bool,
    ) -> None:
        self.source = source
        self.store = store
        self.client = client
        self.force = force
        self.recorder = _Recorder(source.name, store, progress)
        self.scope = source_scope(source)
        self.urls: set[str] = set()
        self.lists: set[str] = set()
        self.requested = 0
        self.rules = hashlib.sha256(
            repr((source.links, source.next_page, source.start_urls, source.encoding)).encode()
        ).hexdigest()[:16]

    @property
    def full(self) -> bool:
        return self.requested >= self.source.limits.max_documents

    def crawl(self, start: str) -> None:
        url: str | None = start
        pages = 0
        while url and pages < self.source.limits.max_pages and url not in self.lists:
            if not self.scope(url):
                self.recorder.fail(url, "next page is off the source's hosts; not requested")
                return
            self.lists.add(url)
            pages += 1
            listing = self.list_page(url)
            if listing is None:
                return
            for link in listing.links:
                if self.full:
                    return
                self.article(link)
            url = listing.next_page

    def list_page(self, url: str) -> CachedPage | None:
        self.recorder.progress("list", url)
        cached = self._cached(url, "list")
        try:
            result = self.client.get(url, self.source.limits, _conditional(cached), self.scope)
        except RobotsDisallowed as exc:
            self.recorder.skipped(url, exc)
            return None
        except FetchError as exc:
            self.recorder.fail(url, exc)
            return None
        self.recorder.report.list_pages += 1
        if result.status == 304 and cached is not None:
            return cached
        if result.status != 200 or not _is_page(result.headers.get("Content-Type")):
            problem = f"HTTP {result.status}" if result.status != 200 else "not a web page"
            self.recorder.fail(url, problem)
            return None
        html, _ = decode_page(result.body, result.headers.get("Content-Type"), self.source.encoding)
        links, next_page = list_links(html, result.url, self.source)
        page = CachedPage(url, "list", *_validators(result), links, next_page, self.rules)
        self._remember(page)
        return page

    def article(self, url: str) -> None:
        if url in self.urls:
            return
        self.urls.add(url)
        if not self.scope(url):
            self.recorder.fail(url, "off the source's hosts; not requested")
            return
        known = self.store.validators(url)
        copy = None if known is not None else self._cached(url, "duplicate")
        validators = known if copy is None else (copy.etag, copy.last_modified)
        self.recorder.progress("fetch", url)
        try:
            headers = _conditional(validators, self.force)
            result = self.client.get(url, self.source.limits, headers, self.scope)
        except RobotsDisallowed as exc:
            self.recorder.skipped(url, exc)
            return
        except FetchError as exc:
            self.requested += 1
            self.recorder.fail(url, exc)
            return
        self.requested += 1
        if result.status == 304 and known is not None:
            self.recorder.unchanged(url)
        elif result.status == 304 and copy is not None:
            self.recorder.duplicate(url)
        elif result.status != 200:
            self.recorder.fail(url, f"HTTP {result.status}")
        else:
            self._save(url, result, known is not None)

    def _save(self, url: str, result: HttpResult, known: bool) -> None:
        kind = result.headers.get("Content-Type")
        if not _is_page(kind):
            self.recorder.fail(url, f"not a web page ({kind})")
            return
        try:
            html, encoding = decode_page(
                result.body, result.headers.get("Content-Type"), self.source.encoding
            )
            parsed = parse_article(html, url, self.source.selectors)
        except Exception as exc:  # a hostile page must not stop the run
            self.recorder.fail(url, f"cannot parse: {type(exc).__name__}: {exc}")
            return
        if not parsed.text.strip():
            self.recorder.fail(url, "no article text found")
            return
        etag, last_modified = _validators(result)
        doc = _document(self.source.name, url, parsed, encoding, etag, last_modified)
        if self.recorder.save(doc, known) == "duplicate" and (etag or last_modified):
            self._remember(CachedPage(url, "duplicate", etag, last_modified))

    def _cached(self, url: str, kind: str) -> CachedPage | None:
        if self.force:
            return None
        store = self.store
        page = (
            store.cached_page(url) if isinstance(store, PageCache) else self.client.pages.get(url)
        )
        if page is None or page.kind != kind or (kind == "list" and page.rules != self.rules):
            return None
        return page

    def _remember(self, page: CachedPage) -> None:
        if isinstance(self.store, PageCache):
            self.store.save_cached_page(page)
        else:
            self.client.pages[page.url] = page


def _conditional(
    validators: CachedPage | tuple[str | None, str | None] | None, force: bool = False
) -> dict[str, str]:
    if validators is None or force:
        return {}
    if isinstance(validators, CachedPage):
        etag, last_modified = validators.etag, validators.last_modified
    else:
        etag, last_modified = validators
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _is_page(content_type: str | None) -> bool:
    # Servers that send no type, or text/*, or (X)HTML, are given the benefit of the doubt.
    kind = (content_type or "").split(";")[0].strip().lower()
    return not kind or kind.startswith("text/") or "html" in kind or kind.endswith("xml")


def _validators(result: HttpResult) -> tuple[str | None, str | None]:
    return result.headers.get("ETag"), result.headers.get("Last-Modified")


def _document(
    source: str,
    url: str,
    parsed: ParsedPage,
    encoding: str,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchedDocument:
    # Pages are hostile: no control character (ESC, OSC, BEL) is stored, so none is ever printed.
    text = strip_controls(parsed.text)
    return FetchedDocument(
        source=source,
        url=url,
        title=" ".join(strip_controls(parsed.title).split()),
        published=parsed.published,
        text=text,
        encoding=encoding,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        etag=etag,
        last_modified=last_modified,
        fetched_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    )


# --- saved files --------------------------------------------------------------------------------


Prepare = Callable[[FetchedDocument], FetchedDocument]


def ingest_files(
    paths: Iterable[Path],
    source_name: str,
    store: DocumentStore,
    *,
    progress: Progress | None = None,
    max_bytes: int = 20_000_000,
    workers: int = 1,
    prepare: Prepare | None = None,
) -> FetchReport:
    """Store saved .html/.htm/.txt pages (directories are searched); the URL is the page's
    canonical URL when it names one, else file:///abs/path.

    With workers > 1, pages are read, parsed and passed through `prepare` (a module-level
    function, e.g. one that extracts the figures) in that many processes; storing stays here.
    """
    recorder = _Recorder(source_name, store, progress)
    seen: set[str] = set()
    files = list(_expand(paths))
    recorder.progress("total", str(len(files)))  # before the first file: a bar can show a total
    jobs = ((path, max_bytes, source_name, prepare) for path in files)
    with _mapper(workers) as mapper:
        for path, doc, error in mapper(_load, jobs):
            url = doc.url if doc is not None else path.resolve().as_uri()
            if error == LIST_PAGE:  # a saved index page: its headlines are not a document's facts
                recorder.report.list_pages += 1
                recorder.progress("list page", url)
                continue
            if doc is None:
                recorder.fail(url, error or "cannot read")
                continue
            if url in seen:
                recorder.report.duplicates += 1
                recorder.progress("duplicate", url)
                continue
            seen.add(url)
            if not doc.text.strip():
                recorder.fail(url, "no article text found")
                continue
            recorder.save(doc, store.validators(url) is not None)
    return recorder.report


LIST_PAGE = "a list page, not an article"
_Job = tuple[Path, int, str, "Prepare | None"]
_Loaded = tuple[Path, "FetchedDocument | None", "str | None"]


@contextmanager
def _mapper(
    workers: int,
) -> Iterator[Callable[[Callable[[_Job], _Loaded], Iterable[_Job]], Iterable[_Loaded]]]:
    """map() in this process, or an ordered map over a process pool."""
    if workers <= 1:
        yield map
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield lambda func, jobs: pool.map(func, jobs, chunksize=8)


def _load(job: _Job) -> _Loaded:
    """Read, parse and prepare one saved page; errors come back as text (never raised)."""
    path, max_bytes, source_name, prepare = job
    try:
        parsed, encoding = _read_file(path, max_bytes)
    except (OSError, FactcheckError) as exc:
        return path, None, _one_line(str(exc))
    except Exception as exc:  # a hostile file must not stop the batch
        return path, None, _one_line(f"cannot parse: {type(exc).__name__}: {exc}")
    if parsed.list_page:
        return path, None, LIST_PAGE
    doc = _document(source_name, parsed.canonical or path.resolve().as_uri(), parsed, encoding)
    if prepare is not None and doc.text.strip():
        doc = prepare(doc)
    return path, doc, None


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in FILE_SUFFIXES)
        else:
            yield path


def _read_file(path: Path, max_bytes: int) -> tuple[ParsedPage, str]:
    suffix = path.suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise FetchError(
            f"unsupported file type {suffix or '(none)'}: expected .html, .htm or .txt"
        )
    data = read_regular(path, max_bytes, "a saved page")  # a FIFO named x.html is refused
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FetchError("binary file, not a page")
    text, encoding = decode_page(data, None, None)
    if suffix == ".txt":
        return _parse_text(text), encoding
    return parse_article(text, path.resolve().as_uri(), None), encoding


def _parse_text(text: str) -> ParsedPage:
    # A saved plain-text article: the first line is its title; all lines are kept as its text.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines[0] if lines else ""
    return ParsedPage(title=title, published=text_date(lines), text="\n".join(lines))


# --- helpers ------------------------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- a look at one source without storing anything ----------------------------------------------


@dataclass
class SourcePreview:
    """What a fetch of a source would collect from its first list page, and its first article."""

    list_url: str
    links: list[str] = field(default_factory=list)
    next_page: str | None = None
    article_url: str | None = None
    article: ParsedPage | None = None
    error: str | None = None


def preview_source(source: Source, client: PoliteClient | None = None) -> SourcePreview:
    """Fetch the first list page and the first article it links (politely); store nothing."""
    client = client or PoliteClient()
    preview = SourcePreview(source.start_urls[0])
    scope = source_scope(source)
    try:
        listing = client.get(preview.list_url, source.limits, scope=scope)
        if listing.status != 200:
            raise FetchError(f"HTTP {listing.status} for {preview.list_url}")
        html, _ = decode_page(listing.body, listing.headers.get("Content-Type"), source.encoding)
        preview.links, preview.next_page = list_links(html, listing.url, source)
        if not preview.links:
            return preview
        preview.article_url = preview.links[0]
        page = client.get(preview.article_url, source.limits, scope=scope)
        if page.status != 200:
            raise FetchError(f"HTTP {page.status} for {preview.article_url}")
        text, _ = decode_page(page.body, page.headers.get("Content-Type"), source.encoding)
        preview.article = parse_article(text, preview.article_url, source.selectors)
    except FetchError as exc:
        preview.error = _one_line(str(exc))
    return preview
