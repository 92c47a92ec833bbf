"""Router of the document register API; included by tuyengiao.api_urls."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("issuer-profiles", views.IssuerProfileViewSet, basename="issuerprofile")

urlpatterns = router.urls
