from waymark import Workflow, workflow


@workflow
class FormattingWorkflow(Workflow):
    async def run(self, name: str, amount: float, width: int) -> list[str]:
        plain = f"hello {name}"
        converted = f"{name!r} {name!s} {name!a}"
        spec = f"{amount:.2f} {amount:>10} {amount:{width}.{width}f}"
        debug = f"{amount=} {name = !s} {width=:>4}"
        escaped = f"{{literal}} \t {name}\n"
        joined = "prefix " f"{name}" " suffix"
        raw = rf"\d+{name}"
        empty = f""
        nested = f"{'x' if amount > 1 else 'y'}-{[1, 2][0]}"
        return [plain, converted, spec, debug, escaped, joined, raw, empty, nested]
