"""Ballot-code pages: the organization department's under ``appraisal/checkup/<key>/ballots/``; the ballot itself,
without a login, at the short address printed on the slips, ``/b/<code>``."""

from django.urls import URLPattern, path

from appraisal.views import ballots as views

urlpatterns: list[URLPattern] = [
    path("<str:key>/ballots/", views.ballot_batches, name="ballot_batches"),
    path("<str:key>/ballots/issue/", views.ballot_batch_issue, name="ballot_batch_issue"),
    path("<str:key>/ballots/<int:pk>/revoke/", views.ballot_batch_revoke, name="ballot_batch_revoke"),
]

public_urlpatterns: list[URLPattern] = [
    path("", views.ballot_start, name="ballot_start"),
    path("thanks/", views.ballot_thanks, name="ballot_thanks"),
    path("<str:code>", views.ballot, name="ballot"),
    path("<str:code>/", views.ballot, name="ballot_slash"),  # a code typed with a trailing slash
]
