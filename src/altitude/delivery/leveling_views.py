"""Levelling on the project's Resources tab and the program's and the portfolio's levelling
pages: the preview and optimisation part of those pages, and the POSTs that apply, undo and
optimise.

Each POST is one service call: it writes (or refuses, writing nothing), the message says what
it wrote and what it left alone, and the browser goes back to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from altitude.resources import leveling_runs
from altitude.resources import services as pool
from altitude.resources.leveling import LevelingPreview
from altitude.resources.leveling_apply import Applied, Undone
from altitude.resources.models import LevelingRunState

_PAGES = {"project": "/projects/{}/resources/", "program": "/programs/{}/leveling/", "portfolio": "/portfolios/{}/leveling/"}


def page_url(kind: str, scope_id: int) -> str:
    return _PAGES[kind].format(scope_id)


def preview_context(request: HttpRequest, kind: str, scope_id: int,
                    preview: Callable[[bool], LevelingPreview]) -> dict[str, Any]:
    """The levelling part of a scope's page: the preview when asked (``?level=1``), or an
    optimisation's progress or result (``?run=<id>``). ``PermissionDenied`` propagates."""
    within_float = request.GET.get("within_float") == "on"
    context: dict[str, Any] = {"leveling": None, "leveling_error": None, "within_float": within_float, "run": None,
                               "run_current": False, "scope_id": scope_id,
                               "seconds_choices": leveling_runs.SECONDS_CHOICES}
    raw_run = request.GET.get("run", "")
    if raw_run:
        try:
            run = pool.get_leveling_run(request.user, int(raw_run)) if raw_run.isdigit() else None
        except NotFound:
            run = None
        if run is None or run.scope != (kind, scope_id):
            context["leveling_error"] = "No optimisation with that id here."
            return context
        context["run"] = run
        if run.state == LevelingRunState.DONE:
            context.update(leveling=leveling_runs.result_of(run), within_float=run.within_float,
                           run_current=leveling_runs.is_current(run))
    elif request.GET.get("level"):
        try:
            context["leveling"] = preview(within_float)
        except InvalidInput as exc:
            context["leveling_error"] = exc.message
    return context


def describe(outcome: Applied | Undone) -> str:
    """What an apply or an undo wrote, and what it left alone."""
    if isinstance(outcome, Applied):
        count = len(outcome.application.changes)
        text = (f"Levelling applied: start no earlier than on {count} task{'s' if count != 1 else ''}, "
                "then rescheduled. Undo below puts their constraints back.")
        if outcome.kept:
            text += f" Kept their own constraint: {', '.join(outcome.kept)}."
        if outcome.unsettled:
            text += (" Some starts within a day had to become the next day, and levelling would still"
                     " delay a task: preview levelling again and apply it.")
        return text
    text = f"Levelling undone: {outcome.restored} constraint{'s' if outcome.restored != 1 else ''} restored, then rescheduled."
    if outcome.kept:
        text += f" Changed since, so left as they are: {', '.join(outcome.kept)}."
    return text


def _act(request: HttpRequest, verb: str, back: str, action: Callable[[], Applied | Undone]) -> HttpResponse:
    try:
        outcome = action()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        messages.error(request, f"Levelling not {verb}: {exc.message}")
    else:
        messages.success(request, describe(outcome))
    return redirect(back)


def _within_float(request: HttpRequest) -> bool:
    return request.POST.get("within_float") == "on"


def _run_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("run", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def optimise(request: HttpRequest) -> HttpResponse:
    """Queue an optimisation of the scope in the form; back to its page, which follows the run."""
    kind, raw_id, raw_seconds = (request.POST.get(k, "") for k in ("scope", "scope_id", "seconds"))
    if kind not in _PAGES or not raw_id.isdigit():
        raise Http404("No such levelling scope.")
    back = page_url(kind, int(raw_id))
    try:
        seconds = int(raw_seconds) if raw_seconds.strip() else leveling_runs.SECONDS_CHOICES[0]
        run = pool.optimise_leveling(request.user, kind, int(raw_id), within_float=_within_float(request),
                                     seconds=seconds)
    except ValueError:
        messages.error(request, f"Optimisation not started: seconds must be a whole number, not {raw_seconds!r}.")
        return redirect(back + "#level-h")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        messages.error(request, f"Optimisation not started: {exc.message}")
        return redirect(back + "#level-h")
    return redirect(f"{back}?run={run.pk}#level-h")


@login_required
def run_state(request: HttpRequest, run_id: int) -> HttpResponse:
    """The optimisation's progress, polled by its page (``?run=<id>``); once finished, the page
    reloads to show it (a refresh: a redirect to the same address with its ``#level-h`` would
    only scroll)."""
    try:
        run = pool.get_leveling_run(request.user, run_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    kind, scope_id = run.scope
    if run.finished and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "delivery/_leveling_run.html", {"run": run, "page": page_url(kind, scope_id)})


@login_required
@require_POST
def cancel_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Cancel an optimisation; back to its page, which says so."""
    try:
        run = pool.get_leveling_run(request.user, run_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    kind, scope_id = run.scope
    try:
        pool.cancel_leveling_run(request.user, run_id)
        messages.success(request, "Optimisation cancelled: you may start another.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{page_url(kind, scope_id)}?run={run.pk}#level-h")


@login_required
@require_POST
def project_apply(request: HttpRequest, project_id: int) -> HttpResponse:
    return _act(request, "applied", f"/projects/{project_id}/resources/#level-h",
                lambda: pool.apply_leveling(request.user, project_id, within_float=_within_float(request),
                                            run_id=_run_id(request)))


@login_required
@require_POST
def project_undo(request: HttpRequest, project_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/projects/{project_id}/resources/#level-h",
                lambda: pool.undo_leveling(request.user, application_id, project_id=project_id))


@login_required
@require_POST
def program_apply(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, "applied", f"/programs/{program_id}/leveling/",
                lambda: pool.apply_program_leveling(request.user, program_id, within_float=_within_float(request),
                                                    run_id=_run_id(request)))


@login_required
@require_POST
def program_undo(request: HttpRequest, program_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/programs/{program_id}/leveling/",
                lambda: pool.undo_leveling(request.user, application_id, program_id=program_id))


@login_required
@require_POST
def portfolio_apply(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    return _act(request, "applied", f"/portfolios/{portfolio_id}/leveling/",
                lambda: pool.apply_portfolio_leveling(request.user, portfolio_id, within_float=_within_float(request),
                                                      run_id=_run_id(request)))


@login_required
@require_POST
def portfolio_undo(request: HttpRequest, portfolio_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/portfolios/{portfolio_id}/leveling/",
                lambda: pool.undo_leveling(request.user, application_id, portfolio_id=portfolio_id))
