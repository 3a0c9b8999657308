"""People who sign in, and the API tokens they hold."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

TOKEN_PREFIX = "alt_"


class User(AbstractUser):
    """A person. ``is_pmo`` is the global PMO role: manager rights on every scope."""

    is_pmo = models.BooleanField(
        "PMO", default=False, help_text="Project management office: acts as manager everywhere."
    )
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random, so a fast unsalted hash is safe and lets us look them up."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for scripts; only its hash is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'CI export'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it with the raw secret, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=hash_token(raw)), raw

    def is_usable(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())
