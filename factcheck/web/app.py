"""The review desk's web application (Starlette and Jinja2): routes parse the request, call
factcheck.web.desk or the library, and render a template. Nothing else happens here."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import __version__, reports
from ..errors import FactcheckError, InputError
from ..reports import CSP as REPORT_CSP
from ..reports import FORMATS, SUFFIXES, build_report, render
from ..status import DECISION_WORDS, VERDICT_MEANINGS
from ..storage import Database
from ..text import MAX_ARTICLE_BYTES, strip_controls
from . import desk

if TYPE_CHECKING:
    from spacy.language import Language

T = TypeVar("T")

# Scripts and styles only from this server, no inline code, no frames, no other origin: a
# scraped page that escaped escaping still could not run or load anything.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: Chromium then sends "Origin: null" with the desk's own forms.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
SESSION_COOKIE = "fc_session"
TOKEN_COOKIE = "fc_token"
REVIEWER_COOKIE = "fc_reviewer"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
MAX_FORM_BYTES = MAX_ARTICLE_BYTES + 1  # a pasted article one byte over gets `run`'s error
REPORT_MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "claimreview": "application/ld+json",
}


def is_loopback(host: str) -> bool:
    """Whether a --host value only listens on this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Desk:
    """The application's state: where the database is, the pipeline, the secrets."""

    db_path: Path
    nlp: Language | None = None
    token: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    run_rows: desk.RunRows = field(default_factory=desk.RunRows)
    _checker: desk.Checker | None = None
    _db: Database | None = None
    _db_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="factcheck-db")
    )

    def checker(self) -> desk.Checker:
        """The checker, loading the pipeline on first use when none was given."""
        if self._checker is None:
            if self.nlp is None:
                from ..pipeline import load_pipeline

                self.nlp = load_pipeline()
            self._checker = desk.Checker(self.nlp)
        return self._checker

    def csrf(self, session: str) -> str:
        """The CSRF token of a browser session: an HMAC of its cookie under this server's key."""
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(db, …) on the desk's one database thread, over its one connection.

        One connection, not one per request: opening a Database reads its header through a file
        descriptor of its own, and closing any descriptor of a file drops every POSIX lock the
        process holds on it, so opening one while another thread is inside a transaction can
        corrupt the file (sqlite.org/howtocorrupt.html, 2.2). SQLite serialises writers anyway.
        """

        def work() -> T:
            if self._db is None:
                self._db = Database(self.db_path)
            return fn(self._db, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._db_thread, work)

    def close(self) -> None:
        """Close the connection (on its thread) and stop the thread."""

        def work() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        self._db_thread.submit(work).result()
        self._db_thread.shutdown()


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("factcheck.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["u"] = untrusted
    env.filters["safe_url"] = _safe_url
    env.filters["plain"] = strip_controls
    env.globals.update(
        version=__version__,
        formats=FORMATS,
        decision_words=DECISION_WORDS,
        verdict_meanings=VERDICT_MEANINGS,
        run_filters=desk.RUN_FILTERS,
        item_sentences=desk.item_sentences,
        article_html=article_html,
    )
    return env


def untrusted(value: Any) -> Markup:
    """Text from an article, a scraped page or a reviewer: escaped, and isolated in <bdi> so a
    right-to-left override inside cannot reorder the page around it."""
    return Markup("<bdi>{}</bdi>").format("" if value is None else str(value))


def _safe_url(value: Any) -> str | None:
    return reports.safe_url(value)


@lru_cache(maxsize=1)
def report_css() -> str:
    """The reports' stylesheet (the annotated article's looks), served as a file."""
    return reports.report_css()


def article_html(report: reports.Report) -> Markup:
    """The annotated article of the reports (escaped there)."""
    return Markup(reports.article_html(report))


def create_app(
    db_path: str | Path,
    *,
    nlp: Language | None = None,
    token: str | None = None,
    host: str = "127.0.0.1",
) -> Starlette:
    """The desk over the database at db_path; with a token every request must carry it."""
    state = Desk(Path(db_path), nlp, token)
    templates = Jinja2Templates(env=_environment())

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        session = request.state.session
        context.update(
            csrf=state.csrf(session),
            reviewer=_reviewer(request),
        )
        return templates.TemplateResponse(request, name, context, status_code=status)

    async def form_of(request: Request) -> FormData:
        """The posted form once its CSRF token is checked (403 otherwise)."""
        form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_FORM_BYTES)
        given = form.get("csrf")
        expected = state.csrf(request.state.session)
        if not isinstance(given, str) or not hmac.compare_digest(given, expected):
            raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")
        return form

    async def runs_page(request: Request) -> Response:
        params = request.query_params
        status = params.get("status") or None
        query = params.get("q", "")
        try:
            number = int(params.get("page", "1"))
            found = await state.call(desk.list_runs, status, query, number, rows=state.run_rows)
        except ValueError:
            return page(request, "error.html", 400, error="page: expected a number")
        except InputError as exc:
            return page(request, "error.html", 400, error=str(exc))
        return page(request, "runs.html", runs=found)

    async def check_form(request: Request) -> Response:
        return page(request, "check.html", values={})

    async def check_submit(request: Request) -> Response:
        form = await form_of(request)
        values = {k: _text(form, k) for k in ("published", "url", "text")}
        upload = form.get("file")
        try:
            data, filename = await _article_bytes(values["text"], upload)
            name = desk.upload_name(filename, data)
            checker = await run_in_threadpool(state.checker)  # loads the pipeline if none yet
            submission = await run_in_threadpool(
                checker.prepare, data, name, values["published"], values["url"]
            )
            result = await state.call(checker.store, submission)
        except FactcheckError as exc:
            return page(request, "check.html", 400, values=values, error=_line(exc))
        return RedirectResponse(f"/runs/{quote(result.run_id)}", status_code=303)

    async def article_page(request: Request) -> Response:
        run_id = request.path_params["run_id"]
        view = await _article(run_id)
        return page(request, "article.html", view=view)

    async def _article(run_id: str) -> desk.ArticleView:
        try:
            return await state.call(desk.article_view, run_id)
        except InputError as exc:
            raise HTTPException(404, str(exc)) from None

    async def decide_item(request: Request) -> Response:
        form = await form_of(request)
        run_id = request.path_params["run_id"]
        item_id = request.path_params["item_id"]
        reviewer = _text(form, "reviewer") or _reviewer(request)
        try:
            await state.call(
                desk.record_decision,
                run_id,
                item_id,
                _text(form, "decision"),
                note=_text(form, "note"),
                value=_text(form, "value"),
                reviewer=reviewer,
            )
        except InputError as exc:
            view = await _article(run_id)
            return page(
                request, "article.html", 400, view=view, error=_line(exc), failed_item=item_id
            )
        target = f"/runs/{quote(run_id)}#item-{quote(_text(form, 'next') or item_id)}"
        return RedirectResponse(target, status_code=303)

    async def set_reviewer(request: Request) -> Response:
        form = await form_of(request)
        name = " ".join(_text(form, "reviewer").split())[:80]
        back = _text(form, "next")
        response = RedirectResponse(back if _local_path(back) else "/", status_code=303)
        if name:
            response.set_cookie(
                REVIEWER_COOKIE, quote(name), httponly=True, samesite="strict", max_age=31536000
            )
        else:
            response.delete_cookie(REVIEWER_COOKIE)
        return response

    async def download(request: Request) -> Response:
        run_id = request.path_params["run_id"]
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise HTTPException(404, f"report format {fmt!r}: expected one of {', '.join(FORMATS)}")
        try:
            report = await state.call(build_report, run_id)
        except InputError as exc:
            raise HTTPException(404, str(exc)) from None
        params = request.query_params
        try:  # ClaimReview needs where the HTML report is published and who publishes it
            text = render(
                report,
                fmt,
                base_url=params.get("base_url") or None,
                author=params.get("author") or "",
                author_url=params.get("author_url") or None,
            )
        except InputError as exc:
            return page(request, "error.html", 400, error=_line(exc))
        filename = f"{Path(report.run.article).stem}-{report.run.run_id}{SUFFIXES[fmt]}"
        headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
        if fmt == "html":  # the report's own policy: it must open on its own, with no script
            headers["Content-Security-Policy"] = REPORT_CSP
        return Response(text, media_type=REPORT_MEDIA[fmt], headers=headers)

    async def bulletins_page(request: Request) -> Response:
        query = request.query_params.get("q", "")
        hits = await state.call(desk.search_bulletins, query) if query.strip() else []
        sources = await state.call(desk.source_stats)
        return page(request, "bulletins.html", query=query, hits=hits, sources=sources)

    async def document_page(request: Request) -> Response:
        try:
            view = await state.call(desk.document_view, request.path_params["doc_id"])
        except InputError as exc:
            raise HTTPException(404, str(exc)) from None
        return page(request, "document.html", view=view)

    async def report_stylesheet(request: Request) -> Response:
        return Response(report_css(), media_type="text/css")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if not hasattr(request.state, "session"):  # refused before a session (trusted hosts)
            return PlainTextResponse(exc.detail, exc.status_code)
        return page(request, "error.html", exc.status_code, error=exc.detail)

    async def library_error(request: Request, exc: Exception) -> Response:
        # A database that cannot be read or written: its one-line error, as the CLI prints it.
        return page(request, "error.html", 500, error=_line(exc))

    routes = [
        Route("/", runs_page, name="runs"),
        Route("/check", check_form, methods=["GET"], name="check"),
        Route("/check", check_submit, methods=["POST"]),
        Route("/runs/{run_id}", article_page, name="article"),
        Route("/runs/{run_id}/items/{item_id}", decide_item, methods=["POST"], name="decide"),
        Route("/runs/{run_id}/report.{fmt}", download, name="download"),
        Route("/reviewer", set_reviewer, methods=["POST"], name="reviewer"),
        Route("/bulletins", bulletins_page, name="bulletins"),
        Route("/documents/{doc_id:int}", document_page, name="document"),
        Route("/static/report.css", report_stylesheet, name="report_css"),
        Mount("/static", StaticFiles(packages=[("factcheck.web", "static")]), name="static"),
    ]
    # Without a token, a page on another site must not reach the desk through a DNS name pointed
    # at 127.0.0.1 (DNS rebinding): only loopback names are served. With one, any name the
    # machine is reached by will do; the token guards it.
    hosts = ["*"] if token else sorted({h.strip("[]") for h in (*LOOPBACK_NAMES, host)})
    middleware = [
        Middleware(BaseHTTPMiddleware, dispatch=_guard(state)),
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(state.close)

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error, FactcheckError: library_error},
        lifespan=lifespan,
    )
    app.state.desk = state
    return app


def _guard(state: Desk) -> Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]:
    """The middleware: the access token, the session cookie, the security headers."""

    async def guard(request: Request, call_next: RequestResponseEndpoint) -> Response:
        if state.token is not None:
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not hmac.compare_digest(given.encode(), state.token.encode()):
                return _secured(
                    PlainTextResponse("401: open the address printed at start (with ?token=)", 401)
                )
            if "token" in request.query_params:  # keep it in a cookie, not in the address bar
                redirect = RedirectResponse(request.url.path, status_code=303)
                redirect.set_cookie(TOKEN_COOKIE, state.token, httponly=True, samesite="strict")
                return _secured(redirect)
        session = request.cookies.get(SESSION_COOKIE)
        fresh = not session
        request.state.session = session = session or secrets.token_urlsafe(24)
        if request.method == "POST" and not _same_origin(request):
            return _secured(PlainTextResponse("403: a form from another site", 403))
        response = await call_next(request)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return _secured(response)

    return guard


def _secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _same_origin(request: Request) -> bool:
    """A POST with an Origin header must come from this server (browsers send it)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _reviewer(request: Request) -> str:
    """The reviewer's name from the cookie set by the Reviewer form."""
    return unquote(request.cookies.get(REVIEWER_COOKIE, ""))


