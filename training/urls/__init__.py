from django.urls import include, path

from training.urls import criticism, external, ledger, plans, sessions

app_name = "training"

urlpatterns = [
    path("training/", include(sessions.urlpatterns)),
    path("training/", include(external.urlpatterns)),
    path("training/", include(ledger.urlpatterns)),
    path("training/", include(plans.urlpatterns)),
    path("training/", include(criticism.urlpatterns)),
]
