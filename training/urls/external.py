from django.urls import path

from training.views import external as views

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("external/review/", views.external_review, name="external_review"),
    path("external/<int:pk>/approve/", views.external_approve_view, name="external_approve"),
    path("external/<int:pk>/return/", views.external_return_view, name="external_return"),
    path("external/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("report/", views.unit_report, name="unit_report"),
    path("lecturers/", views.lecturers, name="lecturers"),
    path("targets/", views.targets, name="targets"),
]
