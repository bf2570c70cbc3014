from django.urls import include, path

from appraisal.urls import checkup, grades, scores

app_name = "appraisal"

urlpatterns = [
    path("appraisal/", include(scores.urlpatterns)),
    path("appraisal/checkup/", include(checkup.urlpatterns)),
    path("appraisal/grades/", include(grades.urlpatterns)),
]
