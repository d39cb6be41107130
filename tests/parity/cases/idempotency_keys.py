"""Idempotency keys made in the workflow: name-based ids (`uuid.uuid5`, `uuid3`) under a
module-level namespace constant or one of `uuid`'s, passed to actions and kept across awaits."""

from __future__ import annotations

import uuid
from uuid import NAMESPACE_URL, UUID, uuid5

from waymark import Workflow, action, workflow

ORDERS = UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")

CHARGED: dict[UUID, int] = {}


def reset() -> None:
    CHARGED.clear()


@action
async def charge(key: UUID, cents: int) -> str:
    first = key not in CHARGED
    CHARGED.setdefault(key, cents)
    return f"{key.hex[:8]}:{'new' if first else 'replayed'}"


@workflow
class ChargeOnce(Workflow):
    async def run(self, order_ids: list[str], namespace: str | None = None) -> list[object]:
        space = UUID(namespace) if namespace else ORDERS
        keys = {oid: uuid.uuid5(space, f"order:{oid}") for oid in order_ids}
        receipts = [await charge(keys[oid], 100 * n) for n, oid in enumerate(order_ids, 1)]
        webhook = uuid5(NAMESPACE_URL, "https://shop.test/hooks/paid")
        return [
            receipts,
            sorted(str(k) for k in set(keys.values())),
            webhook.version,
            str(uuid.uuid3(uuid.NAMESPACE_DNS, "shop.test")),
            keys[order_ids[0]] == uuid.uuid5(space, "order:" + order_ids[0]),
        ]
