"""Risks and issues of projects and programs: registers, escalation, heat maps."""
from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "altitude.governance"
    label = "governance"
    verbose_name = "Governance: risks and issues"

    def ready(self) -> None:
        from altitude.core import policy
        from altitude.governance.routes import ROUTES

        policy.register_routes(ROUTES)
