"""Reporting pages: exchange (being written)."""
urlpatterns: list = []
