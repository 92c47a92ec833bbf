"""/api/: the apps' routers under one DefaultRouter (browsable root), and the token endpoint.
URL names live in the "api" namespace: reverse("api:unit-list")."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from tuyengiao.accounts.api import views as accounts_views
from tuyengiao.accounts.api.urls import router as accounts_router
from tuyengiao.documents.api.urls import router as documents_router
from tuyengiao.org.api.urls import router as org_router
from tuyengiao.reporting.api.urls import router as reporting_router

app_name = "api"

router = DefaultRouter()
for app_router in (org_router, accounts_router, reporting_router, documents_router):
    router.registry.extend(app_router.registry)

urlpatterns = [
    path("auth/token/", accounts_views.TokenView.as_view(), name="token"),
    *router.urls,
]
