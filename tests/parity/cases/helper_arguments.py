"""CPython's `TypeError`s for a helper called with the wrong arguments, word for word: too
many or too few positional arguments, an unexpected keyword, a value given twice. The function
is named as CPython names it (its `__qualname__`: `Checks.scaled`, `Base.shared`,
`Checks.run.<locals>.fmt`, `pad`) and a method's `self` or a classmethod's `cls` is counted
among the positional arguments, a module function's, a staticmethod's and a nested function's
are not."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def ready(n: int) -> int:
    return n


def pad(text: str, width: int = 4, *, fill: str = " ") -> str:
    return text.rjust(width, fill)


def pair(a: int, b: int) -> tuple[int, int]:
    return a, b


class Base(Workflow):
    def shared(self, a: int) -> int:
        return a


@workflow
class Checks(Base):
    async def run(self, case: str) -> str:
        n = await ready(2)
        scale = 3

        def fmt(x: int) -> str:
            return str(x * scale)

        double = lambda x: x * 2  # noqa: E731
        try:
            if case == "module_many":
                return str(pair(1, 2, n))  # type: ignore[call-arg]
            if case == "module_few":
                return str(pair(n))  # type: ignore[call-arg]
            if case == "module_keyword":
                return str(pair(1, c=n))  # type: ignore[call-arg]
            if case == "module_twice":
                return str(pair(1, a=n))  # type: ignore[misc]
            if case == "module_range":
                return pad("a", 2, "-", "x")  # type: ignore[misc]
            if case == "module_keyword_only":
                return pad("a", 2, 3, fill="-")  # type: ignore[misc]
            if case == "method_many":
                return str(self.scaled(1, 2, n))  # type: ignore[call-arg]
            if case == "method_few":
                return str(self.scaled())  # type: ignore[call-arg]
            if case == "method_keyword":
                return str(self.scaled(1, factor=n))  # type: ignore[call-arg]
            if case == "static":
                return str(self.plain(1, n))  # type: ignore[call-arg]
            if case == "class_method":
                return str(self.made(1, n))  # type: ignore[call-arg]
            if case == "inherited":
                return str(self.shared())  # type: ignore[call-arg]
            if case == "nested":
                return fmt(1, n)  # type: ignore[call-arg]
            if case == "lambda":
                return str(double())  # type: ignore[call-arg]
            if case == "async_helper":
                return str(await self.later(1, n))  # type: ignore[call-arg]
            return str((*pair(1, 2), self.scaled(n), self.plain(n), self.made(n), fmt(n)))
        except TypeError as error:
            return f"TypeError: {error}"

    def scaled(self, a: int) -> int:
        return a * 10

    @staticmethod
    def plain(a: int) -> int:
        return a

    @classmethod
    def made(cls, a: int) -> int:
        return a

    async def later(self, a: int) -> int:
        return await ready(a)
