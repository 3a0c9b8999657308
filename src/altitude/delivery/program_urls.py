"""Program routes (macro altitude), and levelling across a portfolio's projects."""

from django.urls import path

from altitude.delivery import leveling_views, program_views

urlpatterns = [
    path("programs/", program_views.program_list, name="program-list"),
    path("programs/<int:program_id>/", program_views.program_detail, name="program-detail"),
    path("programs/<int:program_id>/leveling/", program_views.program_leveling, name="program-leveling"),
    path("programs/<int:program_id>/leveling/apply/", leveling_views.program_apply,
         name="program-leveling-apply"),
    path("programs/<int:program_id>/leveling/<int:application_id>/undo/", leveling_views.program_undo,
         name="program-leveling-undo"),
    path("portfolios/<int:portfolio_id>/leveling/", program_views.portfolio_leveling, name="portfolio-leveling"),
    path("portfolios/<int:portfolio_id>/leveling/apply/", leveling_views.portfolio_apply,
         name="portfolio-leveling-apply"),
    path("portfolios/<int:portfolio_id>/leveling/<int:application_id>/undo/", leveling_views.portfolio_undo,
         name="portfolio-leveling-undo"),
    path("leveling/optimise/", leveling_views.optimise, name="leveling-optimise"),
    path("leveling/runs/<int:run_id>/", leveling_views.run_state, name="leveling-run"),
    path("leveling/runs/<int:run_id>/cancel/", leveling_views.cancel_run, name="leveling-run-cancel"),
]
