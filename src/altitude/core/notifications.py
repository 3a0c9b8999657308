"""Notifications: short messages with a link, shown in each person's My work.

Any app's services call :func:`notify` after a change someone else should hear about
(an assignment, an escalation, a correction of their time entry). It never raises for
an empty audience and skips the acting user, so callers can pass "everyone involved".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from altitude.core.errors import NotFound
from altitude.core.models import Notification
from altitude.core.policy import AnyUser

MAX_TEXT = 300


def notify(users: Iterable[AnyUser | int | None], text: str, url: str = "", *, actor: AnyUser | None = None) -> list[Notification]:
    """Create one notification per distinct recipient (users or user ids); ``actor`` is left out.

    ``text`` is cut to 300 characters; ``url`` should be a path inside Altitude.
    """
    skip = actor.pk if actor is not None and actor.is_authenticated else None
    ids: list[int] = []
    for user in users:
        pk = user if isinstance(user, int) else (user.pk if user is not None and user.is_authenticated else None)
        if pk is not None and pk != skip and pk not in ids:
            ids.append(pk)
    if not ids:
        return []
    cut = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    return Notification.objects.bulk_create([Notification(recipient_id=pk, text=cut, url=url) for pk in ids])


def notifications_for(user: AnyUser, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=user.pk)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: AnyUser) -> int:
    return notifications_for(user, unread_only=True).count()


def mark_read(user: AnyUser, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (someone else's answers 404)."""
    found = notifications_for(user).filter(pk=notification_id).first()
    if found is None:
        raise NotFound("No notification with that id.")
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_all_read(user: AnyUser) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    return notifications_for(user, unread_only=True).update(read_at=timezone.now())
