"""Router of the accounts API; included by tuyengiao.api_urls."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("users", views.UserViewSet, basename="user")
router.register("grants", views.GrantViewSet, basename="grant")

urlpatterns = router.urls
