"""`waymark start-workers` and `waymark db migrate`: the runtime's own entry points, in the CLI.

`waymark start-workers` is the `start-workers` script (same code, same environment variables,
same exit statuses as every command). `waymark db
migrate` applies the schema migrations the database lacks and says which. Neither holds logic.
"""

from __future__ import annotations

import typer

from waymark_compiler.cli._database import database_url, load_settings, not_reached, run_async
from waymark_compiler.cli._output import status

db_app = typer.Typer(name="db", help="Manage the Waymark database.", no_args_is_help=True)


def start_workers_command() -> None:
    """Run a runner and its worker processes until SIGTERM or Ctrl-C.

    The `start-workers` script: configured by WAYMARK_* environment variables
    (docs/operations.md).
    """
    from waymark_runtime.worker.cli import main

    main([])


@db_app.command("migrate")
def migrate_command() -> None:
    """Apply the schema migrations the database lacks (every runtime process does it too)."""
    applied = run_async(_migrate())
    if applied:
        status(
            f"applied {len(applied)} migration{'s' if len(applied) != 1 else ''}: "
            + ", ".join(applied)
        )
    else:
        status("the database is up to date")


async def _migrate() -> list[str]:
    from waymark_runtime.store.pg_migrate import migrate_async
    from waymark_runtime.store.postgres import is_transient

    dsn = await database_url(load_settings())
    try:
        return await migrate_async(dsn)
    except Exception as failure:
        if not is_transient(failure) and "asyncpg" not in type(failure).__module__:
            raise
        raise not_reached(failure) from failure


def register(app: typer.Typer) -> None:
    app.command(
        "start-workers",
        context_settings={"help_option_names": ["-h", "--help"]},
    )(start_workers_command)
    from waymark_compiler.cli import db_command

    db_command.register(db_app)
    app.add_typer(db_app, name="db")
