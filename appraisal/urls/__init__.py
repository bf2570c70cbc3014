from django.urls import include, path

from appraisal.urls import checkup, grades, schemes, scores

app_name = "appraisal"

urlpatterns = [
    path("appraisal/", include(scores.urlpatterns)),
    path("appraisal/checkup/", include(checkup.urlpatterns)),
    path("appraisal/grades/", include(grades.urlpatterns)),
    path("appraisal/schemes/", include(schemes.urlpatterns)),
]
