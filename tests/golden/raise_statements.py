from waymark import Workflow, action, workflow


class OrderError(Exception):
    def __init__(self, order_id: str, reason: str) -> None:
        super().__init__(order_id, reason)
        self.order_id = order_id


@action
async def load(order_id: str) -> dict[str, int]:
    return {}


@workflow
class RaisingWorkflow(Workflow):
    async def run(self, order_id: str) -> int:
        if not order_id:
            raise ValueError("empty order id")
        if order_id == "none":
            raise LookupError
        try:
            order = await load(order_id)
        except KeyError as error:
            raise OrderError(order_id, reason=str(error))
        except Exception:
            raise
        return order["total"]
