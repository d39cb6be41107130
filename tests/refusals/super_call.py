from waymark import Workflow, workflow


class Base(Workflow):
    def fmt(self, x: int) -> str:
        return str(x)


@workflow
class SuperWorkflow(Base):
    def fmt(self, x: int) -> str:
        return "<" + super().fmt(x) + ">"

    async def run(self, x: int) -> str:
        missing = super().missing(x)  # error: WM101 @19
        explicit = super(SuperWorkflow, self).fmt(x)  # error: WM101 @20
        return self.fmt(x) + missing + explicit
