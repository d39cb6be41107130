"""The route handlers: read through the admin and schedules APIs, render a template.

Mutations are POST forms (no JavaScript needed): they pass the CSRF check, act, then redirect
back with a one-line notice. A refusal of the admin API (unknown run, wrong status) is shown as
the notice with status 409/404, never a traceback.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from waymark.dashboard import data
from waymark.dashboard.security import CSRF_FIELD
from waymark.dashboard.timeline import timeline
from waymark_runtime.admin import Admin, InstanceDetail
from waymark_runtime.admin_records import STATUSES
from waymark_runtime.errors import (
    InstanceStateError,
    SignalError,
    UnknownInstance,
    ValueNotSerializable,
)
from waymark_runtime.options import InvalidOptionError
from waymark_runtime.schedules import ScheduleError, Schedules
from waymark_runtime.signals import catalogue_of, display
from waymark_runtime.store.postgres import PostgresStore, now
from waymark_runtime.values.text import UnreadableJson, read_json

if TYPE_CHECKING:
    from waymark.dashboard.app import State

PAGE_SIZE = 50


def _state(request: Request) -> State:
    state: State = request.app.state.dashboard
    return state


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    guard = _state(request).guard
    context.setdefault("notice", request.query_params.get("notice"))
    response: Response = request.app.state.templates.TemplateResponse(
        request, name, {"csrf": guard.csrf, "csrf_field": CSRF_FIELD, **context},
        status_code=status_code,
    )  # fmt: skip
    return response


async def healthz(request: Request) -> Response:
    try:
        store = await _state(request).store()
        await store.inspection("ping")
    except Exception as failure:
        return JSONResponse({"status": "unavailable", "error": str(failure)}, 503)
    return JSONResponse({"status": "ok"})


async def events(request: Request) -> Response:
    stream = _state(request).broadcast.events()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


def _epoch(text: str | None) -> float | None:
    """A `datetime-local` field (UTC) as epoch seconds; empty is no bound."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise InvalidOptionError(f"not a date and time: {text!r}") from None


async def runs(request: Request) -> Response:
    query = request.query_params
    filters = {key: query.get(key) or "" for key in ("workflow", "status", "since", "until", "q")}
    store = await _state(request).store()
    try:
        bounds: dict[str, Any] = {"status": filters["status"] or None, "workflow": filters["workflow"] or None,
                  "created_after": _epoch(filters["since"]),
                  "created_before": _epoch(filters["until"]),
                  "limit": PAGE_SIZE, "after": query.get("after") or None}  # fmt: skip
        page, problem = await Admin(store).list(text=filters["q"] or None, **bounds), None
    except InvalidOptionError as refused:
        page, problem = None, str(refused)
    kept = {key: value for key, value in filters.items() if value}
    context = {
        "page": page, "filters": filters, "problem": problem, "statuses": STATUSES,
        "workflows": await data.workflow_names(store),
        "next_url": None if page is None or page.next_cursor is None
        else "/runs?" + urlencode({**kept, "after": page.next_cursor}),
        "live_url": None if query.get("after") else "/runs?" + urlencode({**kept, "fragment": 1}),
    }  # fmt: skip
    name = "_run_rows.html" if query.get("fragment") else "runs.html"
    return _render(request, name, 400 if problem else 200, **context)


async def _detail_or_404(request: Request) -> tuple[Any, Response | None]:
    store = await _state(request).store()
    try:
        return await Admin(store).show(request.path_params["id"]), None
    except UnknownInstance as unknown:
        return None, _render(request, "missing.html", 404, message=str(unknown))


async def run(request: Request) -> Response:
    detail, missing = await _detail_or_404(request)
    if missing is not None:
        return missing
    now = time.time()
    context: dict[str, Any] = {"run": detail, "timeline": timeline(detail, now), "now": now}
    if request.query_params.get("fragment"):
        return _render(request, "_run_live.html", **context)
    store = await _state(request).store()
    context["signals"] = await _signals(store, detail)
    program = await store.program_of(detail.summary.workflow, detail.summary.version)
    context["dot"] = await data.live_graph(store, detail.id)
    context["program_lines"] = (program or "").splitlines()
    return _render(request, "run.html", **context)


async def _signals(store: PostgresStore, detail: InstanceDetail) -> dict[str, str]:
    """The signals an unfinished run's program waits for, name -> the payload type as Python
    spells it (none for a finished run, or one whose program is not stored)."""
    if detail.summary.finished:
        return {}
    try:
        known = await catalogue_of(store, detail.summary.workflow, detail.summary.version)
    except SignalError:
        return {}
    return {name: display(text) for name, text in known.items()}


