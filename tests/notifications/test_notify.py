"""notify(): one notification per recipient, in the caller's transaction; the same event once;
kinds registered once; and the jobs events (an invitation with its buttons, a new applicant for
every user of the employer)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from accounts.models import Role
from jobs import services as job_services
from jobs.models import Application, EmployerMembership
from notifications import registry, selectors
from notifications.models import Delivery, Notification
from notifications.services import Notice, notify, notify_each, resolve
from tests.factories import UserFactory
from tests.notifications.helpers import TEST_KIND, throwaway_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind() -> Any:
    with throwaway_kind() as entry:
        yield entry


def test_one_notification_per_recipient_even_when_named_twice(kind: Any, people: Any) -> None:
    made = notify([people.wang, people.hana, people.wang.pk, None], TEST_KIND, {"employer": "利民", "time": "9:30"})
    assert sorted(n.recipient_id for n in made) == sorted([people.wang.pk, people.hana.pk])


def test_the_same_event_processed_twice_gives_one_notification(kind: Any, people: Any) -> None:
    first = notify([people.wang], TEST_KIND, {}, key="interview:7:tomorrow")
    second = notify([people.wang, people.hana], TEST_KIND, {}, key="interview:7:tomorrow")
    assert len(first) == 1
    assert [n.recipient_id for n in second] == [people.hana.pk]
    assert Notification.objects.filter(recipient=people.wang).count() == 1
    assert Delivery.objects.filter(notification__recipient=people.wang).count() == 1  # and one SMS


def test_notify_each_skips_events_already_notified(kind: Any, people: Any) -> None:
    notify_each(TEST_KIND, [Notice(people.wang, {}, key="a"), Notice(people.hana, {}, key="b")])
    again = notify_each(TEST_KIND, [Notice(people.wang, {}, key="a"), Notice(people.hana, {}, key="c")])
    assert [(n.recipient_id, n.key) for n in again] == [(people.hana.pk, "c")]


def test_a_notification_is_written_with_its_event_or_not_at_all(kind: Any, people: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([people.wang], TEST_KIND, {})
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_inactive_accounts_are_left_out(kind: Any, people: Any) -> None:
    people.hana.is_active = False
    people.hana.save()
    assert [n.recipient_id for n in notify([people.hana, people.wang], TEST_KIND, {})] == [people.wang.pk]


def test_an_unknown_kind_is_refused_and_writes_nothing(people: Any) -> None:
    with pytest.raises(registry.RegistryError):
        notify([people.wang], "no.such.kind", {})
    assert not Notification.objects.exists()


def test_a_recipient_outside_the_kinds_audience_is_a_programming_error(people: Any) -> None:
    with pytest.raises(ValueError, match="not for users"):
        notify([people.eve], "application.invited", {})  # an employer is not invited to apply
    assert not Notification.objects.exists()


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_link_off_the_site_is_refused(kind: Any, people: Any, link: str) -> None:
    with pytest.raises(ValueError):
        notify([people.wang], TEST_KIND, {}, link)
    assert not Notification.objects.exists()


def test_a_kind_code_is_registered_once(kind: Any) -> None:
    with pytest.raises(registry.RegistryError, match="twice"):
        registry.register(registry.Kind(code=TEST_KIND, label="x", title="x", audience=registry.EVERYONE))


def test_a_kind_with_an_unknown_channel_is_refused() -> None:
    with pytest.raises(registry.RegistryError, match="unknown channels"):
        registry.register(
            registry.Kind(code="test.fax", label="x", title="x", audience=registry.EVERYONE, channels=("fax",))
        )
    assert registry.find("test.fax") is None


def test_a_missing_placeholder_never_breaks_the_inbox(kind: Any, people: Any) -> None:
    [made] = notify([people.wang], TEST_KIND, {"employer": "利民"})
    assert selectors.title_of(made) == "Interview at 利民 at …"


def test_every_kind_has_chinese_and_fits_one_sms() -> None:
    """Each registered kind's text, with plausible values, is one SMS (70 characters) in Chinese,
    and has its Chinese translation (it is not the English text)."""
    sample = {
        "employer": "鄂托克旗利民物流",
        "posting": "叉车司机",
        "member": "王强",
        "state": "interview",
        "verdict": "approved",
        "how": "promoted",
        "course": "中式烹调师（初级）",
        "starts": "2026-03-05",
        "venue": "职教中心",
        "number": "3",
        "amount": "¥1,250.00",
        "due": "2026-03-05",
        "fair": "春风行动招聘会",
        "day": "2026-03-05",
        "times": "09:00 利民, 10:30 草原",
        "code": "A01",
        "unit": "乌兰镇工会",
        "year": "2026",
        "household": "150624-2026-000123",
        "count": "4",
        "until": "2026-03-08",
        "business": "牛肉干作坊",
        "best": "叉车司机",
        "summary": "待审批脱困申请 2; 本周走访 3",
        "payee": "王强",
        "note": "",
    }
    kinds = [k for k in registry.kinds() if not k.code.startswith("test.")]
    assert len(kinds) >= 25
    for kind in kinds:
        english, _body = kind.render(sample, "en")
        chinese, _body = kind.render(sample, "zh-hans")
        assert chinese != english, f"{kind.code} has no Chinese text"
        assert len(chinese) <= registry.SMS_LENGTH, f"{kind.code} is too long for one SMS: {chinese}"
        with translation.override("en"):
            label_en = str(kind.label)
        with translation.override("zh-hans"):
            assert str(kind.label) != label_en, f"{kind.code} has no Chinese label"


# --- the jobs events ---------------------------------------------------------------------------------


def test_an_invitation_reaches_the_worker_with_accept_and_decline(people: Any, posting: Any, wang: Any) -> None:
    wang.consent_to_be_found = True
    wang.save()
    application = job_services.application_invite(posting=posting, member=wang, by=people.eve, message="欢迎来面试")
    [notice] = Notification.objects.filter(recipient=people.wang)
    assert notice.kind == "application.invited"
    assert notice.link == f"/jobs/{posting.pk}/"
    shown = selectors.shown(notice)
    assert shown.title == "鄂托克旗利民煤业有限公司 invites you to apply for 叉车司机"
    assert [(a["text"], a["fields"]["to_state"]) for a in shown.actions] == [
        ("Accept", "applied"),
        ("Decline", "withdrawn"),
    ]
    assert {a["url"] for a in shown.actions} == {f"/jobs/applications/{application.pk}/move/"}

    job_services.application_apply(posting=posting, member=wang, by=people.wang)  # accepting is applying

    notice.refresh_from_db()
    assert notice.resolved_at is not None and notice.read_at is not None
    assert selectors.shown(notice).actions == []  # answered: the buttons are gone


def test_every_user_of_the_employer_hears_of_a_new_applicant(
    people: Any, employer: Any, posting: Any, wang: Any
) -> None:
    colleague = UserFactory(username="eve2", role=Role.EMPLOYER)
    EmployerMembership.objects.create(user=colleague, employer=employer)
    outsider = UserFactory(username="frank", role=Role.EMPLOYER)

    application = job_services.application_apply(posting=posting, member=wang, by=people.wang)

    told = Notification.objects.filter(kind="application.new")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([people.eve.pk, colleague.pk])
    assert not told.filter(recipient=outsider).exists()
    assert told.first().link == f"/jobs/postings/{posting.pk}/applicants/"  # type: ignore[union-attr]
    assert selectors.title_of(told.first()) == "王强 applied for 叉车司机"  # type: ignore[arg-type]
    assert application.state == Application.State.APPLIED


def test_the_worker_hears_each_step_of_the_application(people: Any, posting: Any, wang: Any) -> None:
    application = job_services.application_apply(posting=posting, member=wang, by=people.wang)
    job_services.application_move(application=application, by=people.eve, to_state=Application.State.VIEWED)
    job_services.application_move(application=application, by=people.eve, to_state=Application.State.INTERVIEW)
    mine = Notification.objects.filter(recipient=people.wang).order_by("pk")
    assert [(n.kind, n.context.get("state")) for n in mine] == [
        ("application.viewed", "viewed"),
        ("application.state", "interview"),
    ]
    assert selectors.title_of(mine.last()) == "Your application for 叉车司机: Interview"  # type: ignore[arg-type]


def test_resolve_without_a_key_does_nothing(kind: Any, people: Any) -> None:
    notify([people.wang], TEST_KIND, {})
    assert resolve(key="") == 0
    assert Notification.objects.get().resolved_at is None


def test_the_daily_delivery_report_reaches_the_top_auditors_and_organizers_once(kind: Any, people: Any) -> None:
    from notifications.services import delivery_report_send

    notify([people.wang], TEST_KIND, {})
    Delivery.objects.update(state=Delivery.State.SKIPPED, reason=Delivery.Reason.NOT_MOBILE)
    assert delivery_report_send() == 3  # Alice and Aude (the county), root (admin); not Olga, Bob or Hana
    assert delivery_report_send() == 0
    report = Notification.objects.get(recipient=people.aude, kind="delivery.report")
    assert report.context == {"sent": 0, "failed": 0, "skipped": 1}
    assert report.link == "/notifications/log/"
