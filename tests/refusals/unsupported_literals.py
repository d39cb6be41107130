from waymark import Workflow, workflow


@workflow
class LiteralWorkflow(Workflow):
    async def run(self) -> list[object]:
        raw = b"raw"  # error: WM139 @15
        wave = 1 + 2j  # error: WM139 @20
        return [raw, wave, ...]  # error: WM139 @28
