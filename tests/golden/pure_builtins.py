from waymark import Workflow, workflow


@workflow
class BuiltinsWorkflow(Workflow):
    async def run(self, xs: list[int], text: str) -> list[object]:
        return [
            len(xs),
            min(xs, default=0),
            max(1, 2, 3),
            sum(xs, 10),
            sorted(xs, reverse=True),
            abs(-3),
            round(2.675, 2),
            str(xs),
            int(text, 16),
            float("1.5"),
            bool(xs),
            any(xs),
            all(xs),
            list(zip(xs, xs)),
            list(range(3)),
            list(enumerate(xs, start=1)),
            dict(a=1, b=2),
            set(xs),
            tuple(xs),
            list(reversed(xs)),
            divmod(7, 2),
            pow(2, 10, 1000),
        ]
