"""`BaseException.add_note` and `__notes__`: notes added in a handler, read back, kept
across an await, shared by a list read from them, Python's errors for a note that is not a
`str`, and `__notes__` missing before the first note."""

from __future__ import annotations

from waymark import Workflow, action, workflow


class ImportFailed(Exception):
    pass


@action
async def ping(value: int) -> int:
    return value


@action
async def load(rows: list[str]) -> int:
    error = ImportFailed("load failed")
    for row in rows:
        error.add_note(f"row {row}")
    raise error


@workflow
class Notes(Workflow):
    async def run(self, rows: list[str], bad: object) -> list[object]:
        seen: list[object] = []
        try:
            raise ImportFailed("rows rejected")
        except ImportFailed as error:
            try:
                seen.append(error.__notes__)
            except AttributeError as missing:
                seen.append(str(missing))
            for row in rows:
                error.add_note(f"row {row!r} is empty")
            caught = error
        await ping(1)
        notes = caught.__notes__ if rows else []
        notes.append("after the await")
        seen.append(list(caught.__notes__) if rows else notes)
        try:
            caught.add_note(bad)
        except TypeError as wrong:
            seen.append(str(wrong))
        try:
            await load(rows)
        except ImportFailed as failed:
            seen.append(getattr(failed, "__notes__", None))
        return [seen, str(caught), caught.args]
