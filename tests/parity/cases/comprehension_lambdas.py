"""Lambdas made in comprehensions: late binding to the comprehension's own variable (one cell
for each time it runs: all of one run's lambdas see its last value), defaults evaluated at each
iteration, dict comprehensions of handlers, nested `for` and `if` clauses, a variable of the
method read from inside, and a comprehension run twice in a loop."""

# ruff: noqa: B023 - late binding is what the cases show

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def load_rates(region: str) -> dict[str, int]:
    return {"eu": {"std": 2, "fast": 5}, "us": {"std": 3}}.get(region, {})


@workflow
class ComprehensionLambdas(Workflow):
    async def run(self, region: str, bonus: int) -> dict[str, object]:
        late = [lambda: i for i in range(3)]
        bound = [lambda i=i: i * 10 for i in range(3)]
        rates = await load_rates(region)
        pricing = {name: (lambda qty, r=rate: qty * r + bonus) for name, rate in rates.items()}
        pairs = [lambda a=a, b=b: f"{a}{b}" for a in "xy" if a != "z" for b in range(2) if b]
        checks = {lambda n, k=k: n % k == 0 for k in (2, 3)}
        rounds = []
        for round_ in range(2):
            rounds.append([lambda: (round_, j) for j in range(round_ + 1)])
        bonus += 1  # read when the pricing lambdas run, as CPython does
        return {
            "late": [f() for f in late],
            "bound": [f() for f in bound] + [bound[0](7)],
            "pricing": {name: price(4) for name, price in pricing.items()},
            "pairs": [pair() for pair in pairs],
            "checks": sorted(sum(check(n) for check in checks) for n in range(7)),
            "rounds": [[f() for f in made] for made in rounds],
        }
