from waymark import Workflow, action, workflow


@action
async def fetch_order(order_id: str) -> dict[str, int]:
    return {"total": 3}


@action
async def charge(order_id: str, amount: int) -> str:
    return "receipt"


@action
async def send_receipt(order_id: str, receipt: str) -> None:
    return None


@workflow
class CheckoutWorkflow(Workflow):
    async def run(self, order_id: str) -> str:
        order = await fetch_order(order_id)
        receipt = await charge(order_id, order["total"])
        await send_receipt(order_id, receipt=receipt)
        return receipt
