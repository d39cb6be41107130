"""Shipping quotes for a marketplace cart: parcels are validated, matched against carrier
services with `match` on dataclasses, the cheapest quote chosen with early returns, carrier
errors wrapped in our own exception hierarchy with `raise ... from`, and a fallback flat rate
used when every carrier fails."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from waymark import Workflow, action, workflow


class Zone(Enum):
    DOMESTIC = "dom"
    EU = "eu"
    WORLD = "world"


@dataclass(frozen=True)
class Parcel:
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int

    @property
    def volumetric_g(self) -> int:
        return math.ceil(self.length_cm * self.width_cm * self.height_cm / 5)

    @property
    def billable_g(self) -> int:
        return max(self.weight_g, self.volumetric_g)


@dataclass(frozen=True)
class Quote:
    carrier: str
    service: str
    price: Decimal
    days: int


class ShippingError(Exception):
    """Base for every shipping problem."""


class NoService(ShippingError):
    pass


class CarrierFailed(ShippingError):
    def __init__(self, carrier: str, detail: str) -> None:
        super().__init__(f"{carrier}: {detail}")
        self.carrier = carrier


@action
async def carrier_quote(carrier: str, zone: Zone, grams: int) -> dict[str, object]:
    if carrier == "slowpost" and zone is Zone.WORLD:
        raise TimeoutError("slowpost did not answer")
    if carrier == "zoom" and grams > 20_000:
        raise ValueError("too heavy for zoom")
    base = {"slowpost": 4.2, "zoom": 7.9, "dhx": 6.5}[carrier]
    factor = {Zone.DOMESTIC: 1, Zone.EU: 2, Zone.WORLD: 4}[zone]
    return {
        "service": "std" if grams < 5000 else "freight",
        "price": f"{base * factor + grams / 1000:.2f}",
        "days": factor * (3 if carrier == "slowpost" else 1),
    }


def zone_for(country: str) -> Zone:
    match country.upper():
        case "DE":
            return Zone.DOMESTIC
        case "FR" | "IT" | "ES" | "NL" | "AT":
            return Zone.EU
        case code if len(code) == 2 and code.isalpha():
            return Zone.WORLD
        case _:
            raise NoService(f"unknown country {country!r}")


def check(parcel: Parcel) -> str | None:
    match parcel:
        case Parcel(weight_g=w) if w <= 0:
            return "empty parcel"
        case Parcel(length_cm=l, width_cm=wd, height_cm=h) if max(l, wd, h) > 120:
            return f"too long: {max(l, wd, h)}cm"
        case Parcel(weight_g=w) if w > 31_500:
            return "over 31.5kg"
    return None


def cheapest(quote: Quote) -> tuple[Decimal, int]:
    return quote.price, quote.days


def fastest(quote: Quote) -> tuple[int, Decimal]:
    return quote.days, quote.price


async def quote_one(carrier: str, zone: Zone, grams: int) -> Quote:
    try:
        raw = await carrier_quote(carrier, zone, grams)
    except (TimeoutError, ValueError) as error:
        raise CarrierFailed(carrier, str(error)) from error
    return Quote(carrier, str(raw["service"]), Decimal(str(raw["price"])), int(raw["days"]))


@workflow
class QuoteShipping(Workflow):
    async def run(
        self, country: str, parcels: list[Parcel], express: bool = False
    ) -> dict[str, object]:
        for index, parcel in enumerate(parcels):
            if problem := check(parcel):
                return {"ok": False, "parcel": index, "problem": problem}
        try:
            zone = zone_for(country)
        except NoService as error:
            return {"ok": False, "problem": str(error)}
        grams = sum(p.billable_g for p in parcels)
        quotes: list[Quote] = []
        failures: list[str] = []
        for carrier in ("slowpost", "zoom", "dhx"):
            try:
                quotes.append(await quote_one(carrier, zone, grams))
            except CarrierFailed as error:
                failures.append(f"{error} (cause: {type(error.__cause__).__name__})")
        if not quotes:
            return {"ok": True, "quote": "flat", "price": "49.00", "failures": failures}
        key = fastest if express else cheapest
        best = min(quotes, key=key)
        return {
            "ok": True,
            "zone": zone.value,
            "billable_kg": f"{grams / 1000:.3f}",
            "quote": best,
            "others": sorted(f"{q.carrier}={q.price}" for q in quotes if q is not best),
            "failures": failures,
        }


INPUTS = {
    "QuoteShipping": [
        {"country": "fr", "parcels": [Parcel(1200, 30, 20, 10), Parcel(800, 60, 40, 40)]},
        {"country": "US", "parcels": [Parcel(25_000, 50, 50, 50)], "express": True},
        {"country": "de", "parcels": [Parcel(500, 130, 10, 10)]},
        {"country": "Narnia", "parcels": []},
        {"country": "jp", "parcels": [Parcel(100, 10, 10, 10)], "express": True},
    ]
}
