"""Classes with properties, imported by the `properties` parity cases (a workflow reads the
properties of classes its module imports, too)."""

from __future__ import annotations

from pydantic import BaseModel, computed_field


class Parcel(BaseModel):
    length: float
    width: float
    height: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def volume(self) -> float:
        return self.length * self.width * self.height

    @property
    def oversize(self) -> bool:
        return self.volume > 1000 or max(self.length, self.width, self.height) > 100
