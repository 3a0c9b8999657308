"""The session's user, loaded with the count of their unread notifications.

Every page shows that count in the top bar; counting it while the authentication middleware
loads the user (one query it makes anyway) keeps it off every page's query budget.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Q


class SessionUserBackend(ModelBackend):
    """Django's model backend; ``get_user`` adds ``unread_notifications`` to the user."""

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.annotate(
            unread_notifications=Count("notifications", filter=Q(notifications__read_at__isnull=True))
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
