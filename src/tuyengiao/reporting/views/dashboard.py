"""Reporting pages: dashboard (being written)."""
urlpatterns: list = []
