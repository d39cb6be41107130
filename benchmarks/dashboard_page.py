"""D1: the dashboard's runs page with a lot of history in the table.

`d1_instances` finished runs are written straight to the benchmark database (one workflow
version, spread over the last days), then the first runs page and a free-text search are read
through the dashboard's ASGI app, in this process, as a browser would ask for them. The rows are
deleted afterwards so no other workload sees them. Target: the page in under 200 ms.
"""

from __future__ import annotations

import time

import asyncpg
import httpx

from benchmarks.context import Context
from benchmarks.results import Measured

_WORKFLOW = "BenchDashboardHistory"
_FILL = """
INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status, result,
                               error, created_at, updated_at, finished_at)
SELECT gen_random_uuid(), $1, 'v1', json_build_object('order', g),
       CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'completed' END,
       CASE WHEN g % 10 = 0 THEN NULL ELSE to_json(g) END,
       CASE WHEN g % 10 = 0 THEN json_build_object('message', 'declined ' || g) END,
       now() - g * interval '2 seconds', now() - g * interval '2 seconds' + interval '1 second',
       now() - g * interval '2 seconds' + interval '1 second'
FROM generate_series(1, $2) AS g
"""


async def d1(ctx: Context) -> Measured:
    from waymark.dashboard import create_app

    database, _, _ = ctx.require()
    count = ctx.scale.d1_instances
    connection = await asyncpg.connect(database.dsn)
    try:
        await connection.execute(
            "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ($1, 'v1', 'x') "
            "ON CONFLICT DO NOTHING", _WORKFLOW)  # fmt: skip
        await connection.execute(_FILL, _WORKFLOW, count)
        await connection.execute("ANALYZE waymark_instances")
        measured = Measured(details={"instances": count})
        app = create_app(database.dsn)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                await _timed(http, "/runs")  # opens the pool, loads the templates
                for _ in range(ctx.scale.repeats):
                    measured.add("D1.runs", await _timed(http, "/runs"))
                    measured.add("D1.search", await _timed(http, f"/runs?q=declined+{count // 2}"))
        return measured
    finally:
        await connection.execute(
            "DELETE FROM waymark_instances WHERE workflow_name = $1", _WORKFLOW
        )
        await connection.close()


async def _timed(http: httpx.AsyncClient, path: str) -> float:
    """Milliseconds to answer `path` (which must succeed)."""
    started = time.perf_counter()
    response = await http.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed
