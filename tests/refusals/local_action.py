from waymark import Workflow, action, workflow


def build() -> type[Workflow]:
    @action
    async def shout(text: str) -> str:
        return text.upper()

    @workflow
    class LocalWorkflow(Workflow):
        async def run(self, name: str) -> str:
            return await shout(name)  # error: WM147 @26

    return LocalWorkflow
