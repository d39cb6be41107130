"""Members of an `ExceptionGroup` are the exceptions put in it: the same objects, with their
chain (`__cause__`, `__context__`, `__suppress_context__`), across an await too."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def tick(n: int) -> int:
    return n


def _chain(error: BaseException) -> list[object]:
    return [repr(error.__context__), repr(error.__cause__), error.__suppress_context__]


@workflow
class GroupMemberChain(Workflow):
    """A member raised `from None` in an except body, one with a cause, one plain; a note
    added to the exception later shows through the group."""

    async def run(self, wait: bool) -> list[object]:
        try:
            try:
                raise LookupError("inner")
            except LookupError:
                raise KeyError("body") from None
        except KeyError as e:
            first = e
        try:
            raise ValueError("caused") from OSError("why")
        except ValueError as e:
            second = e
        g = ExceptionGroup("m", [first, second, TypeError("plain")])
        if wait:
            await tick(1)
        out: list[object] = [[_chain(m) for m in g.exceptions]]
        out.append([g.exceptions[0] is first, g.exceptions[1] is second])
        first.add_note("later")
        out.append(getattr(g.exceptions[0], "__notes__", None))
        return out
