"""Reporting pages: entry (being written)."""
urlpatterns: list = []
