"""Router of the reporting API; to be included by tuyengiao.api_urls (like the org router)."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("reporting/periods", views.PeriodViewSet, basename="period")
router.register("reporting/regimes", views.RegimeViewSet, basename="regime")
router.register("reporting/forms", views.FormVersionViewSet, basename="formversion")
router.register("reporting/reports", views.ReportViewSet, basename="report")
router.register("reporting/values", views.ReportValueViewSet, basename="reportvalue")

urlpatterns = router.urls
