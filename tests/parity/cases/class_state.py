"""User classes held as workflow values keep what their instances keep in CPython, and answer
what their class answers: each workflow below tries one kind of class."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow


@dataclass
class ApiError(Exception):
    code: int
    msg: str = "x"


@dataclass(frozen=True)
class FrozenError(Exception):
    code: int


@action
async def call_api(frozen: bool) -> str:
    if frozen:
        raise FrozenError(503)
    raise ApiError(500, "internal")


@workflow
class DataclassExceptions(Workflow):
    """A `@dataclass` exception's own `repr`, `==` and hash (frozen), or none (mutable)."""

    async def run(self, case: str) -> object:
        if case == "compare":
            return [
                ApiError(1, "a") == ApiError(1, "a"),
                ApiError(1) == ApiError(2),
                ApiError(1) in [ApiError(1)],
                ApiError(1) == FrozenError(1),
                len({FrozenError(3), FrozenError(3)}),
                repr(FrozenError(3)),
            ]
        if case == "unhashable":
            try:
                return len({ApiError(1)})
            except TypeError as error:
                return str(error)
        if case == "uncaught":
            return await call_api(True)
        try:
            if case == "local":
                raise ApiError(500, "internal")
            await call_api(case == "frozen")
        except ApiError as error:
            return [repr(error), str(error), error.code, error == ApiError(500, "internal")]
        except FrozenError as error:
            return [repr(error), error.code, error == FrozenError(503), error in {FrozenError(503)}]
        return None
