"""Program routes (macro altitude)."""

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
]
