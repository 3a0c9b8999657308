from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "altitude.core"
    label = "core"
    verbose_name = "Altitude core"

    def ready(self) -> None:
        from altitude.core.policy import SIGNED_IN, register_routes

        register_routes({"search": SIGNED_IN})
