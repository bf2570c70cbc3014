"""The annual procedure's pages, under ``appraisal/`` in the ``appraisal`` namespace: the stage page of a unit's
year, the summaries, the 评语, the public notices and objections, the written notices, reviews and appeals."""

from django.urls import URLPattern, path

from appraisal.views import annual, notices, summaries, verdicts

urlpatterns: list[URLPattern] = [
    path("annual/", annual.procedure_list, name="procedure_list"),
    path("annual/open/", annual.procedure_open_view, name="procedure_open"),
    path("annual/<int:pk>/", annual.procedure_detail, name="procedure_detail"),
    path("annual/<int:pk>/close-summaries/", annual.summaries_close_view, name="summaries_close"),
    path("annual/<int:pk>/submit-proposals/", annual.proposals_submit_view, name="proposals_submit"),
    path("annual/<int:pk>/notice/", annual.notice_open_view, name="notice_open"),
    path("annual/<int:pk>/finalize/", annual.finalize_view, name="procedure_finalize"),
    path("annual/<int:pk>/summaries/", summaries.procedure_summaries, name="procedure_summaries"),
    path("annual/<int:pk>/comments/", annual.procedure_comments, name="procedure_comments"),
    path("annual/<int:pk>/comments/<int:grade_pk>/", annual.comment_edit, name="comment_edit"),
    path("annual/<int:pk>/signatures/", annual.procedure_signatures, name="procedure_signatures"),
    path("annual/<int:pk>/events/", annual.procedure_event_list, name="procedure_events"),
    path("summary/", summaries.summary_mine, name="summary_mine"),
    path("summary/<int:pk>/", summaries.summary_detail, name="summary_detail"),
    path("summary/<int:pk>/autosave/", summaries.summary_autosave, name="summary_autosave"),
    path("summary/<int:pk>/return/", summaries.summary_return_view, name="summary_return"),
    path("summary/<int:pk>/oral/", summaries.summary_oral_view, name="summary_oral"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/object/", notices.objection_file_view, name="objection_file"),
    path("objections/", notices.objection_list, name="objection_list"),
    path("objections/<int:pk>/", notices.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/attachment/", notices.objection_attachment, name="objection_attachment"),
    path("my-appraisal/", verdicts.annual_mine, name="annual_mine"),
    path("grade-notices/<int:pk>/", verdicts.grade_notice_detail, name="grade_notice_detail"),
    path("grade-notices/<int:pk>/print/", verdicts.grade_notice_print, name="grade_notice_print"),
    path("grade-notices/<int:pk>/sign/", verdicts.grade_notice_sign_view, name="grade_notice_sign"),
    path("grade-notices/<int:pk>/review/", verdicts.review_request_view, name="review_request"),
    path("grade-notices/<int:pk>/appeal/", verdicts.appeal_file_view, name="appeal_file"),
    path("reviews/", verdicts.review_list, name="review_list"),
    path("reviews/<int:pk>/", verdicts.review_detail, name="review_detail"),
    path("appeals/<int:pk>/record/", verdicts.appeal_record_view, name="appeal_record"),
]
