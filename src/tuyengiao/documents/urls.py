from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("letterheads/", views.IssuerProfileListView.as_view(), name="issuerprofile_list"),
    path("letterheads/add/", views.IssuerProfileFormView.as_view(), name="issuerprofile_add"),
    path("letterheads/<int:pk>/", views.IssuerProfileDetailView.as_view(), name="issuerprofile_detail"),
    path("letterheads/<int:pk>/edit/", views.IssuerProfileFormView.as_view(), name="issuerprofile_edit"),
    path("letterheads/<int:pk>/close/", views.IssuerProfileCloseView.as_view(), name="issuerprofile_close"),
]
