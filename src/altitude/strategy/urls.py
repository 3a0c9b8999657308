from django.urls import path

from altitude.strategy import views

app_name = "strategy"
urlpatterns = [
    path("portfolios/", views.portfolio_list, name="portfolio-list"),
    path("portfolios/<int:portfolio_id>/", views.portfolio_detail, name="portfolio-detail"),
]
