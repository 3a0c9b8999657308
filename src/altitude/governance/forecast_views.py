"""The program cockpit's forecast fragment (placeholder until forecast.py lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def program_forecast(request: HttpRequest, program_id: int) -> HttpResponse:
    return HttpResponse(status=404)
