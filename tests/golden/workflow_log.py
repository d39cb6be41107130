from waymark import Workflow, action, workflow


@action
async def charge(order_id: str, amount: float) -> str:
    return f"r-{order_id}"


@workflow
class ChargeOrder(Workflow):
    async def run(self, order_id: str, amount: float, tags: list[str]) -> str:
        self.log.info("charging %s for %.2f", order_id, amount)
        receipt = await charge(order_id, amount)
        self.log.warning(f"charged {order_id}: {receipt!r}")
        self.log.error("tags %s", *tags)
        self.log.critical("%(order)s", {"order": order_id}, await charge(order_id, 0.0))
        self.audit(receipt)
        return receipt

    def audit(self, receipt: str) -> None:
        self.log.debug("audited %s", receipt)
