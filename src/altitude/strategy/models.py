"""The top of the altitude: portfolios and the strategic objectives they serve."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import MembershipBase, VersionedModel


class Portfolio(VersionedModel):
    """A set of programs and projects, not necessarily related, managed as one investment."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_portfolios", help_text="The portfolio manager accountable for it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def membership_chain(self) -> Iterable[models.QuerySet[PortfolioMembership]]:
        return [PortfolioMembership.objects.filter(portfolio_id=self.pk)]

    def parent_scope(self) -> None:
        return None


class PortfolioMembership(MembershipBase):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portfolio", "user"], name="uniq_portfolio_member")]


class Objective(VersionedModel):
    """A strategic objective; objectives form a tree whose weights say what matters most."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Relative importance among its siblings.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio", "name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="uniq_objective_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent and self.parent.portfolio_id != self.portfolio_id:
            raise ValidationError({"parent": "The parent objective belongs to another portfolio."})
        seen: set[int] = set()
        node: Objective | None = self.parent
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": "An objective cannot be its own ancestor."})
            seen.add(node.pk)
            node = node.parent
