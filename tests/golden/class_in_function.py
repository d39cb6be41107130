from waymark import Workflow, action, workflow


@action
async def greet(name: str) -> str:
    return name


@action
async def shout(text: str) -> str:
    return text.upper()


def build(prefix: str) -> type[Workflow]:
    @workflow
    class LocalWorkflow(Workflow):
        async def run(self, name: str) -> str:
            text = await greet(name + SUFFIX)
            return await shout(text)

    return LocalWorkflow


SUFFIX = "!"
