from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("units/", views.UnitTreeView.as_view(), name="unit_tree"),
    path("units/add/", views.UnitCreateView.as_view(), name="unit_add"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/rename/", views.UnitRenameView.as_view(), name="unit_rename"),
    path("units/<int:pk>/type/", views.UnitTypeChangeView.as_view(), name="unit_edit"),
    path("units/<int:pk>/split/", views.UnitSplitView.as_view(), name="unit_split"),
    path("units/<int:pk>/abolish/", views.UnitAbolishView.as_view(), name="unit_abolish"),
    path("units/import/", views.ImportView.as_view(), name="unit_import"),
    path("units/import/template.xlsx", views.ImportTemplateView.as_view(), name="unit_import_template"),
    path("units/import/<int:pk>/", views.ImportJobView.as_view(), name="unit_import_job"),
    path("unit-types/", views.UnitTypeListView.as_view(), name="unittype_list"),
    path("restructure/merge/", views.MergeWizardView.as_view(), name="merge_wizard"),
    path("lineage/", views.LineageEventListView.as_view(), name="lineageevent_list"),
    path("lineage/<int:pk>/", views.LineageEventDetailView.as_view(), name="lineageevent_detail"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonFormView.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonFormView.as_view(), name="person_edit"),
    path("people/<int:person_pk>/positions/add/", views.PositionCreateView.as_view(), name="position_add"),
    path("positions/<int:pk>/close/", views.PositionCloseView.as_view(), name="position_close"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/add/", views.ClusterFormView.as_view(), name="cluster_add"),
    path("clusters/<int:pk>/", views.ClusterDetailView.as_view(), name="cluster_detail"),
    path("clusters/<int:pk>/edit/", views.ClusterFormView.as_view(), name="cluster_edit"),
    path("terms/", views.TermListView.as_view(), name="term_list"),
    path("terms/add/", views.TermFormView.as_view(), name="term_add"),
    path("terms/<int:pk>/", views.TermDetailView.as_view(), name="term_detail"),
    path("terms/<int:pk>/edit/", views.TermFormView.as_view(), name="term_edit"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/add/", views.DepartmentFormView.as_view(), name="department_add"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentFormView.as_view(), name="department_edit"),
]
