import pytest
from django.urls import reverse

from tuyengiao.reporting.models import Report

from .factories import make_regime


@pytest.fixture
def regime(cast):
    return make_regime(cast)


def test_workflow_through_the_api(regime, cast, api_for):
    officer = api_for("officer_a")
    r = officer.post(reverse("api:report-list"), {"regime": regime.pk, "period": "2026-H1", "unit": cast.a.pk},
                     format="json")
    assert r.status_code == 201, r.content
    rid, rev = r.json()["id"], r.json()["revision"]
    save = reverse("api:report-save-draft", args=[rid])
    r = officer.post(save, {"revision": rev, "values": {"MEMBERS": "120", "ATTENDED": 118, "PCT_ATTEND": "98,3",
                                                        "SESSIONS": "x", "MAX_POINTS": "not_applicable"},
                            "narratives": {"KQ": "<p>Tốt</p><script>x</script>"}}, format="json")
    assert r.status_code == 200 and set(r.json()["errors"]) == {"SESSIONS"}
    new_rev = r.json()["revision"]
    stale = officer.post(save, {"revision": rev, "values": {"MEMBERS": 1}}, format="json")
    assert stale.status_code == 400
    assert officer.post(reverse("api:report-submit", args=[rid]), {"revision": new_rev}, format="json").status_code == 200
    # The unit's own officer cannot approve; the sibling's gets 404; the leader approves.
    assert officer.post(reverse("api:report-approve", args=[rid])).status_code == 403
    assert api_for("officer_b").post(reverse("api:report-approve", args=[rid])).status_code == 404
    assert api_for("officer_b").get(reverse("api:report-detail", args=[rid])).status_code == 404
    leader = api_for("leader")
    assert leader.post(reverse("api:report-return-report", args=[rid]), {"comment": ""}, format="json").status_code == 400
    assert leader.post(reverse("api:report-return-report", args=[rid]), {"comment": "Bổ sung"},
                       format="json").json()["status"] == "returned"
    assert officer.post(reverse("api:report-resubmit", args=[rid]), {}, format="json").status_code == 200
    r = leader.post(reverse("api:report-approve", args=[rid]))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["narratives"] == {"KQ": "<p>Tốt</p>"}
    states = {v["code"]: (v["state"], v["value"]) for v in r.json()["values"]}
    assert states["MAX_POINTS"] == ("not_applicable", None) and states["MEMBERS"] == ("value", "120.0000")
    versions = leader.get(reverse("api:report-versions", args=[rid])).json()
    assert [v["action"] for v in versions] == ["submitted", "returned", "submitted", "approved"]
    assert leader.post(reverse("api:report-unlock", args=[rid]), {"reason": "Sai"}, format="json").status_code == 200
    assert Report.objects.get(pk=rid).status == "returned"


def test_rollup_completeness_and_scope(regime, cast, api_for):
    from .factories import approved, period

    approved(regime, period("2026-H1"), cast.a, {"MEMBERS": 100})
    approved(regime, period("2026-H1"), cast.b, {"MEMBERS": 50})
    admin = api_for("admin")
    r = admin.get(reverse("api:regime-rollup", args=[regime.pk]), {"period": "2026-H1", "codes": "MEMBERS"})
    assert r.status_code == 200 and r.json()["total"]["MEMBERS"] == "150"
    c = admin.get(reverse("api:regime-completeness", args=[regime.pk]), {"period": "2026-H1"}).json()
    assert (c["expected"], c["approved"], c["percent"]) == (2, 2, "100.0")
    assert admin.get(reverse("api:regime-pivot", args=[regime.pk]), {"period": "2026-H1"}).status_code == 200
    assert admin.get(reverse("api:regime-rollup", args=[regime.pk]), {"period": "bad", "codes": "X"}).status_code == 400
    # The sibling officer sees only B's values.
    vals = api_for("officer_b").get(reverse("api:reportvalue-list"), {"code": "MEMBERS"}).json()
    rows = vals["results"] if isinstance(vals, dict) else vals
    assert {v["unit"] for v in rows} == {cast.b.pk}
    assert admin.get(reverse("api:period-detail", args=["2026-H1"])).json()["label"] == "6 tháng đầu năm 2026"
    form = admin.get(reverse("api:formversion-detail", args=[regime.current_form_id])).json()
    assert [i["code"] for i in form["indicators"]][:2] == ["MEMBERS", "ATTENDED"]
