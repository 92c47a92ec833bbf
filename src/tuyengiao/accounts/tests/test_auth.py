"""Login, lockout, password change, security headers and the production settings."""
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from tuyengiao.core.testing.personas import PASSWORD


@pytest.mark.django_db
class TestLogin:
    def test_login_page_is_vietnamese(self, client):
        body = client.get("/accounts/login/").content.decode()
        assert 'lang="vi"' in body
        assert "Tên đăng nhập" in body and "Mật khẩu" in body

    def test_login_and_home(self, client, cast):
        resp = client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
        assert resp.status_code == 302
        home = client.get("/").content.decode()
        assert "Lê Thị An" in home and "Đảng ủy xã An Bình" in home

    def test_wrong_password_message(self, client, cast):
        resp = client.post("/accounts/login/", {"username": "officer_a", "password": "sai"})
        assert resp.status_code == 200
        assert "không đúng" in resp.content.decode() or "Vui lòng" in resp.content.decode()

    def test_lockout_after_repeated_failures(self, client, cast, settings):
        settings.AXES_FAILURE_LIMIT = 3
        for _ in range(3):
            client.post("/accounts/login/", {"username": "officer_a", "password": "sai"}, REMOTE_ADDR="10.0.0.9")
        resp = client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
        assert resp.status_code in (403, 429)
        assert "tạm khóa" in resp.content.decode()
        assert "_auth_user_id" not in client.session

    def test_logout_is_post(self, client_for, cast):
        c = client_for("officer_a")
        assert c.post("/accounts/logout/").status_code == 302
        assert c.get("/").status_code == 302

    def test_password_change(self, client, cast):
        client.force_login(cast.officer_a)
        resp = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Mot-mat-khau-moi-77",
                                                   "new_password2": "Mot-mat-khau-moi-77"})
        assert resp.status_code == 302
        cast.officer_a.refresh_from_db()
        assert cast.officer_a.check_password("Mot-mat-khau-moi-77")

    def test_password_too_short_rejected_in_vietnamese(self, client, cast):
        client.force_login(cast.officer_a)
        resp = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "abc",
                                                   "new_password2": "abc"})
        assert resp.status_code == 200
        assert "quá ngắn" in resp.content.decode()

    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
    def test_argon2_is_the_hasher(self, cast):
        cast.viewer.set_password("Mot-mat-khau-moi-77")
        assert cast.viewer.password.startswith("argon2")


@pytest.mark.django_db
def test_content_security_policy_header(client_for, cast):
    resp = client_for("admin").get("/")
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings.prod",
           "SECRET_KEY": "x" * 20 + "prod-secret-key-for-the-check-only-0123456789abcdef",
           "ALLOWED_HOSTS": "tuyengiao.example.vn", "TUYENGIAO_VAR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in tests only
    out = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
