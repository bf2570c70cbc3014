"""The notifications pages, under ``notifications/``."""

from django.urls import URLPattern, path

from common.views import notifications as views

app_name = "common"

urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
]
