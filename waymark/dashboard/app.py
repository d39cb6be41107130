"""The ASGI application: routes, the token gate, security headers and the shared store.

`create_app(dsn, token=...)` returns a Starlette app; `pages` renders, `security` decides who
may do what. The store (a `PostgresStore` pool, which migrates on open) is opened on the first
request and closed with the app, so the app works under any ASGI server or test transport.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from waymark.dashboard import pages
from waymark.dashboard.live import Broadcast
from waymark.dashboard.outage import Unreachable
from waymark.dashboard.security import TOKEN_COOKIE, Guard
from waymark_runtime.store.postgres import PostgresStore

HERE = Path(__file__).parent
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

MAX_BODY_BYTES = 100 * 1024 * 1024
"""The largest request body read (a form with a signal's payload of WAYMARK_MAX_PAYLOAD_BYTES
of JSON, URL-encoded, fits)."""


class State:
    """What every request shares: the store (opened on first use), the guard, the broadcast."""

    def __init__(self, dsn: str, guard: Guard) -> None:
        self.dsn = dsn
        self.guard = guard
        self.broadcast = Broadcast(dsn)
        self._store: PostgresStore | None = None
        self._lock = asyncio.Lock()

    async def store(self) -> PostgresStore:
        async with self._lock:
            if self._store is None:
                self._store = await PostgresStore.open(self.dsn, max_size=4)
            return self._store

    async def close(self) -> None:
        await self.broadcast.close()
        if self._store is not None:
            await self._store.close()
            self._store = None


class TokenGate(BaseHTTPMiddleware):
    """With a token, every route but `/healthz` and `/static` needs it; `?token=` sets the
    cookie. Every response gets the security headers."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        state: State = request.app.state.dashboard
        path = request.url.path
        response: Response
        given = request.query_params.get("token")
        if given is not None and state.guard.token_matches(given):
            target = request.url.remove_query_params("token")
            response = RedirectResponse(
                target.path + (f"?{target.query}" if target.query else ""), 303
            )
            response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
        elif (
            path == "/healthz"
            or path.startswith("/static/")
            or state.guard.allows(request.headers.get("authorization"), request.cookies.get(TOKEN_COOKIE))
        ):  # fmt: skip
            response = await call_next(request)
        else:
            response = PlainTextResponse(
                "this dashboard needs its token: open it once as /?token=TOKEN "
                "(WAYMARK_WEBAPP_TOKEN) or send Authorization: Bearer TOKEN",
                status_code=401,
            )
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class BodyLimit:
    """Reads a posted body whole, up to `MAX_BODY_BYTES`, before the route sees it; a larger
    one is refused with 413 without being held (a form is parsed in memory, so a body that
    never ends would otherwise be kept whole)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        chunks: list[bytes] = []
        size = int(declared) if declared.isdigit() else 0
        while size <= MAX_BODY_BYTES:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size = sum(map(len, chunks))
            if not message.get("more_body", False):
                break
        if size > MAX_BODY_BYTES:
            refusal = f"the request's body is larger than {MAX_BODY_BYTES:,} bytes"
            await PlainTextResponse(refusal, 413)(scope, receive, send)
            return
        body = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            return body.pop() if body else await receive()

        await self.app(scope, replayed, send)


def _time(value: float | datetime | None) -> str:
    if value is None:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def _error_line(error: Any) -> str:
    """A stored exception as one line, `ValueError: message`."""
    if isinstance(error, dict) and isinstance(error.get("type"), str):
        return f"{error['type'].rpartition(':')[2]}: {error.get('message', '')}"
    return json.dumps(error, ensure_ascii=False, default=str)


def templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every stored string is text, never markup
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(time=_time, duration=_duration, json=_json, error_line=_error_line)
    return Jinja2Templates(env=environment)


def create_app(dsn: str, *, token: str | None = None) -> Starlette:
    """The dashboard over the database at `dsn`; `token` as `WAYMARK_WEBAPP_TOKEN`."""
    state = State(dsn, Guard.of(token))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.close()

    routes = [
        Route("/", lambda request: RedirectResponse("/runs", 302)),
        Route("/healthz", pages.healthz),
        Route("/events", pages.events),
        Route("/runs", pages.runs),
        Route("/runs/{id}", pages.run),
        Route("/runs/{id}/graph", pages.graph),
        Route("/runs/{id}/export.json", pages.export_json),
        Route("/runs/{id}/{action:str}", pages.steer_run, methods=["POST"]),
        Route("/workers", pages.workers),
        Route("/schedules", pages.schedules),
        Route("/schedules/{id}/{action:str}", pages.steer_schedule, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    # the token first; an outage is answered (503) only to who may see the page
    middleware = [Middleware(TokenGate), Middleware(BodyLimit), Middleware(Unreachable)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.dashboard = state
    app.state.templates = templates()
    return app
