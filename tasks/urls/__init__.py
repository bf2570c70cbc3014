from django.urls import include, path

from tasks.urls import letters, reports, tasks

app_name = "tasks"

urlpatterns = [
    path("tasks/", include(tasks.urlpatterns)),
    path("reports/", include(reports.urlpatterns)),
    path("letters/", include(letters.urlpatterns)),
]
