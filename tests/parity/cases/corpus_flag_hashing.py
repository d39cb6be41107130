"""Percentage rollout of feature flags: each user lands in a stable bucket from a CRC-32 of
the flag's salt and the user id, targeting rules are checked first (allow lists, country,
plan), and the evaluation is summarised per variant for the analytics export."""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field

from waymark import Workflow, action, workflow

BUCKETS = 10_000


@dataclass(frozen=True)
class Variant:
    name: str
    weight: int


@dataclass
class FlagConfig:
    key: str
    salt: str
    rollout_percent: float
    variants: list[Variant] = field(default_factory=list)
    allow: frozenset[str] = frozenset()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class User:
    id: str
    country: str
    plan: str = "free"


@action
async def load_flag(key: str) -> FlagConfig:
    return FlagConfig(
        key=key,
        salt=f"{key}-2024",
        rollout_percent=37.5 if key != "everyone" else 100.0,
        variants=[Variant("control", 50), Variant("blue", 30), Variant("green", 20)],
        allow=frozenset({"u-staff"}),
        countries=("DE", "FR", "NL") if key == "eu-only" else (),
    )


@action
async def load_users(segment: str) -> list[User]:
    countries = ["DE", "US", "FR", "BR", "NL", "JP"]
    return [
        User(f"u-{segment}-{i}", countries[i % len(countries)], "pro" if i % 4 == 0 else "free")
        for i in range(18)
    ] + [User("u-staff", "US")]


def bucket_of(salt: str, user_id: str) -> int:
    return zlib.crc32(f"{salt}.{user_id}".encode()) % BUCKETS


def pick_variant(variants: list[Variant], bucket: int) -> str:
    total = sum(v.weight for v in variants)
    point = bucket * total // BUCKETS
    running = 0
    for variant in variants:
        running += variant.weight
        if point < running:
            return variant.name
    return variants[-1].name


def evaluate(flag: FlagConfig, user: User) -> tuple[str, str]:
    if user.id in flag.allow:
        return "allow-list", flag.variants[0].name
    if flag.countries and user.country not in flag.countries:
        return "country", "off"
    bucket = bucket_of(flag.salt, user.id)
    if bucket >= flag.rollout_percent / 100 * BUCKETS:
        return "rollout", "off"
    second = zlib.adler32(user.id.encode(), 1) % BUCKETS
    return "bucket", pick_variant(flag.variants, (bucket + second) % BUCKETS)


@workflow
class EvaluateRollout(Workflow):
    async def run(self, key: str, segment: str = "beta") -> dict[str, object]:
        flag = await load_flag(key)
        users = await load_users(segment)
        decisions = {u.id: evaluate(flag, u) for u in users}
        by_variant = Counter(variant for _, variant in decisions.values())
        reasons = Counter(reason for reason, _ in decisions.values())
        on = [uid for uid, (_, variant) in decisions.items() if variant != "off"]
        checksum = zlib.crc32(",".join(sorted(on)).encode())
        return {
            "variants": dict(sorted(by_variant.items())),
            "reasons": reasons.most_common(),
            "enabled_share": f"{len(on) / len(users):.1%}",
            "checksum": f"{checksum:08x}",
            "sample": {uid: decisions[uid] for uid in sorted(decisions)[:4]},
        }
