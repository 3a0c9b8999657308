"""Delivery pages: the program routes and the project workspace routes, one namespace."""

from altitude.delivery.program_urls import urlpatterns as program_patterns
from altitude.delivery.project_urls import urlpatterns as project_patterns

app_name = "delivery"
urlpatterns = [*program_patterns, *project_patterns]
