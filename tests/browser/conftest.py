"""Browser tests: the `ui` fixture drives Debian's Chromium against the live server.

    ui.login("officer_a")          # through the real login form
    ui.goto("/org/units/")         # returns the navigation response
    ui.assert_clean()              # no console error, CSP violation, uncaught exception or 5xx so far

Every console message of type "error", every uncaught page exception, every CSP violation (reported by
the page itself through the `securitypolicyviolation` event) and every response with a 5xx status is
collected; a test calls `ui.assert_clean()` at its checkpoints and `ui.finish()` at its end. A page
that a test opens expecting a 4xx (`ui.goto(path, status=404)`) may log the browser's own
"Failed to load resource" line for that URL, and only that.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from tuyengiao.core.testing.personas import PASSWORD

# Chromium's console line for a document or resource answered with an error status.
_FAILED_RESOURCE = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")

# Reported by the page itself, so a violation shows up even when Chromium words its console line differently.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def tr(english: str, vietnamese: str) -> re.Pattern:
    """A label while the Vietnamese catalogue is being written: the English msgid or its translation."""
    return re.compile(f"{re.escape(english)}|{re.escape(vietnamese)}", re.I)


@dataclass
class UI:
    page: object
    base_url: str
    problems: list[str] = field(default_factory=list)
    expected_status: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    # --- watching the page -----------------------------------------------------------------------
    def watch(self) -> None:
        page = self.page
        page.add_init_script(_CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception on {page.url}: {exc}"))
        page.on("response", self._on_response)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        failed = _FAILED_RESOURCE.match(msg.text)
        if failed and where.endswith("/favicon.ico"):
            return  # the browser's own icon request: checked once, by test_every_page_has_an_icon
        if failed and self.expected_status.get(where) == int(failed.group(1)):
            return
        self.problems.append(f"console error on {self.page.url} ({where}): {msg.text}")

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)

    def finish(self) -> None:
        self.assert_clean()

    # --- navigating --------------------------------------------------------------------------------
    def goto(self, path: str, *, status: int = 200):
        """Open a page; `status` is what the server must answer (4xx pages are real pages too)."""
        url = self.url(path)
        if status >= 400:
            self.expected_status[url] = status
        response = self.page.goto(url)
        assert response is not None and response.status == status, (
            f"{url}: expected HTTP {status}, got {response and response.status}"
        )
        return response

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Log in through the login form, as a person does."""
        from playwright.sync_api import expect

        self.goto("/accounts/login/")
        page = self.page
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("form.login-form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("#user-menu")).to_be_attached()  # behind the collapsed menu on a phone

    def logout(self) -> None:
        """Log out through the POST form of the user menu (opening the collapsed menu on a phone)."""
        from playwright.sync_api import expect

        page = self.page
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible() and not page.locator("#user-menu").is_visible():
            toggler.click()
        page.locator("#user-menu").click()
        page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
        expect(page.locator("#id_username")).to_be_visible()


@pytest.fixture
def ui(page, live_server, cast):
    page.set_default_timeout(10_000)
    helper = UI(page=page, base_url=live_server.url)
    helper.watch()
    return helper
