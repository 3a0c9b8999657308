"""Template context shared by every page: the altitude navigation and the unread count."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest

import altitude
from altitude.core import notifications

NAVIGATION = (
    ("Portfolio", "strategy:portfolio-list", "strategy"),
    ("Programs", "delivery:program-list", "program"),
    ("Projects", "delivery:project-list", "project"),
    ("My work", "core:my-work", "my-work"),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "navigation": NAVIGATION,
        "current_view": current,
        "altitude_version": altitude.__version__,
        "unread_notifications": _unread_counter(request),
    }


def _unread_counter(request: HttpRequest) -> Callable[[], int]:
    """The count as a template callable, worked out on first use only.

    A session user comes with the count (:mod:`altitude.core.backends`), so it costs no query;
    another user (a bearer token's) is counted once. A view that changes the count in the
    same request passes ``unread_notifications`` itself.
    """

    @functools.cache
    def count() -> int:
        user = getattr(request, "user", None)
        if user is None:
            return 0
        loaded = getattr(user, "unread_notifications", None)
        return loaded if isinstance(loaded, int) else notifications.unread_count(user)

    return count
