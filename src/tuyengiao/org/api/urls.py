"""Router of the organisation API; included by tuyengiao.api_urls."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("unit-types", views.UnitTypeViewSet, basename="unittype")
router.register("units", views.UnitViewSet, basename="unit")
router.register("lineage-events", views.LineageEventViewSet, basename="lineageevent")
router.register("terms", views.TermViewSet, basename="term")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("people", views.PersonViewSet, basename="person")
router.register("positions", views.PositionViewSet, basename="position")
router.register("clusters", views.ClusterViewSet, basename="cluster")

urlpatterns = router.urls
