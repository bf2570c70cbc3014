from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from appraisal import api as appraisal_api
from common.views.operations import favicon, healthz
from discipline import api as discipline_api
from org import api as org_api
from org.views.home import home
from tasks import api as tasks_api
from training import api as training_api

router = DefaultRouter()
org_api.register(router)
tasks_api.register(router)
appraisal_api.register(router)
training_api.register(router)
discipline_api.register(router)

accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("", home, name="home"),
    path("", include("org.urls")),
    path("", include("tasks.urls")),
    path("", include("appraisal.urls")),
    path("", include("training.urls")),
    path("", include("discipline.urls")),
    path("notifications/", include("common.urls")),
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    # The schema and its browser need a signed-in user: they map every endpoint.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    # Swagger UI adds <style> elements as it renders; on this signed-in developer page only, inline styles are
    # allowed. Its script stays a file (the split view serves the init script at ?script).
    path("api/docs/", login_required(csp_update({"style-src": ["'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema"))), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
