"""Reporting URLs: each views module owns its patterns (entry, dashboards, consolidated report, XLSX)."""
from .views import consolidated, dashboard, entry, exchange, setup, workflow

app_name = "reporting"
urlpatterns = entry.urlpatterns + workflow.urlpatterns + dashboard.urlpatterns + consolidated.urlpatterns + exchange.urlpatterns
urlpatterns += setup.urlpatterns
