"""The dashboard during a database outage: every page answers 503 with a clear message (an HTML
page, JSON for a JSON route or client), never the driver's error as a bare 500. Served over a
database URL whose port nothing listens on; the machine's server is never stopped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from waymark.dashboard import create_app

NOWHERE = "postgresql://nobody@127.0.0.1:1/none"
PAGES = ["/runs", "/runs/3f2b8c1e-0000-4000-8000-000000000000", "/workers", "/schedules"]


@pytest.fixture
async def offline() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(NOWHERE)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http


@pytest.mark.parametrize("path", PAGES)
async def test_a_page_says_the_database_is_unreachable(
    offline: httpx.AsyncClient, path: str
) -> None:
    response = await offline.get(path, headers={"accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Database unreachable</h1>" in response.text
    assert "cannot reach the database (ConnectionRefusedError: " in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"  # still behind the security headers


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/runs/3f2b8c1e-0000-4000-8000-000000000000/export.json", "*/*"),
        ("/runs", "application/json"),
    ],
)
async def test_a_json_client_gets_json(offline: httpx.AsyncClient, path: str, accept: str) -> None:
    response = await offline.get(path, headers={"accept": accept})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["error"].startswith("cannot reach the database (ConnectionRefusedError: ")


async def test_a_posted_action_is_answered_503(offline: httpx.AsyncClient) -> None:
    response = await offline.post("/runs/3f2b8c1e-0000-4000-8000-000000000000/cancel")
    assert response.status_code in (403, 503)  # the CSRF check may refuse it first
    assert "Traceback" not in response.text


async def test_health_is_unavailable(offline: httpx.AsyncClient) -> None:
    response = await offline.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (503, "unavailable")


async def test_the_event_stream_opened_in_an_outage_says_so_and_ends(
    offline: httpx.AsyncClient,
) -> None:
    """Not a traceback in the server's log at every reconnect of every tab: an `unavailable`
    event, the stream ends, and the browser opens it again after `retry`."""
    response = await offline.get("/events")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    retry, unavailable, end = response.text.split("\n\n")
    assert (retry, end) == ("retry: 3000", "")
    event, data = unavailable.split("\n")
    assert event == "event: unavailable"
    assert data.startswith("data: cannot reach the database (ConnectionRefusedError: ")
