"""Apply and undo levelling from the project's Resources tab and the program's and the
portfolio's levelling pages.

Each is one POST: the service writes (or refuses, writing nothing), the message says what it
wrote and what it left alone, and the browser goes back to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.resources import services as pool
from altitude.resources.leveling_apply import Applied, Undone


def describe(outcome: Applied | Undone) -> str:
    """What an apply or an undo wrote, and what it left alone."""
    if isinstance(outcome, Applied):
        count = len(outcome.application.changes)
        text = (f"Levelling applied: start no earlier than on {count} task{'s' if count != 1 else ''}, "
                "then rescheduled. Undo below puts their constraints back.")
        if outcome.kept:
            text += f" Kept their own constraint: {', '.join(outcome.kept)}."
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


@login_required
@require_POST
def project_apply(request: HttpRequest, project_id: int) -> HttpResponse:
    return _act(request, "applied", f"/projects/{project_id}/resources/#level-h",
                lambda: pool.apply_leveling(request.user, project_id, within_float=_within_float(request)))


@login_required
@require_POST
def project_undo(request: HttpRequest, project_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/projects/{project_id}/resources/#level-h",
                lambda: pool.undo_leveling(request.user, application_id, project_id=project_id))


@login_required
@require_POST
def program_apply(request: HttpRequest, program_id: int) -> HttpResponse:
    return _act(request, "applied", f"/programs/{program_id}/leveling/",
                lambda: pool.apply_program_leveling(request.user, program_id, within_float=_within_float(request)))


@login_required
@require_POST
def program_undo(request: HttpRequest, program_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/programs/{program_id}/leveling/",
                lambda: pool.undo_leveling(request.user, application_id, program_id=program_id))


@login_required
@require_POST
def portfolio_apply(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    return _act(request, "applied", f"/portfolios/{portfolio_id}/leveling/",
                lambda: pool.apply_portfolio_leveling(request.user, portfolio_id, within_float=_within_float(request)))


@login_required
@require_POST
def portfolio_undo(request: HttpRequest, portfolio_id: int, application_id: int) -> HttpResponse:
    return _act(request, "undone", f"/portfolios/{portfolio_id}/leveling/",
                lambda: pool.undo_leveling(request.user, application_id, portfolio_id=portfolio_id))
