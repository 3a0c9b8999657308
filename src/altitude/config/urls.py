"""URL map: pages per app, the admin, and the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from altitude.config.api import api
from altitude.core.search_views import search_page

urlpatterns = [
    path("", include("altitude.core.urls")),
    path("", include("altitude.strategy.urls")),
    path("", include("altitude.delivery.urls")),
    path("", include("altitude.governance.urls")),
    path("", include("altitude.reporting.urls")),
    path("search/", search_page, name="search"),
    path("accounts/", include("altitude.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
]
