from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "altitude.core"
    label = "core"
    verbose_name = "Altitude core"
