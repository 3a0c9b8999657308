"""Base models every editable row builds on: optimistic-locking version and timestamps."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VersionedModel(models.Model):
    """An editable row: ``version`` grows by one on every save made through a service.

    Clients send back the version they read; a mismatch means a lost update, which
    services refuse with ``StaleVersion`` instead of silently overwriting.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.IntegerChoices):
    """Membership roles, ordered: a higher role can do everything a lower one can."""

    VIEWER = 10, "Viewer"
    MEMBER = 20, "Member"
    MANAGER = 30, "Manager"


class MembershipBase(models.Model):
    """A user's role on one scope (portfolio, program or project); inherited downwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Notification(models.Model):
    """A short message for one person ("Jonas assigned you to Build Checkout"), with a link.

    Not versioned: only its recipient changes it, and only to mark it read (``read_at``).
    Created through :func:`altitude.core.notifications.notify`.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside Altitude, e.g. /projects/3/.")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
