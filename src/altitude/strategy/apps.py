from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "altitude.strategy"
    label = "strategy"
    verbose_name = "Strategy and portfolios"
