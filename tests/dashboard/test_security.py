"""Safe by default: hostile stored strings stay text, the token gate, CSRF, the bind address."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pytest

from tests.dashboard import seed
from tests.dashboard.test_pages import csrf_of
from waymark.dashboard import app as app_module
from waymark.dashboard import create_app
from waymark.dashboard.security import DashboardConfigError, checked_address, parse_address
from waymark_runtime.admin import Admin
from waymark_runtime.store.postgres import PostgresStore

TOKEN = "s3cret-token"


@pytest.fixture
async def guarded(database: str, store: PostgresStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(database, token=TOKEN)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5:24119") as http:
            yield http


class Elements(HTMLParser):
    """Every element a browser would build from a page: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def no_live_markup(page: str) -> None:
    """The hostile text appears only as text: no element or handler of it reaches the page."""
    assert "&lt;script&gt;alert(" in page
    parser = Elements()
    parser.feed(page)
    scripts = [attrs.get("src") for tag, attrs in parser.found if tag == "script"]
    assert scripts == [  # only the dashboard's own files: no inline script, no other origin
        "/static/vendor/htmx.min.js",
        "/static/vendor/htmx-ext-sse.min.js",
        "/static/dashboard.js",
    ]
    assert not [tag for tag, attrs in parser.found if any(a.startswith("on") for a in attrs)]
    assert not [attrs for tag, attrs in parser.found if tag == "img" and attrs.get("src") == "x"]


async def test_hostile_workflow_names_inputs_and_errors_are_escaped(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.failed(store, time.time() - 10, seed.HOSTILE)
    other = await seed.hostile_row(store, time.time())
    pages = ("/runs", f"/runs/{run}", f"/runs/{other}", "/workers", f"/runs?q={seed.HOSTILE}")
    for path in pages:
        page = (await client.get(path)).text
        no_live_markup(page)
    shown = (await client.get(f"/runs/{run}")).text
    assert shown.count("&lt;script&gt;alert(") >= 4  # error, arguments, stored traceback
    assert '<pre class="error traceback">Traceback' in shown
    headers = (await client.get("/runs")).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


async def test_a_hostile_schedule_name_is_escaped(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    from datetime import timedelta

    from waymark_runtime.schedules import Schedules

    await Schedules(store).register(seed.SINGLE.name, seed.HOSTILE, timedelta(hours=1),
                                    inputs={"value": 1})  # fmt: skip
    no_live_markup((await client.get("/schedules")).text)


async def test_with_a_token_every_page_but_healthz_needs_it(
    guarded: httpx.AsyncClient, store: PostgresStore
) -> None:
    assert (await guarded.get("/healthz")).status_code == 200
    assert (await guarded.get("/static/dashboard.css")).status_code == 200
    for path in ("/runs", "/workers", "/schedules", "/events"):
        assert (await guarded.get(path)).status_code == 401
    assert (await guarded.get("/runs", params={"token": "wrong"})).status_code == 401
    bearer = await guarded.get("/runs", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200
    login = await guarded.get("/workers", params={"token": TOKEN})
    assert login.status_code == 303 and login.headers["location"] == "/workers"
    assert "httponly" in login.headers["set-cookie"].lower()
    assert (await guarded.get("/workers")).status_code == 200  # the cookie now


async def test_a_mutation_needs_the_token_and_the_csrf_value(
    guarded: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.held(store, time.time() - 3)
    admin = Admin(store)
    anonymous = httpx.AsyncClient(transport=guarded._transport, base_url=str(guarded.base_url))
    async with anonymous:
        assert (await anonymous.post(f"/runs/{run}/cancel", data={"csrf": "x"})).status_code == 401
    await guarded.get("/runs", params={"token": TOKEN})
    page = (await guarded.get(f"/runs/{run}")).text
    assert (await guarded.post(f"/runs/{run}/cancel")).status_code == 403
    assert (await guarded.post(f"/runs/{run}/cancel", data={"csrf": "0" * 64})).status_code == 403
    cross = await guarded.post(f"/runs/{run}/cancel", data={"csrf": csrf_of(page)},
                               headers={"Origin": "http://evil.example"})  # fmt: skip
    assert cross.status_code == 403
    assert (await admin.show(run)).status == "running"
    same = await guarded.post(f"/runs/{run}/cancel", data={"csrf": csrf_of(page)},
                              headers={"Origin": "http://10.0.0.5:24119"})  # fmt: skip
    assert same.status_code == 303 and (await admin.show(run)).status == "cancelled"


async def test_without_a_token_a_mutation_still_needs_the_csrf_value(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.held(store, time.time() - 3)
    assert (await client.post(f"/runs/{run}/cancel")).status_code == 403
    assert (await Admin(store).show(run)).status == "running"


async def test_a_body_past_the_limit_is_refused_before_it_is_read_whole(
    client: httpx.AsyncClient, store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Declared too large, or sent in chunks that grow past the limit: 413, nothing done; a
    body within it reaches the form as before."""
    monkeypatch.setattr(app_module, "MAX_BODY_BYTES", 1_000)
    run = await seed.held(store, time.time() - 3)
    token = csrf_of((await client.get(f"/runs/{run}")).text)

    async def chunks() -> AsyncIterator[bytes]:
        yield f"csrf={token}&pad=".encode()
        for _ in range(100):
            yield b"x" * 100

    declared = await client.post(f"/runs/{run}/cancel", data={"csrf": token, "pad": "x" * 2000})
    streamed = await client.post(f"/runs/{run}/cancel", content=chunks(),
                                 headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert [r.status_code for r in (declared, streamed)] == [413, 413]
    assert declared.text == "the request's body is larger than 1,000 bytes"
    assert (await Admin(store).show(run)).status == "running"
    fits = await client.post(f"/runs/{run}/cancel", data={"csrf": token, "pad": "x" * 900})
    assert fits.status_code == 303 and (await Admin(store).show(run)).status == "cancelled"


def test_a_non_loopback_address_needs_a_token() -> None:
    assert checked_address("127.0.0.1:24119", None).loopback
    assert checked_address("[::1]:8080", None).port == 8080
    assert checked_address("localhost:1", None).host == "localhost"
    with pytest.raises(DashboardConfigError, match="not a loopback address"):
        checked_address("0.0.0.0:24119", None)
    with pytest.raises(DashboardConfigError, match="not a loopback address"):
        checked_address("dashboard.internal:24119", "")
    assert checked_address("0.0.0.0:24119", "t").host == "0.0.0.0"
    for bad in ("24119", "host:", ":80", "h:99999", "h:port"):
        with pytest.raises(DashboardConfigError, match="HOST:PORT"):
            parse_address(bad)
