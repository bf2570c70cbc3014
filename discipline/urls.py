"""Discipline pages, under ``discipline/`` in the ``discipline`` namespace."""

from django.urls import path

from discipline.views import appeals, cases, catalogue, decisions, record, register, talks, tolerance

app_name = "discipline"
urlpatterns = [
    path("discipline/cases/", cases.case_list, name="case_list"),
    path("discipline/cases/new/", cases.case_create, name="case_create"),
    path("discipline/cases/export/", register.case_export, name="case_export"),
    path("discipline/cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("discipline/cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("discipline/cases/<int:pk>/transition/", cases.case_transition_view, name="case_transition"),
    path("discipline/cases/<int:pk>/attachments/", cases.attachment_upload, name="attachment_upload"),
    path("discipline/cases/<int:pk>/decisions/", decisions.decision_create, name="decision_create"),
    path("discipline/attachments/<int:pk>/", cases.attachment_download, name="attachment_download"),
    path("discipline/decisions/<int:pk>/", record.decision_detail, name="decision_detail"),
    path("discipline/decisions/<int:pk>/appeal/", appeals.appeal_create, name="appeal_create"),
    path("discipline/appeals/<int:pk>/decide/", appeals.appeal_decide_view, name="appeal_decide"),
    path("discipline/me/", record.my_record, name="my_record"),
    path("discipline/effects/", record.effects, name="effects"),
    path("discipline/effects/officials/<int:pk>/", record.official_effects, name="official_effects"),
    path("discipline/tolerance/", tolerance.tolerance_list, name="tolerance_list"),
    path("discipline/tolerance/new/", tolerance.tolerance_create, name="tolerance_create"),
    path("discipline/tolerance/<int:pk>/", tolerance.tolerance_detail, name="tolerance_detail"),
    path("discipline/tolerance/<int:pk>/review/", tolerance.tolerance_review_view, name="tolerance_review"),
    path("discipline/tolerance/<int:pk>/decide/", tolerance.tolerance_decide_view, name="tolerance_decide"),
    path("discipline/tolerance/<int:pk>/rectified/", tolerance.rectification_view, name="rectification_done"),
    path("discipline/talks/", talks.talk_list, name="talk_list"),
    path("discipline/talks/new/", talks.talk_create, name="talk_create"),
    path("discipline/talks/<int:pk>/", talks.talk_detail, name="talk_detail"),
    path("discipline/rules/", catalogue.rule_list, name="rule_list"),
    path("discipline/rules/new/", catalogue.rule_edit, name="rule_create"),
    path("discipline/rules/<int:pk>/", catalogue.rule_edit, name="rule_edit"),
    path("discipline/kinds/", catalogue.kind_list, name="kind_list"),
    path("discipline/kinds/<int:pk>/", catalogue.kind_edit, name="kind_edit"),
]
