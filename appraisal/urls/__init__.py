from django.urls import include, path

from appraisal.urls import annual, ballots, checkup, grades, quarterly, registration, results, schemes, scores

app_name = "appraisal"

urlpatterns = [
    path("appraisal/", include(scores.urlpatterns)),
    path("appraisal/", include(annual.urlpatterns)),
    path("appraisal/", include(registration.urlpatterns)),
    path("appraisal/", include(results.urlpatterns)),
    path("appraisal/checkup/", include(checkup.urlpatterns)),
    path("appraisal/checkup/", include(ballots.urlpatterns)),
    path("b/", include(ballots.public_urlpatterns)),  # the short link on the ballot slips (no login)
    path("appraisal/grades/", include(grades.urlpatterns)),
    path("appraisal/quarterly/", include(quarterly.urlpatterns)),
    path("appraisal/schemes/", include(schemes.urlpatterns)),
]
