from django.urls import path

from altitude.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my-work"),
    path("my-work/tasks/<int:task_id>/progress/", views.my_work_progress, name="my-work-progress"),
    path("my-work/time/", views.my_work_time, name="my-work-time"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
]
