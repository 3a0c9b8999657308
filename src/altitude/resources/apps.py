from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "altitude.resources"
    label = "resources"
    verbose_name = "Resources"
