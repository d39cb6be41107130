"""A daily notification digest: events for each user are grouped by kind and by hour with
itertools.groupby, counted with Counter, muted kinds dropped, quiet hours respected, and the
digest rendered with pluralisation and truncation rules before one send per user."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from datetime import datetime
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from typing import NamedTuple

from waymark import Workflow, action, workflow

MAX_LINES = 4


class Event(NamedTuple):
    user: str
    kind: str
    at: datetime
    actor: str


@action
async def events_since(day: str) -> list[Event]:
    base = datetime.fromisoformat(day)
    kinds = ["comment", "like", "like", "follow", "mention", "like", "comment"]
    actors = ["ana", "ben", "cai", "ana", "dov", "eli", "ben", "fay"]
    return [
        Event(
            f"u{n % 3}",
            kinds[n % len(kinds)],
            base.replace(hour=(n * 5) % 24, minute=n),
            actors[n % 8],
        )
        for n in range(23)
    ]


@action
async def preferences(users: list[str]) -> dict[str, dict[str, object]]:
    return {
        "u0": {"muted": ["like"], "quiet": [22, 7]},
        "u1": {"muted": [], "quiet": None},
        "u2": {"muted": ["comment", "follow", "like", "mention"], "quiet": None},
    }


@action
async def send_digest(user: str, body: str) -> str:
    return f"sent:{user}:{len(body)}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def in_quiet(hour: int, quiet: list[int] | None) -> bool:
    if not quiet:
        return False
    start, end = quiet
    return hour >= start or hour < end if start > end else start <= hour < end


def render(user: str, events: list[Event]) -> str:
    lines = deque(maxlen=MAX_LINES)
    by_kind = sorted(events, key=attrgetter("kind"))
    for kind, group in groupby(by_kind, key=attrgetter("kind")):
        members = list(group)
        actors = Counter(e.actor for e in members)
        top = ", ".join(a for a, _ in actors.most_common(2))
        extra = len(actors) - 2
        lines.append(
            f"- {plural(len(members), kind)} from {top}{f' and {extra} more' if extra > 0 else ''}"
        )
    header = f"Hi {user}, here is your day:"
    dropped = max(0, len({e.kind for e in events}) - MAX_LINES)
    return "\n".join(chain([header], lines, [f"(+{dropped} more)"] if dropped else []))


@workflow
class DailyDigest(Workflow):
    async def run(self, day: str = "2024-06-01") -> dict[str, object]:
        events = await events_since(day)
        events.sort(key=itemgetter(0))
        users = [u for u, _ in groupby(events, key=itemgetter(0))]
        prefs = await preferences(users)
        per_user: defaultdict[str, list[Event]] = defaultdict(list)
        held: Counter[str] = Counter()
        for event in events:
            pref = prefs.get(event.user, {})
            if event.kind in pref.get("muted", ()):
                continue
            if in_quiet(event.at.hour, pref.get("quiet")):
                held[event.user] += 1
                continue
            per_user[event.user].append(event)
        receipts = {}
        for user, items in sorted(per_user.items()):
            receipts[user] = await send_digest(user, render(user, items))
        hours = Counter(e.at.hour // 6 for e in events)
        return {
            "receipts": receipts,
            "held": dict(held),
            "silent": sorted(set(users) - per_user.keys()),
            "quarters": sorted(hours.items()),
            "preview": render("u1", per_user["u1"]).splitlines(),
            "kinds": (Counter(e.kind for e in events) - Counter(like=5)).most_common(),
        }


INPUTS = {"DailyDigest": [{}, {"day": "2024-12-31T00:00:00"}]}
