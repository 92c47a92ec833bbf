"""URLconf for the API tests until tuyengiao.api_urls includes the reporting router."""
from django.urls import include, path

from tuyengiao.reporting.api.urls import router

urlpatterns = [path("api/", include((router.urls, "api")))]
