from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tuyengiao.core import api as core_api
from tuyengiao.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.HealthView.as_view(), name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg"), name="favicon"),
    path("history/<str:app_label>/<str:model>/<int:pk>/", core_views.HistoryView.as_view(), name="history"),
    path("accounts/", include("tuyengiao.accounts.urls")),
    path("org/", include("tuyengiao.org.urls")),
    path("reports/", include("tuyengiao.reporting.urls")),
    path("documents/", include("tuyengiao.documents.urls")),
    path("api/", include("tuyengiao.api_urls")),
    path("api/schema/", core_api.SchemaView.as_view(), name="schema"),
    # The split view serves its script as a file, so the strict CSP holds on the docs page too.
    path("api/docs/", core_api.DocsView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
