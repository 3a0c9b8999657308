from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "altitude.delivery"
    label = "delivery"
    verbose_name = "Programs and projects"