async def graph(request: Request) -> Response:
    """The run's graph as DOT coloured by live status (an HTML fragment: the escaped text),
    which the page lays out in the browser with the vendored Graphviz."""
    detail, missing = await _detail_or_404(request)
    if missing is not None:
        return missing
    dot = await data.live_graph(await _state(request).store(), detail.id)
    return _render(request, "_graph.html", dot=dot)


async def export_json(request: Request) -> Response:
    detail, missing = await _detail_or_404(request)
    if missing is not None:
        return missing
    from waymark_compiler.cli._database import instance_document

    document = await instance_document(await _state(request).store(), detail)
    body = json.dumps(document, indent=2)
    disposition = f'attachment; filename="waymark-run-{detail.id}.json"'
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": disposition})  # fmt: skip


async def _checked_form(request: Request) -> dict[str, str] | Response:
    """The posted form, or a 403 when the CSRF value or the origin is wrong."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    origin, host = request.headers.get("origin"), request.headers.get("host")
    if not _state(request).guard.csrf_ok(given if isinstance(given, str) else None, origin, host):
        return Response("forbidden: the form's CSRF check failed; reload the page and try again",
                        403, media_type="text/plain")  # fmt: skip
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _back(path: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'notice': notice})}", 303)


async def steer_run(request: Request) -> Response:
    form = await _checked_form(request)
    if isinstance(form, Response):
        return form
    action, instance = request.path_params["action"], request.path_params["id"]
    admin = Admin(await _state(request).store())
    try:
        if action == "cancel":
            summary = await admin.cancel(instance)
            return _back(f"/runs/{summary.id}", "cancelled")
        if action in ("retry", "requeue"):
            summary, created = await admin.again(instance, requeue=action == "requeue")
            if not created:
                return _back(
                    f"/runs/{summary.id}", f"{instance} was restarted already, as this run"
                )
            return _back(f"/runs/{summary.id}", f"started as a {action} of {instance}")
        if action == "signal":
            return await _send_signal(admin, instance, form)
    except UnknownInstance as unknown:
        return _render(request, "missing.html", 404, message=str(unknown))
    except InstanceStateError as refused:
        return _back(f"/runs/{instance}", str(refused))
    return Response(f"unknown action {action!r}", 404, media_type="text/plain")


async def _send_signal(admin: Admin, instance: str, form: dict[str, str]) -> Response:
    """The signal form: `name`, and `payload` as JSON (empty: null). A refusal (bad JSON, a
    name the program never waits for, a payload of the wrong type, a finished run, a type
    this process has not loaded) is a notice; nothing is stored then."""
    name, text = form.get("name", ""), form.get("payload", "").strip()
    try:
        payload = read_json(text) if text else None
    except UnreadableJson as error:
        return _back(f"/runs/{instance}", f"the payload is not JSON: {error}")
    try:
        await admin.signal(instance, name, payload)
    except (SignalError, ValueNotSerializable) as refused:
        return _back(f"/runs/{instance}", str(refused))
    return _back(f"/runs/{instance}", f"signal {name!r} sent")


async def workers(request: Request) -> Response:
    overview = await data.overview(await _state(request).store(), time.time())
    name = "_workers.html" if request.query_params.get("fragment") else "workers.html"
    return _render(request, name, overview=overview, now=time.time())


async def schedules(request: Request) -> Response:
    found = await Schedules(await _state(request).store()).select()
    return _render(request, "schedules.html", schedules=found)


async def steer_schedule(request: Request) -> Response:
    form = await _checked_form(request)
    if isinstance(form, Response):
        return form
    store = await _state(request).store()
    api = Schedules(store)
    chosen = [s for s in await api.select() if s.id == request.path_params["id"]]
    if not chosen:
        return _render(request, "missing.html", 404, message="no such schedule")
    schedule, action = chosen[0], request.path_params["action"]
    try:
        if action == "pause":
            await api.pause(schedule.workflow_name, schedule.schedule_name)
        elif action == "resume":
            await api.resume(schedule.workflow_name, schedule.schedule_name)
        elif action == "delete":
            await api.delete(schedule.workflow_name, schedule.schedule_name)
        elif action == "fire":
            new_id = await data.fire_now(store, schedule.workflow_name, schedule.inputs,
                                         schedule.priority, now())  # fmt: skip
            return _back(f"/runs/{new_id}", f"fired schedule {schedule.schedule_name}")
        else:
            return Response(f"unknown action {action!r}", 404, media_type="text/plain")
    except (ScheduleError, InvalidOptionError) as refused:
        return _back("/schedules", str(refused))
    return _back("/schedules", f"{action}d schedule {schedule.schedule_name}")
