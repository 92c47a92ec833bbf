"""Reporting pages: consolidated (being written)."""
urlpatterns: list = []
