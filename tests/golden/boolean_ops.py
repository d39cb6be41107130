from waymark import Workflow, workflow


@workflow
class BooleanWorkflow(Workflow):
    async def run(self, a: object, b: object, c: object) -> list[object]:
        both = a and b
        chain = a and b and c
        either = a or b or c
        mixed = a and b or c
        grouped = a and (b or c)
        explicit = (a and b) and c
        negated = not a or not b
        return [both, chain, either, mixed, grouped, explicit, negated]
