"""Shared fixtures: the standard cast, logged-in clients, browser settings (Debian's Chromium)."""
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def cast(db):
    from tuyengiao.core.testing.personas import build_cast

    return build_cast()


@pytest.fixture
def client_for(client, cast):
    """client_for("officer_a") -> a test client logged in as that persona (None: anonymous)."""
    from django.test import Client

    def make(name):
        c = Client()
        if name:
            c.force_login(cast.persona(name))
        return c

    return make


@pytest.fixture
def api_for(cast):
    from rest_framework.test import APIClient

    def make(name):
        c = APIClient()
        if name:
            c.force_authenticate(cast.persona(name))
        return c

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TUYENGIAO_BROWSER") == "1" or os.path.exists("/usr/bin/chromium"):
        return
    skip = pytest.mark.skip(reason="Chromium is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
