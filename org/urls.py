from django.urls import path

from org import views, views_leave, views_picker

app_name = "org"

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("officials/", views.official_list, name="official_list"),
    path("officials/search/", views_picker.official_search, name="official_search"),
    path("officials/<int:pk>/", views.official_detail, name="official_detail"),
    path("officials/<int:pk>/posts/", views.official_post_change, name="official_post_change"),
    path("units/", views.unit_tree, name="unit_tree"),
    path("roster/import/", views.roster_upload, name="roster_upload"),
    path("roster/template.xlsx", views.roster_template_download, name="roster_template"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/template/", views.calendar_template_download, name="calendar_template"),
    path("calendar/<str:day>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("officials/<int:pk>/leave/", views_leave.official_leave, name="official_leave"),
    path("leave/", views_leave.leave_list, name="leave_list"),
    path("leave/<int:pk>/edit/", views_leave.leave_edit, name="leave_edit"),
    path("leave/<int:pk>/delete/", views_leave.leave_delete, name="leave_delete"),
]
