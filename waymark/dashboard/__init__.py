"""The dashboard: see and steer every run in a browser (docs/dashboard.md).

A small Starlette app with server-rendered Jinja templates over the admin and schedules APIs;
it reads PostgreSQL, never a runner's memory. `create_app(dsn, token=...)` is the ASGI app,
`server.serve` runs it (for `start-workers` and `waymark dashboard`). It lives above both the
runtime and the compiler (it draws graphs with `waymark_compiler.graph`); nothing imports it
but those two entry points.
"""

from waymark.dashboard.app import create_app
from waymark.dashboard.security import DashboardConfigError

__all__ = ["DashboardConfigError", "create_app"]
