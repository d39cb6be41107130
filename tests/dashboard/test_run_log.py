"""The run page's "Log" section: the instance's workflow log (`self.log` lines), oldest first,
with hostile text shown as text."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import httpx

from tests.dashboard import seed
from waymark_runtime.effects import WriteLog
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore


class _Cells(HTMLParser):
    """The text of each cell of the table with class `log`, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.inside = self.inside or (tag == "table" and ("class", "log") in attrs)
        if self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


async def _logged(store: PostgresStore, at: float) -> str:
    """A run claimed by `runner-1` whose step wrote two lines, one of them hostile markup."""
    instance_id = await seed.queued(store, at)
    [claim] = await store.claim("runner-1", 1, at, 30.0)
    batch = CommitBatch()
    batch.instance(instance_id, state={"step": 1}, epoch=claim.epoch)
    batch.log(instance_id, WriteLog(seq=0, level="info", message="charging o1", function="run",
                                    line=12))  # fmt: skip
    batch.log(instance_id, WriteLog(seq=1, level="error", message=f"said: {seed.HOSTILE}",
                                    function="helper", line=30))  # fmt: skip
    assert await store.commit(batch, "runner-1", at) == {instance_id}
    return instance_id


async def test_the_run_page_shows_the_log_escaped(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await _logged(store, time.time() - 5)
    for path in (f"/runs/{run}", f"/runs/{run}?fragment=1"):
        page = (await client.get(path)).text
        assert "<h2>Log</h2>" in page
        assert "said: &lt;script&gt;alert(" in page and "<script>alert(" not in page
        cells = _Cells()
        cells.feed(page)
        assert [[cell.strip() for cell in row[1:]] for row in cells.rows] == [
            ["INFO", "run:12", "charging o1"],
            ["ERROR", "helper:30", f"said: {seed.HOSTILE}"],
        ]


async def test_a_run_without_log_lines_says_so(
    client: httpx.AsyncClient, store: PostgresStore
) -> None:
    run = await seed.queued(store, time.time())
    page = (await client.get(f"/runs/{run}")).text
    assert "<h2>Log</h2>" in page and "No log lines" in page
