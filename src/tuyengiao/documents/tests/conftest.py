import pytest


@pytest.fixture
def document_types(db):
    """The seeded document types, re-seeded in case a transactional test flushed a reused database."""
    from importlib import import_module

    from django.apps import apps

    import_module("tuyengiao.documents.migrations.0002_seed_document_types").seed(apps, None)
