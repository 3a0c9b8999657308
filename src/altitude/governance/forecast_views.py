"""The cockpit's forecast panel: shown with the page, recomputed on request (htmx POST)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.governance import forecast


@login_required
@require_POST
def program_forecast(request: HttpRequest, program_id: int) -> HttpResponse:
    try:
        stored = forecast.compute(request.user, program_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        return render(request, "governance/_forecast.html", {"forecast_error": exc.message, "program_id": program_id,
                                                                 "can_forecast": True},
                      status=exc.status)
    if not request.headers.get("HX-Request"):
        return redirect("delivery:program-detail", program_id)
    return render(request, "governance/_forecast.html", {"forecast": stored, "forecast_current": True,
                                                         "drivers": forecast.drivers_for(request.user, stored),
                                                         "program_id": program_id, "can_forecast": True})
