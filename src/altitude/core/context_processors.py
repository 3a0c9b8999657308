"""Template context shared by every page: the altitude navigation."""

from __future__ import annotations

from django.http import HttpRequest

import altitude

NAVIGATION = (
    ("Portfolio", "strategy:portfolio-list", "strategy"),
    ("Programs", "delivery:program-list", "program"),
    ("Projects", "delivery:project-list", "project"),
    ("My work", "core:my-work", "my-work"),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {"navigation": NAVIGATION, "current_view": current, "altitude_version": altitude.__version__}
