"""Status reports of projects and project closure: what the program hears, how a project ends."""
from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "altitude.reporting"
    label = "reporting"
    verbose_name = "Reporting: status reports and closure"

    def ready(self) -> None:
        from altitude.core import policy
        from altitude.reporting.routes import ROUTES

        policy.register_routes(ROUTES)
