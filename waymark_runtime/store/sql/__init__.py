"""The SQL of the PostgreSQL store: named queries and numbered migrations, as `.sql` files.

`queries.sql` holds every statement the store runs, each under a `-- name: <query>` line; they
are parsed once, at first use. `migrations/NNNN_<title>.sql` are applied in order by `migrate`.
This module only loads text; it never talks to a database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^-- name: ([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_OPTIONAL = re.compile(r"^-- optional, else: (.*?)\s*$.*?^-- end optional\s*$", re.M | re.S)
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@functools.cache
def queries() -> dict[str, str]:
    """Every named query of `queries.sql`, `children.sql`, `flow.sql`, `inspection.sql`,
    `signals.sql` and `steering.sql`, by name."""
    folder = resources.files(__package__)
    text = "\n".join(folder.joinpath(name).read_text("utf-8") for name in _QUERY_FILES)
    return parse_named_queries(text)


_QUERY_FILES = (
    "queries.sql", "children.sql", "flow.sql", "inspection.sql", "signals.sql", "steering.sql",
)  # fmt: skip


def parse_named_queries(text: str) -> dict[str, str]:
    """Split `-- name: foo` blocks; the text before the first name is a header and is dropped.

    A query with an optional part (the lines from `-- optional, else: <text>` to `-- end
    optional`) is also kept as `foo_lean`, with `<text>` in place of that part."""
    parts = _NAME.split(text)
    named: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        lean = _OPTIONAL.sub(lambda match: match.group(1), body)
        for key, query in [(name, body)] + ([(f"{name}_lean", lean)] if lean != body else []):
            if key in named:
                raise ValueError(f"query {key!r} is defined twice in queries.sql")
            named[key] = query.strip()
    return named


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


@functools.cache
def migrations() -> tuple[Migration, ...]:
    """The numbered migrations, in order; a number is used once.

    Numbers may skip (a migration of a branch not merged yet); each applied number is recorded,
    so one that lands later, with a lower number, is still applied."""
    folder = resources.files(__package__).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.number)
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers) or 0 in numbers:
        raise ValueError(
            f"migration numbers must be distinct and from 1: {[m.name for m in found]}"
        )
    return tuple(found)
