"""Evaluating feature-flag targeting rules for a mobile release: each rule matches app
versions (semver ranges compared as tuples), platforms by glob, countries and internal
networks, rules are evaluated in priority order with the first match winning, and a
percentage rollout buckets users by a CRC of flag and user."""

from __future__ import annotations

import fnmatch
import re
import zlib
from dataclasses import dataclass, field
from functools import total_ordering

from waymark import Workflow, action, workflow

SEMVER = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([\w.]+))?$")


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int = 0
    pre: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        if (m := SEMVER.match(text.strip())) is None:
            raise ValueError(f"bad version {text!r}")
        major, minor, patch, pre = m.groups()
        return cls(int(major), int(minor), int(patch or 0), pre or "")

    def _key(self) -> tuple[int, int, int, int, str]:
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, self.pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + (f"-{self.pre}" if self.pre else "")


@dataclass
class Rule:
    name: str
    serve: str
    min_version: str | None = None
    platforms: list[str] = field(default_factory=lambda: ["*"])
    countries: set[str] = field(default_factory=set)
    networks: list[str] = field(default_factory=list)
    percent: int = 100


@action
async def load_rules(flag: str) -> list[Rule]:
    return [
        Rule("staff", "on", networks=["10.*", "192.168.1.*"]),
        Rule("beta-ios", "variant-b", "2.4.0-beta", ["ios*"], percent=50),
        Rule("eu-android", "on", "2.3", ["android"], {"DE", "FR"}, percent=30),
        Rule("old-clients", "off", None, ["*"], percent=100),
    ]


@action
async def record(flag: str, decisions: dict[str, str]) -> int:
    return len(decisions)


def bucket(flag: str, user: str) -> int:
    return zlib.crc32(f"{flag}.{user}".encode()) % 100


def matches(rule: Rule, client: dict[str, str], flag: str) -> bool:
    if rule.networks and not any(fnmatch.fnmatchcase(client["ip"], n) for n in rule.networks):
        return False
    if rule.min_version and Version.parse(client["version"]) < Version.parse(rule.min_version):
        return False
    if not any(fnmatch.fnmatch(client["platform"].lower(), p) for p in rule.platforms):
        return False
    if rule.countries and client["country"] not in rule.countries:
        return False
    return bucket(flag, client["user"]) < rule.percent


@workflow
class EvaluateFlag(Workflow):
    async def run(self, flag: str, clients: list[dict[str, str]]) -> dict[str, object]:
        rules = await load_rules(flag)
        decisions: dict[str, str] = {}
        hits = dict.fromkeys((r.name for r in rules), 0)
        invalid = []
        for client in clients:
            try:
                rule = next((r for r in rules if matches(r, client, flag)), None)
            except ValueError as error:
                invalid.append(str(error))
                continue
            decisions[client["user"]] = rule.serve if rule else "default"
            if rule:
                hits[rule.name] += 1
        versions = sorted(
            {Version.parse(c["version"]) for c in clients if SEMVER.match(c["version"])}
        )
        return {
            "decisions": decisions,
            "hits": {k: v for k, v in hits.items() if v},
            "invalid": invalid,
            "recorded": await record(flag, decisions),
            "versions": [str(v) for v in versions],
            "newest": str(max(versions)) if versions else None,
            "buckets": [bucket(flag, c["user"]) for c in clients][:4],
        }


INPUTS = {
    "EvaluateFlag": [
        {
            "flag": "new-home",
            "clients": [
                {
                    "user": "u1",
                    "ip": "10.2.3.4",
                    "version": "1.0",
                    "platform": "Android",
                    "country": "US",
                },
                {
                    "user": "u2",
                    "ip": "8.8.8.8",
                    "version": "2.4.0",
                    "platform": "iOS-17",
                    "country": "US",
                },
                {
                    "user": "u3",
                    "ip": "8.8.4.4",
                    "version": "2.4.0-beta",
                    "platform": "ipados",
                    "country": "DE",
                },
                {
                    "user": "u4",
                    "ip": "1.1.1.1",
                    "version": "v2.10.1",
                    "platform": "android",
                    "country": "FR",
                },
                {
                    "user": "u5",
                    "ip": "1.0.0.1",
                    "version": "two",
                    "platform": "android",
                    "country": "FR",
                },
                {
                    "user": "u6",
                    "ip": "192.168.1.20",
                    "version": "0.9",
                    "platform": "web",
                    "country": "GB",
                },
                {
                    "user": "u7",
                    "ip": "9.9.9.9",
                    "version": "2.4.0-alpha",
                    "platform": "ios",
                    "country": "JP",
                },
            ],
        },
        {"flag": "dark-mode", "clients": []},
    ]
}
