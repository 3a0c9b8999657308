from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "altitude.governance"
    label = "governance"
    verbose_name = "Governance: risks and issues"