def _local_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _line(exc: Exception) -> str:
    """The error as the command line prints it: one line."""
    return " ".join(str(exc).split())


async def _article_bytes(text: str, upload: Any) -> tuple[bytes, str | None]:
    """The article's bytes: the uploaded file or the pasted text (not both)."""
    has_file = isinstance(upload, UploadFile) and bool(upload.filename)
    if has_file and text.strip():
        raise InputError("give the article's text or a file, not both")
    if has_file:
        assert isinstance(upload, UploadFile)
        return await upload.read(), upload.filename
    # A browser sends text areas with CRLF line ends; the file the text came from had LF.
    return text.replace("\r\n", "\n").encode("utf-8"), None


def serve(
    db_path: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None
) -> None:
    """Start the desk (blocking): check the database, load the pipeline once, listen."""
    import uvicorn

    from ..pipeline import load_pipeline

    if token == "generate":
        token = secrets.token_urlsafe(18)
    if not is_loopback(host) and not token:
        raise InputError(
            f"--host {host}: not a loopback address, so the desk would be open to the network; "
            "give --token TOKEN (or --token generate)"
        )
    Database(db_path).close()  # a bad --db fails here with its one-line error
    sock = listening(host, port)
    app = create_app(db_path, nlp=load_pipeline(), token=token, host=host)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={quote(token)}" if token else "")
    print(f"factcheck desk: {address} (database {db_path}); Ctrl-C stops it", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or InputError (one line) when it cannot be."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        raise InputError(f"--host {host} --port {port}: cannot listen ({exc.strerror})") from None
    return sock
