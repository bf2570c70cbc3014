from django.urls import include, path

from training.urls import external, ledger, sessions

app_name = "training"

urlpatterns = [
    path("training/", include(sessions.urlpatterns)),
    path("training/", include(external.urlpatterns)),
    path("training/", include(ledger.urlpatterns)),
]
