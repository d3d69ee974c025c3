from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core import views as core_views
from web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("readyz", core_views.ready, name="ready"),
    path("accounts/", include("accounts.urls")),
    path("households/", include("households.urls")),
    path("funds/", include("funds.urls")),
    path("jobs/", include("jobs.urls")),
    path("matching/", include("matching.urls")),
    path("ventures/", include("ventures.urls")),
    path("training/", include("training.urls")),
    path("fairs/", include("fairs.urls")),
    path("relief/", include("relief.urls")),
    path("assessment/", include("assessment.urls")),
    path("me/", include("households.urls_worker")),
    path("skills/", include("skills.urls")),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("web.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the pages' CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
