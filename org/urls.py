from django.urls import path

from org.views import calendar, home, leave, officials, picker, roster, units

app_name = "org"

urlpatterns = [
    path("statistics/", home.statistics, name="statistics"),
    path("officials/", officials.official_list, name="official_list"),
    path("officials/search/", picker.official_search, name="official_search"),
    path("officials/<int:pk>/", officials.official_detail, name="official_detail"),
    path("officials/<int:pk>/posts/", officials.official_post_change, name="official_post_change"),
    path("units/", units.unit_tree, name="unit_tree"),
    path("roster/import/", roster.roster_upload, name="roster_upload"),
    path("roster/template.xlsx", roster.roster_template_download, name="roster_template"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/template/", calendar.calendar_template_download, name="calendar_template"),
    path("calendar/<str:day>/delete/", calendar.calendar_day_delete, name="calendar_day_delete"),
    path("officials/<int:pk>/leave/", leave.official_leave, name="official_leave"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/<int:pk>/edit/", leave.leave_edit, name="leave_edit"),
    path("leave/<int:pk>/delete/", leave.leave_delete, name="leave_delete"),
]
