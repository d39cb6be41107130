from dataclasses import dataclass

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Address(BaseModel):
    city: str
    zip_code: str


class Customer(Address):
    name: str


@dataclass
class Point:
    x: int
    y: int = 0


@action
async def save(customer: Customer, point: Point) -> str:
    return customer.name


@workflow
class ModelsWorkflow(Workflow):
    async def run(self, name: str) -> str:
        customer = Customer(name=name, city="Paris", zip_code="75001")
        point = Point(1, y=2)
        origin = Point(0)
        moved = Point(x=point.x + origin.x, y=point.y)
        return await save(customer, point=moved)
