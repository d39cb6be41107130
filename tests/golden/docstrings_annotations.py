from waymark import Workflow, workflow


@workflow
class DocumentedWorkflow(Workflow):
    """A workflow with docstrings and bare annotations."""

    async def run(self, n: int) -> int:
        """Docstrings are not statements of the program."""
        result: int
        count: int = n + 1
        if count:
            flag: bool
        return count

    def helper(self) -> int:
        """Only a docstring."""
