"""In-app notifications: idempotent by key, each user sees and opens only their own, the navbar bell count."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, include, path

from tuyengiao import urls as root_urls
from tuyengiao.accounts import notifications, urls_notifications
from tuyengiao.accounts import urls as accounts_urls
from tuyengiao.accounts.models import Notification

# The real URLconf with the notification URLs in the accounts namespace (whether or not accounts/urls.py
# includes them yet).
_names = {p.name for p in accounts_urls.urlpatterns}
urlpatterns = [p for p in root_urls.urlpatterns if not (isinstance(p, URLResolver) and p.app_name == "accounts")]
urlpatterns.insert(0, path("accounts/", include((
    accounts_urls.urlpatterns + [p for p in urls_notifications.urlpatterns if p.name not in _names], "accounts"))))

CP = "tuyengiao.accounts.context_processors.notifications"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _bell(settings):
    """The context processor, as settings/base.py declares it."""
    templates = [dict(t, OPTIONS=dict(t["OPTIONS"])) for t in settings.TEMPLATES]
    cps = templates[0]["OPTIONS"]["context_processors"]
    if CP not in cps:
        templates[0]["OPTIONS"]["context_processors"] = [*cps, CP]
    settings.TEMPLATES = templates


def _note(user, key="k1", title="Báo cáo sắp đến hạn", url="/reports/"):
    return notifications.notify(user=user, title=title, body="Nội dung", url=url, kind="test", key=key)


def test_notify_is_idempotent_by_key_per_user(cast):
    first = _note(cast.officer_a)
    again = _note(cast.officer_a, title="Khác")
    assert first.created and not again.created
    assert again.notification.pk == first.notification.pk and again.notification.title == "Báo cáo sắp đến hạn"
    assert _note(cast.officer_b).created  # the same key for another user is another notification
    assert Notification.objects.filter(key="k1").count() == 2


def test_unread_count_is_one_query(cast):
    _note(cast.officer_a, "a")
    _note(cast.officer_a, "b")
    _note(cast.officer_b, "c")
    with CaptureQueriesContext(connection) as ctx:
        assert notifications.unread_count(cast.officer_a) == 2
    assert len(ctx.captured_queries) == 1
    from django.contrib.auth.models import AnonymousUser

    assert notifications.unread_count(AnonymousUser()) == 0


def test_list_shows_only_own_notifications(client_for, cast):
    _note(cast.officer_a, "a", title="Thông báo của An")
    _note(cast.officer_b, "b", title="Thông báo của Bến")
    resp = client_for("officer_a").get("/accounts/notifications/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Thông báo của An" in html and "Thông báo của Bến" not in html


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/accounts/notifications/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_open_marks_read_and_follows_the_link(client_for, cast):
    n = _note(cast.officer_a, url="/reports/r/7/").notification
    c = client_for("officer_a")
    resp = c.post(f"/accounts/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == "/reports/r/7/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert c.get(f"/accounts/notifications/{n.pk}/open/").status_code == 405  # a state change is a POST


def test_open_refuses_an_outside_link(client_for, cast):
    n = _note(cast.officer_a, url="https://example.com/phish").notification
    resp = client_for("officer_a").post(f"/accounts/notifications/{n.pk}/open/")
    assert resp["Location"] == "/accounts/notifications/"


def test_another_users_notification_is_404(client_for, cast):
    n = _note(cast.officer_b).notification
    resp = client_for("officer_a").post(f"/accounts/notifications/{n.pk}/open/")
    assert resp.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_own(client_for, cast):
    _note(cast.officer_a, "a")
    _note(cast.officer_a, "b")
    other = _note(cast.officer_b, "c").notification
    resp = client_for("officer_a").post("/accounts/notifications/read-all/")
    assert resp.status_code == 302
    assert notifications.unread_count(cast.officer_a) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_unread_filter(client_for, cast):
    read = _note(cast.officer_a, "a", title="Đã đọc rồi").notification
    _note(cast.officer_a, "b", title="Chưa đọc")
    notifications.mark_read(notification=read, by=cast.officer_a)
    html = client_for("officer_a").get("/accounts/notifications/?unread=1").content.decode()
    assert "Chưa đọc" in html and "Đã đọc rồi" not in html


def test_bell_shows_the_unread_count(client_for, cast):
    c = client_for("officer_a")
    html = c.get("/").content.decode()
    assert 'data-testid="notification-bell"' in html and 'data-testid="notification-count"' not in html
    _note(cast.officer_a, "a")
    _note(cast.officer_a, "b")
    _note(cast.officer_b, "c")
    html = c.get("/").content.decode()
    assert 'data-testid="notification-count">2</span>' in html
    c.post("/accounts/notifications/read-all/")
    assert 'data-testid="notification-count"' not in c.get("/").content.decode()


def test_bell_costs_one_query(client_for, cast):
    c = client_for("officer_a")
    _note(cast.officer_a, "a")
    with CaptureQueriesContext(connection) as ctx:
        c.get("/")
    counts = [q["sql"] for q in ctx.captured_queries if "accounts_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
