"""Every page and action of the dashboard over HTTP, against a real PostgreSQL.

Runs are made through the store contract (`seed`); pages are read through the ASGI app as a
browser would; actions are the forms' POSTs, and their outcomes are read back from the database.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.dashboard import seed
from waymark.dashboard.timeline import timeline
from waymark_runtime.admin import Admin
from waymark_runtime.store.contract import RunnerInfo
from waymark_runtime.store.postgres import PostgresStore


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None, "the page has no form"
    return found.group(1)


async def post(client: httpx.AsyncClient, page_url: str, action: str) -> httpx.Response:
    page = (await client.get(page_url)).text
    return await client.post(action, data={"csrf": csrf_of(page)})


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_runs_lists_newest_first_and_filters(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    now = time.time()
    broken = await seed.failed(store, now - 60, "disk is full")  # claims: made first
    old = await seed.queued(store, now - 7200, inputs={"value": 1})
    new = await seed.queued(store, now - 5, inputs={"value": 9817263})
    page = (await client.get("/runs")).text
    assert [page.index(i[:8]) for i in (new, broken, old)] == sorted(
        page.index(i[:8]) for i in (new, broken, old)
    )
    failed = (await client.get("/runs", params={"status": "failed"})).text
    assert broken[:8] in failed and new[:8] not in failed and old[:8] not in failed
    found = (await client.get("/runs", params={"q": "DISK IS"})).text
    assert broken[:8] in found and new[:8] not in found
    by_input = (await client.get("/runs", params={"q": "9817263"})).text
    assert new[:8] in by_input and old[:8] not in by_input
    since = (datetime.fromtimestamp(now - 3600, UTC)).strftime("%Y-%m-%dT%H:%M")
    recent = (await client.get("/runs", params={"since": since})).text
    assert new[:8] in recent and old[:8] not in recent
    other = (await client.get("/runs", params={"workflow": "Nothing"})).text
    assert "No runs match." in other


async def test_runs_page_in_keyset_pages(client: httpx.AsyncClient, store: PostgresStore) -> None:
    now = time.time()
    ids = [await seed.queued(store, now - 100 + i) for i in range(55)]
    first = (await client.get("/runs")).text
    older = re.search(r'rel="next" href="([^"]+)"', first)
    assert older is not None
    second = (await client.get(older.group(1).replace("&amp;", "&"))).text
    assert all(i[:8] in first for i in ids[5:]) and ids[4][:8] not in first
    assert all(i[:8] in second for i in ids[:5]) and 'rel="next"' not in second


async def test_a_bad_filter_is_said_not_raised(client: httpx.AsyncClient) -> None:
    response = await client.get("/runs", params={"since": "yesterday"})
    assert response.status_code == 400 and "not a date and time" in response.text
    for key in ("q", "workflow"):  # text PostgreSQL would refuse to compare
        response = await client.get("/runs", params={key: "a\x00b"})
        assert response.status_code == 400 and "must not contain a NUL" in response.text


async def test_a_run_shows_inputs_attempts_error_graph_and_program(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.failed(store, time.time() - 30, "card declined")
    page = (await client.get(f"/runs/{run}")).text
    assert "card declined" in page and "st-failed" in page
    assert "tests.runtime.runtime_flows:noop #1" in page  # the attempt and its timeline bar
    assert "workflow Single" in page  # the .wrl program, line by line
    assert "digraph" in page and "data-graph" in page  # the DOT the CLI prints, drawn in-page


@pytest.mark.parametrize("ago", [3, 60])  # its 30 s lease runs on, or lapsed (the runner died)
async def test_a_held_run_shows_its_runner_and_sleep(
    client: httpx.AsyncClient, store: PostgresStore, ago: float
) -> None:
    run = await seed.held(store, time.time() - ago)
    page = (await client.get(f"/runs/{run}")).text
    assert "runner-1" in page and "n2 sleep" in page and "/cancel" in page
    assert ("lease lapsed at" in page) == (ago > 30)
    actions = page[page.index('id="run-actions"') : page.index("Export JSON")]
    assert 'hx-confirm="Cancel this run?"' in actions
    assert "newest version (this one is cancelled first)?" in actions
    fragment = (await client.get(f"/runs/{run}", params={"fragment": 1})).text
    assert 'id="run-actions"' in fragment and "<html" not in fragment


async def test_a_sleep_bar_starts_when_its_step_was_committed(store: PostgresStore) -> None:
    """The sleep of `seed.held` began with the commit at `at`, well after the run's last
    move would suggest (its attempt has not ended): the bar starts there, not at an estimate."""
    created = time.time() - 60
    at = created + 30
    run = await seed.held(store, created)
    await store.pool.execute(
        "UPDATE waymark_timers SET started_at = to_timestamp($2) WHERE instance_id = $1",
        uuid.UUID(run), at,
    )  # fmt: skip
    detail = await Admin(store).show(run)
    [sleep] = detail.sleeps
    assert sleep.started_at == pytest.approx(at)
    now = time.time()
    chart = timeline(detail, now)
    [bar] = [bar for bar in chart.bars if bar.label == "n2 sleep"]
    assert bar.left == pytest.approx((at - chart.start) / chart.span * 100)
    assert bar.seconds == pytest.approx(sleep.wake_at - at)


async def test_an_unknown_run_is_404(client: httpx.AsyncClient) -> None:
    for path in ("/runs/not-an-id", "/runs/8edb9928-6db3-4145-9e50-db223f77b57c",
                 "/runs/not-an-id/graph", "/runs/not-an-id?fragment=1"):  # fmt: skip
        response = await client.get(path)
        assert response.status_code == 404 and "Not found" in response.text


async def test_export_is_the_document_of_instances_show_json(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    at = time.time() - 30
    run = await seed.failed(store, at, "nope")
    response = await client.get(f"/runs/{run}/export.json")
    assert response.headers["content-disposition"].startswith("attachment")
    record = json.loads(response.text)
    assert (record["id"], record["status"], record["inputs"]) == (run, "failed", {"value": 1})
    created = datetime.fromisoformat(record["created_at"])
    assert created.tzinfo is not None and abs(created.timestamp() - at) < 0.01
    [attempt] = record["attempts"]
    assert (attempt["node"], attempt["args"], attempt["error"]["message"]) == (
        "n1",
        ["nope"],
        "nope",
    )


async def test_export_gives_a_model_as_its_fields_not_the_stored_form(
    client: httpx.AsyncClient, database: str, store: PostgresStore, worker_env: None
) -> None:
    from tests.runtime.signal_flows import Decision

    run = await seed.waiting(database, store)
    await Admin(store).signal(run, "decision", Decision(approved=True, note="ok"))
    record = json.loads((await client.get(f"/runs/{run}/export.json")).text)
    [wait, sent] = record["signals"]
    assert sent["payload"] == {"approved": True, "note": "ok"}, sent
    assert isinstance(wait["at"], str) and wait["times_out_at"].startswith(wait["at"][:4])
    assert "$t" not in json.dumps(record)


async def test_cancel_retry_and_requeue(client: httpx.AsyncClient, store: PostgresStore) -> None:
    admin = Admin(store)
    run = await seed.held(store, time.time() - 3)
    cancelled = await post(client, f"/runs/{run}", f"/runs/{run}/cancel")
    assert cancelled.status_code == 303
    assert (await admin.show(run)).status == "cancelled"
    retried = await post(client, f"/runs/{run}", f"/runs/{run}/retry")
    new = retried.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert new != run and (await admin.show(new)).status == "queued"
    assert "started as a retry" in (await client.get(retried.headers["location"])).text
    pressed_again = await post(client, f"/runs/{run}", f"/runs/{run}/retry")
    assert pressed_again.headers["location"].split("?")[0].endswith(f"/runs/{new}")
    shown = (await client.get(pressed_again.headers["location"])).text
    assert f"{run} was restarted already, as this run" in shown
    requeued = await post(client, f"/runs/{new}", f"/runs/{new}/requeue")
    newest = requeued.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert (await admin.show(new)).status == "cancelled"
    assert (await admin.show(newest)).summary.workflow == seed.SINGLE.name


async def test_a_refused_action_is_a_notice(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.failed(store, time.time() - 3)
    response = await post(client, f"/runs/{run}", f"/runs/{run}/cancel")
    shown = (await client.get(response.headers["location"])).text
    assert "already finished (failed); nothing to cancel" in shown


async def test_workers_page_shows_runners_queues_and_failures(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    await seed.held(store, time.time() - 3)
    broken = await seed.failed(store, time.time() - 2, "worker fell over")
    await seed.queued(store, time.time())
    await store.register_runner(RunnerInfo(id="runner-1", host="box-7", pid=31337,
                                           worker_count=6), time.time() - 2)  # fmt: skip
    await store.heartbeat("runner-1", time.time(), 30.0)
    await store.register_runner(RunnerInfo(id="runner-gone", host="box-8", pid=7, worker_count=2),
                                time.time() - 120)  # fmt: skip
    page = (await client.get("/workers")).text
    rows = re.findall(r"<tr><td class=\"mono\">(.*?)</tr>", page, re.S)
    alive = next(row for row in rows if row.startswith("runner-1<"))
    assert all(text in alive for text in ("box-7", "31337", "<td>6</td>", "<td>1</td>", "alive"))
    gone = next(row for row in rows if row.startswith("runner-gone<"))
    assert "box-8" in gone and "silent" in gone and "2.0 min ago" in gone
    assert broken[:8] in page and "worker fell over" in page
    assert re.search(r"Runnable runs waiting for a runner</dt><dd>1<", page)
    assert (await client.get("/workers", params={"fragment": 1})).text.lstrip().startswith("<dl")


async def test_schedules_pause_resume_fire_and_delete(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    from waymark_runtime.schedules import Schedules

    api = Schedules(store)
    await api.register(seed.SINGLE.name, "nightly", timedelta(hours=1), inputs={"value": 3})
    [schedule] = await api.select()
    page = (await client.get("/schedules")).text
    assert "nightly" in page and "every 1h" in page and "active" in page
    await post(client, "/schedules", f"/schedules/{schedule.id}/pause")
    assert (await api.select())[0].status == "paused"
    await post(client, "/schedules", f"/schedules/{schedule.id}/resume")
    assert (await api.select())[0].status == "active"
    fired = await post(client, "/schedules", f"/schedules/{schedule.id}/fire")
    run = fired.headers["location"].split("?")[0].rsplit("/", 1)[1]
    detail = await Admin(store).show(run)
    assert detail.inputs == {"value": 3} and detail.status == "queued"
    await post(client, "/schedules", f"/schedules/{schedule.id}/delete")
    assert await api.select() == []
    assert "No schedules" in (await client.get("/schedules")).text


async def test_a_real_run_shows_tracebacks_children_parent_and_its_live_graph(
    client: httpx.AsyncClient, store: PostgresStore, database: str, worker_env: object
) -> None:
    parent, child = await seed.checkout(database, store)
    page = (await client.get(f"/runs/{parent}")).text
    assert "declined: card declined for 250" in page  # the result
    assert f'href="/runs/{child}"' in page and "Child workflows" in page
    assert "reserve #1" in page and "lamp" in page and "desk" in page  # attempts with args
    assert "iteration 1" in page  # the second pass of the loop, from the attempt's site
    assert "woke at" in page  # the finished durable sleep
    assert "reserved 2 items; charging 250" in page  # the workflow's log
    assert 'hx-get="/runs/' + parent + '/graph"' in page and "digraph" in page

    shown = (await client.get(f"/runs/{child}")).text
    assert f'id="parent-link" href="/runs/{parent}"' in shown
    assert "Traceback (most recent call last):" in shown and "in _refuse" in shown
    assert "PaymentDeclined: card declined for 250" in shown

    graph = await client.get(f"/runs/{parent}/graph")
    assert graph.status_code == 200 and graph.text.lstrip().startswith("digraph")
    assert "&#34;" in graph.text or "&quot;" in graph.text  # DOT quotes, escaped as HTML text
    assert "completed" in graph.text  # coloured by live status: the title names the status


async def test_a_signal_is_sent_from_the_run_page(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.queued(store, time.time(), inputs={"label": "x"}, definition=seed.APPROVAL)
    page = (await client.get(f"/runs/{run}")).text
    assert '<option value="decision">decision: Decision</option>' in page
    token = csrf_of(page)

    async def send(name: str, payload: str) -> str:
        response = await client.post(
            f"/runs/{run}/signal", data={"csrf": token, "name": name, "payload": payload}
        )
        assert response.status_code == 303
        return (await client.get(response.headers["location"])).text

    assert "the payload is not JSON" in await send("decision", "{approved: yes")
    assert "nests deeper than Python&#39;s recursion limit" in await send("decision", "[" * 10**5)
    assert "a number has more than 4,300 digits" in await send("decision", "9" * 5000)
    assert "does not match its type" in await send("decision", '{"approved": "maybe"}')
    assert "never waits for a signal named &#39;decison&#39;" in await send("decison", "{}")
    assert [r for r in (await Admin(store).show(run)).signals if r.kind == "signal"] == []
    assert "signal &#39;decision&#39; sent" in await send("decision", '{"approved": true}')
    (sent,) = [r for r in (await Admin(store).show(run)).signals if r.kind == "signal"]
    assert sent.name == "decision" and sent.pending


async def test_a_finished_run_offers_no_signal_form(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.failed(store, time.time() - 3)
    assert "Send a signal" not in (await client.get(f"/runs/{run}")).text
    response = await client.post(
        f"/runs/{run}/signal",
        data={"csrf": csrf_of((await client.get(f"/runs/{run}")).text), "name": "x", "payload": ""},
    )
    shown = (await client.get(response.headers["location"])).text
    assert "already finished" in shown


async def test_a_signal_wait_with_a_timeout_is_shown_as_a_wait_not_a_sleep(
    client: httpx.AsyncClient, database: str, store: PostgresStore, worker_env: None
) -> None:
    run = await seed.waiting(database, store)
    [wait] = (await Admin(store).show(run)).signals
    assert wait.times_out_at is not None
    page = (await client.get(f"/runs/{run}")).text
    assert f"{wait.node} at {wait.site} waiting for signal 'decision' (times out at" in page
    assert "Sleeps" not in page and f"{wait.node} sleep" not in page
    assert f"{wait.node} wait for &#39;decision&#39;" in page  # its bar on the timeline
