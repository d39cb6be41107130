from waymark import Workflow, workflow


class Recorder:
    seen = []
    by_key: dict[str, int] = {}

    def record(self, x: int) -> int:
        self.seen.append(x)  # error: WM122 @9
        self.by_key[str(x)] = x  # error: WM122 @9
        return len(self.seen)  # error: WM122 @20


@workflow
class RecordWorkflow(Workflow):
    async def run(self, x: int) -> int:
        return Recorder().record(x)


@workflow
class ReadsClassList(Workflow):
    async def run(self) -> int:
        return len(Recorder.seen)  # error: WM122 @20
