"""The workflow class's own name inside its methods: `type(self).__name__`,
`self.__class__.__name__`, `cls.__name__` in a `@classmethod` (and `__qualname__`), read in a
base class's methods as the name of the class the instance runs (a subclass's), as in Python."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def tagged(label: str) -> str:
    return f"<{label}>"


class Reporting(Workflow):
    async def run(self, suffix: str) -> list[str]:
        title = await tagged(self.title(suffix))
        return [
            title,
            type(self).__name__,
            self.__class__.__name__,
            type(self).__qualname__,
            self.slug(),
            f"{self.__class__.__name__}-{suffix}",
        ]

    @classmethod
    def title(cls, suffix: str) -> str:
        return f"{cls.__name__} {suffix}".strip()

    def slug(self) -> str:
        return type(self).__name__.lower() + "/" + type(self).kind()

    @classmethod
    def kind(cls) -> str:
        return cls.__qualname__.upper()


@workflow
class NightlyReport(Reporting):
    pass
