"""A database outage seen by the dashboard: a request whose store cannot be reached (refused,
lost, timed out connecting) is answered 503 with what happened, as an HTML page or as JSON for
a JSON route, instead of the driver's error and a bare 500.

It decides nothing else: which errors mean "unreachable" is `waymark_runtime.reaching`'s call.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from waymark_runtime.errors import import_failure
from waymark_runtime.reaching import unreached

HINT = "the dashboard tries again on the next request; check that PostgreSQL is up"


class Unreachable:
    """Answers 503 when the route failed because the database could not be reached, provided
    nothing of its own response was sent yet; any other error goes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as failure:
            if started or not unreached(failure):
                raise
            await answer(Request(scope), failure)(scope, receive, send)


def answer(request: Request, failure: BaseException) -> Response:
    message = f"cannot reach the database ({import_failure(failure)})"
    if _wants_json(request):
        return JSONResponse({"status": "unavailable", "error": message, "hint": HINT}, 503)
    response: Response = request.app.state.templates.TemplateResponse(
        request, "unavailable.html", {"notice": None, "message": message, "hint": HINT}, 503
    )
    return response


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or (
        "application/json" in accept and "text/html" not in accept
    )
