"""The home page lists what the user's units still owe: overdue first, then due within a month, each with
its action; received reports and other people's units are not listed."""
import pytest
from django.utils import timezone

from tuyengiao.reporting import services
from tuyengiao.reporting.models import Period

from .factories import make_regime


@pytest.fixture
def monthly(cast):
    """A monthly regime the chi bộ (A1) reports; deadline 5 days after the month."""
    regime = make_regime(cast, code="thang", frequency="monthly")
    regime.unit_types.set([cast.a1.type])
    return regime


def _month(offset: int) -> Period:
    today = timezone.localdate().replace(day=1)
    month = (today.month - 1 + offset) % 12 + 1
    year = today.year + (today.month - 1 + offset) // 12
    return Period.objects.for_code(f"{year}-{month:02d}")


def test_the_home_page_lists_what_is_owed(client_for, cast, monthly):
    from tuyengiao.reporting.selectors import effective_deadline

    last, current = _month(-1), _month(0)
    draft = services.report_get_or_create_draft(regime=monthly, period=last, unit=cast.a1, by=None)
    page = client_for("clerk_a1").get("/").content.decode()
    start = page.index('data-testid="home-todo"')
    todo = page[start:page.index("</section>", start)]
    assert "Báo cáo cần gửi" in todo
    # Last month's (a draft) comes before this month's (not started: a start button).
    assert todo.index(f'data-period="{last.code}"') < todo.index(f'data-period="{current.code}"')
    assert draft.get_absolute_url() in todo and 'action="/reports/start/"' in todo
    overdue = effective_deadline(monthly, last) < timezone.localdate()
    assert ("list-group-item-danger" in todo) == overdue
    # Once sent, a report leaves the list.
    services.report_save_draft(report=draft, by=None, values={"MEMBERS": 10}, narratives={},
                               based_on_revision=draft.revision)
    draft.refresh_from_db()
    services.report_submit(report=draft, by=None, explanation="ok")
    page = client_for("clerk_a1").get("/").content.decode()
    assert f'data-period="{last.code}"' not in page and f'data-period="{current.code}"' in page
    # Someone who reports for no unit sees no list.
    assert 'data-testid="home-todo"' not in client_for("viewer").get("/").content.decode()


def test_entering_a_report_for_another_unit_says_so(client_for, cast, monthly):
    """The commune's specialist may enter the figures of one of its chi bộ: the page says whose report
    it is and points to its history; the chi bộ's own clerk gets no such note."""
    report = services.report_get_or_create_draft(regime=monthly, period=_month(0), unit=cast.a1, by=None)
    page = client_for("officer_a").get(report.get_absolute_url()).content.decode()
    assert 'data-testid="on-behalf"' in page and "Bạn đang nhập báo cáo này cho Chi bộ thôn Đông" in page
    assert f"/history/reporting/report/{report.pk}/" in page
    assert 'data-testid="on-behalf"' not in client_for("clerk_a1").get(report.get_absolute_url()).content.decode()
