"""Every write to the archive. Each function checks who is acting, validates, and saves in one
transaction; it raises a ``core.errors.DomainError`` with a message for the user when a rule says no.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import visibility
from accounts.models import OrgUnit, Role, User
from accounts.phones import normalize_phone
from accounts.visibility import Action
from core.audit import sensitive_read_logged
from core.dates import check_date
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import Region, SensitiveAccess
from core.tasks import enqueue_on_commit
from households import notices as household_notices
from households.id_numbers import IdNumber, parse_id_number
from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    IdNumberReferral,
    JobPreference,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Track,
    Visit,
)
from ml.text import normalize
from notifications.services import nearest_staff_above, notify
from skills.models import Occupation, PhraseKind, PhraseMapping, Skill
from skills.understanding import occupation_understand, skill_understand

# --- helpers ---------------------------------------------------------------------------------------


def _require(by: User, action: Action, unit: OrgUnit | None = None) -> None:
    """Refuse the act. A unit the user cannot see is reported as not found (no existence leak)."""
    if visibility.may(by, action):
        if unit is None or visibility.may(by, action, unit):
            return
        if not visibility.may(by, Action.VIEW_ARCHIVE, unit):
            raise NotFound(_("No such household."))
    raise Forbidden(_("Your role does not allow this."))


def _refresh_matches(*member_ids: int) -> None:
    """Re-rank these members against every open posting once the change is committed (skills,
    preferences, capacity, consent, where they live). Matching sits above the archive: the task
    is enqueued by name."""
    ids = list(dict.fromkeys(member_ids))
    if len(ids) == 1:
        enqueue_on_commit("matching.refresh_member", ids[0])
    elif ids:
        enqueue_on_commit("matching.refresh_members", ids)


def _stamp(obj: Any, by: User | None) -> Any:
    """Tell django-simple-history who made the change, also outside a web request."""
    obj._history_user = by
    return obj


def _lock_member(member: Member) -> Member:
    """Lock a member's household, then the member (the project's lock order, ``core.db``): rules
    about the household as a whole (one head) hold, and a hire, which locks the same two rows in the
    same order, never waits on a member edit in a circle."""
    household_id = Member.objects.values_list("household_id", flat=True).get(pk=member.pk)
    Household.objects.select_for_update().filter(pk=household_id).first()
    return Member.objects.select_for_update(of=("self",)).select_related("household__org_unit").get(pk=member.pk)


def _money(value: Any, *, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("%(label)s must be a number.") % {"label": label}, field=field) from exc
    if not amount.is_finite():
        raise InvalidInput(_("%(label)s must be a number.") % {"label": label}, field=field)
    if amount < 0:
        raise InvalidInput(_("%(label)s cannot be negative.") % {"label": label}, field=field)
    if amount >= Decimal("10000000"):
        raise InvalidInput(_("%(label)s is implausibly large.") % {"label": label}, field=field)
    return amount.quantize(Decimal("0.01"))


def _region(code: str | None) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise InvalidInput(_("Unknown region code “%(code)s”.") % {"code": code}, field="region")
    return region


_Lookup = TypeVar("_Lookup", TargetGroup, HardshipCause)


def _lookups(model: type[_Lookup], codes: Iterable[str], field: str) -> list[_Lookup]:
    codes = [c for c in dict.fromkeys(codes) if c]
    found = list(model.objects.filter(code__in=codes))
    missing = set(codes) - {f.code for f in found}
    if missing:
        raise InvalidInput(_("Unknown value(s): %(codes)s.") % {"codes": ", ".join(sorted(missing))}, field=field)
    return found


def _today() -> dt.date:
    return timezone.localdate()


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _next_number(region: Region) -> str:
    """Archive numbers: region code, year, sequence (150624-2026-000123)."""
    year = _today().year
    prefix = f"{region.code}-{year}-"
    last = (
        Household.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{sequence:06d}"


# --- households ------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ("region", "address", "hardship_note", "income_per_head", "dibao_status", "registered_on")


@transaction.atomic
def household_create(
    *,
    by: User,
    org_unit: OrgUnit,
    region_code: str,
    address: str,
    target_groups: Sequence[str] = (),
    hardship_causes: Sequence[str] = (),
    hardship_note: str = "",
    income_per_head: Any = None,
    dibao_status: str = Household.DibaoStatus.NONE,
    number: str | None = None,
    registered_on: dt.date | None = None,
) -> Household:
    _require(by, Action.EDIT_ARCHIVE, org_unit)
    if not address.strip():
        raise InvalidInput(_("Enter the address."), field="address")
    if dibao_status not in Household.DibaoStatus.values:
        raise InvalidInput(_("Unknown minimum living allowance status."), field="dibao_status")
    check_date(registered_on, field="registered_on")
    if registered_on and registered_on > _today():
        raise InvalidInput(_("The registration date cannot be in the future."), field="registered_on")
    region = _region(region_code)
    groups = _lookups(TargetGroup, target_groups, "target_groups")
    causes = _lookups(HardshipCause, hardship_causes, "hardship_causes")
    number = (number or "").strip() or _next_number(region)
    if Household.objects.filter(number=number).exists():
        raise Conflict(_("Archive number %(n)s is already used.") % {"n": number}, field="number")
    household = _stamp(
        Household(
            number=number,
            org_unit=org_unit,
            region=region,
            address=address.strip(),
            hardship_note=hardship_note,
            income_per_head=_money(income_per_head, field="income_per_head", label=_("Income per head")),
            dibao_status=dibao_status,
            registered_on=registered_on or _today(),
            created_by=by,
        ),
        by,
    )
    household.save()
    household.target_groups.set(groups)
    household.hardship_causes.set(causes)
    return household


@transaction.atomic
def household_update(
    *,
    household: Household,
    by: User,
    org_unit: OrgUnit | None = None,
    target_groups: Sequence[str] | None = None,
    hardship_causes: Sequence[str] | None = None,
    **changes: Any,
) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    if household.state == Household.State.CLOSED:
        raise Conflict(_("A closed archive cannot be changed."))
    unknown = set(changes) - {*HOUSEHOLD_FIELDS, "region_code"}
    if unknown:
        raise InvalidInput(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    previous_region = household.region_id
    if "region_code" in changes:
        household.region = _region(changes.pop("region_code"))
    if "income_per_head" in changes:
        household.income_per_head = _money(
            changes.pop("income_per_head"), field="income_per_head", label=_("Income per head")
        )
    if "address" in changes and not str(changes["address"]).strip():
        raise InvalidInput(_("Enter the address."), field="address")
    if "dibao_status" in changes and changes["dibao_status"] not in Household.DibaoStatus.values:
        raise InvalidInput(_("Unknown minimum living allowance status."), field="dibao_status")
    check_date(changes.get("registered_on"), field="registered_on")
    if changes.get("registered_on") and changes["registered_on"] > _today():
        raise InvalidInput(_("The registration date cannot be in the future."), field="registered_on")
    for key, value in changes.items():
        setattr(household, key, value)
    if org_unit is not None and org_unit.pk != household.org_unit_id:
        _require(by, Action.EDIT_ARCHIVE, org_unit)
        household.org_unit = org_unit
    _stamp(household, by).save()
    if target_groups is not None:
        household.target_groups.set(_lookups(TargetGroup, target_groups, "target_groups"))
    if hardship_causes is not None:
        household.hardship_causes.set(_lookups(HardshipCause, hardship_causes, "hardship_causes"))
    if household.region_id != previous_region:  # where they live decides which jobs are within reach
        _refresh_matches(*household.members.filter(is_current=True).values_list("pk", flat=True))
    return household


@transaction.atomic
def household_activate(*, household: Household, by: User) -> Household:
    """Draft -> active: the archive is complete enough to work on (a head, a responsible helper)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    if household.state != Household.State.DRAFT:
        raise Conflict(_("Only a draft archive can be activated."))
    if not household.members.filter(relation=Member.Relation.HEAD, is_current=True).exists():
        raise InvalidInput(_("Add the head of household before activating the archive."))
    if not household.pairings.filter(ended_on__isnull=True).exists():
        raise InvalidInput(_("Pair the household with a responsible helper before activating the archive."))
    household.state = Household.State.ACTIVE
    household.activated_on = _today()
    if household.next_visit_due is None:
        household.next_visit_due = _today() + dt.timedelta(days=30)
    _stamp(household, by).save()
    return household


@transaction.atomic
def household_close(*, household: Household, by: User, reason: str) -> Household:
    """Close an archive that should not be worked on (moved away, deceased, registered by mistake)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.MANAGE_PAIRING, household.org_unit)
    if household.state == Household.State.CLOSED:
        raise Conflict(_("The archive is already closed."))
    if not reason.strip():
        raise InvalidInput(_("Give the reason for closing."), field="reason")
    household.state = Household.State.CLOSED
    household.closed_on = _today()
    household.close_reason = reason.strip()
    household.next_visit_due = None
    _stamp(household, by).save()
    for pairing in household.pairings.filter(ended_on__isnull=True):
        pairing.ended_on = _today()
        pairing.end_reason = _("Archive closed")
        _stamp(pairing, by).save()
    _refresh_matches(*household.members.values_list("pk", flat=True))
    return household


@transaction.atomic
def household_reenter(*, household: Household, by: User, reason: str) -> Household:
    """返困: an exited household falls back into hardship and becomes active again."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    if household.state != Household.State.EXITED:
        raise Conflict(_("Only a household that exited hardship can return to it."))
    if not reason.strip():
        raise InvalidInput(_("Describe why the household is back in hardship."), field="reason")
    if not household.pairings.filter(ended_on__isnull=True).exists():
        raise InvalidInput(_("Pair the household with a responsible helper first."))
    household.state = Household.State.ACTIVE
    household.reentered_on = _today()
    household.next_visit_due = household.next_visit_due or _today() + dt.timedelta(days=30)
    household.reentry_count += 1
    household.follow_up_until = None
    household.hardship_note = (household.hardship_note + "\n" if household.hardship_note else "") + _(
        "%(day)s returned to hardship: %(reason)s"
    ) % {"day": _today(), "reason": reason.strip()}
    _stamp(household, by).save()
    return household


# --- members ---------------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "name",
    "relation",
    "phone",
    "ethnicity",
    "education",
    "graduation_year",
    "major",
    "work_capacity",
    "employment_status",
    "health",
    "monthly_income",
    "consent_to_be_found",
)


def id_number_claim_check(
    parsed: IdNumber,
    *,
    by: User | None = None,
    household: Household | None = None,
    exclude_member: Member | None = None,
) -> None:
    """A person is in one household only.

    When ``by`` may see the household that already holds the number, the error names it (they can
    go to it). Otherwise it says only that the person is archived elsewhere, and, given the
    ``household`` the number was entered for, the question is referred to the organizers who see
    both (``IdNumberReferral``); the other unit's household and name are never told. The referral
    is written in its own transaction, so that it outlives the refusal: call this before the
    write's transaction, as ``member_add`` and ``member_update`` do."""
    others = Member.objects.filter(id_number_hash=parsed.lookup_hash).select_related("household__org_unit")
    if exclude_member is not None:
        others = others.exclude(pk=exclude_member.pk)
    other = others.first()
    if other is None:
        return
    if by is not None and visibility.may(by, Action.VIEW_ARCHIVE, other.household.org_unit):
        raise Conflict(
            _("ID number %(masked)s is already in the archive (household %(number)s, %(unit)s).")
            % {
                "masked": other.id_number_masked,
                "number": other.household.number,
                "unit": other.household.org_unit.name,
            },
            field="id_number",
        )
    if by is not None and household is not None:
        id_referral_open(member=other, household=household, by=by)
    raise Conflict(
        _(
            "This person is already in the archive of another unit. An organizer who oversees both units "
            "has been asked to sort it out."
        ),
        field="id_number",
    )


def id_referral_open(*, member: Member, household: Household, by: User) -> IdNumberReferral:
    """Refer a person entered twice to the organizers who see both households (once per pair)."""
    unit = visibility.lowest_common_unit(member.household.org_unit, household.org_unit)
    with transaction.atomic():
        referral, _created = IdNumberReferral.objects.get_or_create(
            member=member, household=household, resolved_at__isnull=True, defaults={"unit": unit, "asked_by": by}
        )
    return referral


@transaction.atomic
def id_referral_settle(*, referral: IdNumberReferral, by: User, resolution: str) -> IdNumberReferral:
    """An organizer who sees both households says what was decided (one person archived once)."""
    referral = IdNumberReferral.objects.select_for_update().select_related("unit").get(pk=referral.pk)
    _require(by, Action.SETTLE_ID_REFERRALS, referral.unit)
    if referral.resolved_at is not None:
        raise Conflict(_("This question is already settled."))
    resolution = resolution.strip()
    if not resolution:
        raise InvalidInput(_("Say what was decided."), field="resolution")
    referral.resolution, referral.resolved_by, referral.resolved_at = resolution[:200], by, timezone.now()
    referral.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return referral


def _clean_member_fields(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise InvalidInput(_("Enter the name."), field="name")
    choices = {
        "relation": Member.Relation,
        "education": Member.Education,
        "work_capacity": Member.WorkCapacity,
        "employment_status": Member.EmploymentStatus,
    }
    for key, enum in choices.items():
        if key in cleaned and cleaned[key] not in enum.values and not (key == "education" and cleaned[key] == ""):
            raise InvalidInput(_("Unknown value “%(v)s”.") % {"v": cleaned[key]}, field=key)
    if cleaned.get("phone"):
        cleaned["phone"] = normalize_phone(cleaned["phone"])
    if "monthly_income" in cleaned:
        cleaned["monthly_income"] = _money(cleaned["monthly_income"], field="monthly_income", label=_("Monthly income"))
    year = cleaned.get("graduation_year")
    if year not in (None, ""):
        if not (1950 <= int(year) <= _today().year + 6):
            raise InvalidInput(_("The graduation year is not plausible."), field="graduation_year")
    elif "graduation_year" in cleaned:
        cleaned["graduation_year"] = None
    return cleaned


def member_add(*, household: Household, by: User, name: str, relation: str, id_number: str, **fields: Any) -> Member:
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    # Before the write's transaction: a referral to the organizers must outlive the refusal.
    id_number_claim_check(parse_id_number(id_number), by=by, household=household)
    return _member_add(household=household, by=by, name=name, relation=relation, id_number=id_number, **fields)


@transaction.atomic
def _member_add(*, household: Household, by: User, name: str, relation: str, id_number: str, **fields: Any) -> Member:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    if household.state == Household.State.CLOSED:
        raise Conflict(_("A closed archive cannot be changed."))
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    values = _clean_member_fields({"name": name, "relation": relation, **fields})
    parsed = parse_id_number(id_number)
    id_number_claim_check(parsed, by=by)  # again, under the lock: someone may have just entered it
    if (
        values["relation"] == Member.Relation.HEAD
        and household.members.filter(relation=Member.Relation.HEAD, is_current=True).exists()
    ):
        raise Conflict(_("This household already has a head."), field="relation")
    member = Member(
        household=household,
        id_number=parsed.number,
        id_number_hash=parsed.lookup_hash,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        **values,
    )
    if member.consent_to_be_found:
        member.consent_changed_at = timezone.now()
    try:
        with transaction.atomic():
            _stamp(member, by).save()
    except IntegrityError as exc:
        # Two people entering the same ID at the same moment: the unique hash decides.
        raise Conflict(_("This ID number was just added to the archive by someone else."), field="id_number") from exc
    _refresh_matches(member.pk)
    return member


def member_update(*, member: Member, by: User, id_number: str | None = None, **changes: Any) -> Member:
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    if id_number is not None:
        parsed = parse_id_number(id_number)
        if parsed.lookup_hash != member.id_number_hash:
            # Before the write's transaction: a referral to the organizers must outlive the refusal.
            id_number_claim_check(parsed, by=by, household=member.household, exclude_member=member)
    return _member_update(member=member, by=by, id_number=id_number, **changes)


@transaction.atomic
def _member_update(*, member: Member, by: User, id_number: str | None = None, **changes: Any) -> Member:
    member = _lock_member(member)
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))})
    values = _clean_member_fields(changes)
    if (
        values.get("relation") == Member.Relation.HEAD
        and member.relation != Member.Relation.HEAD
        and member.household.members.filter(relation=Member.Relation.HEAD, is_current=True).exists()
    ):
        raise Conflict(_("This household already has a head."), field="relation")
    if id_number is not None:
        parsed = parse_id_number(id_number)
        if parsed.lookup_hash != member.id_number_hash:
            id_number_claim_check(parsed, by=by, exclude_member=member)
            member.id_number, member.id_number_hash = parsed.number, parsed.lookup_hash
            member.sex, member.birth_date = parsed.sex, parsed.birth_date
    if "consent_to_be_found" in values and values["consent_to_be_found"] != member.consent_to_be_found:
        member.consent_changed_at = timezone.now()
    for key, value in values.items():
        setattr(member, key, value)
    _stamp(member, by).save()
    _refresh_matches(member.pk)
    return member


@transaction.atomic
def member_reveal_id_number(
    *, member: Member, by: User, purpose: str, note: str = "", ip_address: str | None = None
) -> str:
    """The full ID number, for a role that needs it, with an access-log row saying who, when and why."""
    _require(by, Action.REVEAL_ID_NUMBER, member.household.org_unit)
    if purpose not in SensitiveAccess.Purpose.values:
        raise InvalidInput(_("Say why you need the full number."), field="purpose")
    if purpose == SensitiveAccess.Purpose.OTHER and not note.strip():
        raise InvalidInput(_("Describe the purpose."), field="note")
    sensitive_read_logged(
        user=by,
        record_type="households.Member",
        record_ids=[member.pk],
        field="id_number",
        purpose=purpose,
        note=note.strip(),
        ip_address=ip_address,
    )
    return member.id_number


def sensitive_export_logged(
    *, by: User, members: Iterable[Member], fields: str, note: str = "", ip_address: str | None = None
) -> None:
    """One access-log row per member whose personal data leaves the system in an export."""
    sensitive_read_logged(
        user=by,
        record_type="households.Member",
        record_ids=[m.pk for m in members],
        field=fields,
        purpose=SensitiveAccess.Purpose.EXPORT,
        note=note,
        ip_address=ip_address,
    )


# --- skills and preferences on a profile ---------------------------------------------------------


def _may_edit_profile(by: User, member: Member) -> None:
    if by.role == Role.WORKER:
        if member.user_id != by.pk:
            raise NotFound(_("No such member."))
        return
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)


@transaction.atomic
def member_skill_add(
    *,
    member: Member,
    by: User,
    phrase: str = "",
    skill: Skill | None = None,
    level: str = MemberSkill.Level.BASIC,
    years: int | None = None,
    certified: bool = False,
    certificate_number: str = "",
) -> MemberSkill:
    _may_edit_profile(by, member)
    phrase = (phrase or "").strip()
    if not phrase and skill is None:
        raise InvalidInput(_("Name the skill."), field="phrase")
    if len(phrase) > 100:
        raise InvalidInput(_("Describe the skill in at most 100 characters."), field="phrase")
    if level not in MemberSkill.Level.values:
        raise InvalidInput(_("Unknown skill level."), field="level")
    if years is not None and not 0 <= int(years) <= 60:
        raise InvalidInput(_("Years of experience must be between 0 and 60."), field="years")
    if skill is None:
        understood = skill_understand(phrase)  # files the phrase for organizers when it cannot be placed
        if understood.not_a_skill:
            raise InvalidInput(
                _(
                    "“%(p)s” is a good quality, but not a skill employers search for. Name a trade or a task, "
                    "such as 电焊 or 开叉车."
                )
                % {"p": phrase},
                field="phrase",
            )
        skill = understood.skill
    if skill is not None and member.skills.filter(skill=skill).exists():
        raise Conflict(_("“%(s)s” is already on the profile.") % {"s": skill.name_zh}, field="phrase")
    # A worker states skills; certification is recorded by staff (or by training, later).
    if by.role == Role.WORKER:
        certified, certificate_number = False, ""
    source = MemberSkill.Source.SELF if by.role == Role.WORKER else MemberSkill.Source.HELPER
    entry = MemberSkill(
        member=member,
        phrase=phrase or (skill.name_zh if skill is not None else ""),  # no phrase: the skill was given
        skill=skill,
        level=level,
        years=years,
        certified=certified,
        certificate_number=certificate_number.strip(),
        source=source,
    )
    _stamp(entry, by).save()
    _refresh_matches(member.pk)
    return entry


@transaction.atomic
def member_skill_remove(*, entry: MemberSkill, by: User) -> None:
    _may_edit_profile(by, entry.member)
    if entry.certified and by.role == Role.WORKER:
        raise Forbidden(_("A certified skill can only be removed by your helper."))
    _stamp(entry, by).delete()
    _refresh_matches(entry.member_id)


@transaction.atomic
def job_preference_update(
    *,
    member: Member,
    by: User,
    occupation_codes: Sequence[str] | None = None,
    region_codes: Sequence[str] | None = None,
    desired_work: str | None = None,
    willing_to_relocate: bool | None = None,
    expected_salary: Any = None,
    full_time: bool | None = None,
    consent_to_be_found: bool | None = None,
) -> JobPreference:
    _may_edit_profile(by, member)
    preference, _created = JobPreference.objects.get_or_create(member=member)
    if desired_work is not None and desired_work.strip()[:200] != preference.desired_work:
        preference.desired_work = desired_work.strip()[:200]
        # Coded to CSCO 2022 as written; an uncertain code is kept and queued for an organizer.
        coded = occupation_understand(preference.desired_work) if preference.desired_work else None
        preference.desired_occupation = coded.occupation if coded else None
        preference.desired_occupation_score = round(coded.match.score, 3) if coded and coded.occupation else None
    if willing_to_relocate is not None:
        preference.willing_to_relocate = willing_to_relocate
    if full_time is not None:
        preference.full_time = full_time
    if expected_salary not in (None, ""):
        amount = _money(expected_salary, field="expected_salary", label=_("Expected salary"))
        if amount is not None and amount > 200000:
            raise InvalidInput(_("The expected monthly salary is implausibly high."), field="expected_salary")
        preference.expected_salary = int(amount) if amount is not None else None
    elif expected_salary == "":
        preference.expected_salary = None
    _stamp(preference, by).save()
    if occupation_codes is not None:
        found = list(Occupation.objects.filter(code__in=occupation_codes))
        if len(found) != len(set(occupation_codes)):
            raise InvalidInput(_("Unknown occupation code."), field="occupations")
        preference.occupations.set(found)
    if region_codes is not None:
        regions = list(Region.objects.filter(code__in=region_codes))
        if len(regions) != len(set(region_codes)):
            raise InvalidInput(_("Unknown region code."), field="regions")
        preference.regions.set(regions)
    if consent_to_be_found is not None and consent_to_be_found != member.consent_to_be_found:
        member.consent_to_be_found = consent_to_be_found
        member.consent_changed_at = timezone.now()
        _stamp(member, by).save(update_fields=["consent_to_be_found", "consent_changed_at", "updated_at"])
    _refresh_matches(member.pk)
    return preference


# --- plans -----------------------------------------------------------------------------------------


@dataclass
class GoalInput:
    track: str
    title: str
    due_on: dt.date | None = None
    member_id: int | None = None


@transaction.atomic
def plan_create(
    *,
    household: Household,
    by: User,
    summary: str = "",
    goals: Sequence[GoalInput] = (),
    review_on: dt.date | None = None,
) -> ReliefPlan:
    """A new plan in effect; the previous one, if any, is kept as superseded."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.EDIT_ARCHIVE, household.org_unit)
    if household.state in (Household.State.CLOSED, Household.State.EXITED):
        raise Conflict(_("This household is not in hardship; it needs no new plan."))
    for previous in household.plans.filter(status=ReliefPlan.Status.ACTIVE):
        previous.status = ReliefPlan.Status.SUPERSEDED
        _stamp(previous, by).save()
    plan = _stamp(
        ReliefPlan(
            household=household,
            summary=summary.strip(),
            review_on=review_on,
            created_by=by,
            status=ReliefPlan.Status.ACTIVE,
        ),
        by,
    )
    plan.save()
    for goal in goals:
        goal_add(plan=plan, by=by, track=goal.track, title=goal.title, due_on=goal.due_on, member_id=goal.member_id)
    return plan


@transaction.atomic
def goal_add(
    *, plan: ReliefPlan, by: User, track: str, title: str, due_on: dt.date | None = None, member_id: int | None = None
) -> PlanGoal:
    _require(by, Action.EDIT_ARCHIVE, plan.household.org_unit)
    if plan.status != ReliefPlan.Status.ACTIVE:
        raise Conflict(_("Goals are added to the plan in effect."))
    if track not in Track.values:
        raise InvalidInput(_("Unknown track “%(t)s”.") % {"t": track}, field="track")
    if not title.strip():
        raise InvalidInput(_("Describe the goal."), field="title")
    if member_id and not plan.household.members.filter(pk=member_id).exists():
        raise InvalidInput(_("That person is not a member of this household."), field="member")
    goal = _stamp(
        PlanGoal(plan=plan, track=track, title=title.strip()[:200], due_on=due_on, member_id=member_id or None), by
    )
    goal.save()
    return goal


@transaction.atomic
def goal_set_status(
    *, goal: PlanGoal, by: User, status: str, evidence: str = "", met_on: dt.date | None = None
) -> PlanGoal:
    goal = PlanGoal.objects.select_for_update(of=("self",)).select_related("plan__household__org_unit").get(pk=goal.pk)
    _require(by, Action.EDIT_ARCHIVE, goal.plan.household.org_unit)
    if goal.plan.status != ReliefPlan.Status.ACTIVE:
        raise Conflict(_("Only the goals of the plan in effect can change."))
    if status not in PlanGoal.Status.values:
        raise InvalidInput(_("Unknown goal status."), field="status")
    if status == PlanGoal.Status.MET:
        met_on = met_on or _today()
        if met_on > _today():
            raise InvalidInput(_("A goal cannot be met in the future."), field="met_on")
        if not evidence.strip() and not goal.evidence:
            raise InvalidInput(_("Say how the goal was met."), field="evidence")
        goal.met_on = met_on
    else:
        goal.met_on = None
    goal.status = status
    if evidence.strip():
        goal.evidence = evidence.strip()[:200]
    _stamp(goal, by).save()
    return goal


@transaction.atomic
def measure_add(
    *,
    plan: ReliefPlan,
    by: User,
    track: str,
    description: str,
    goal: PlanGoal | None = None,
    due_on: dt.date | None = None,
) -> PlanMeasure:
    _require(by, Action.EDIT_ARCHIVE, plan.household.org_unit)
    if plan.status != ReliefPlan.Status.ACTIVE:
        raise Conflict(_("Measures are added to the plan in effect."))
    if track not in Track.values:
        raise InvalidInput(_("Unknown track “%(t)s”.") % {"t": track}, field="track")
    if not description.strip():
        raise InvalidInput(_("Describe the measure."), field="description")
    if goal is not None and goal.plan_id != plan.pk:
        raise InvalidInput(_("That goal belongs to another plan."), field="goal")
    measure = _stamp(
        PlanMeasure(plan=plan, goal=goal, track=track, description=description.strip()[:200], due_on=due_on), by
    )
    measure.save()
    return measure


@transaction.atomic
def measure_set_status(*, measure: PlanMeasure, by: User, status: str) -> PlanMeasure:
    _require(by, Action.EDIT_ARCHIVE, measure.plan.household.org_unit)
    if measure.plan.status != ReliefPlan.Status.ACTIVE:
        raise Conflict(_("Only the measures of the plan in effect can change."))
    if status not in PlanMeasure.Status.values:
        raise InvalidInput(_("Unknown measure status."), field="status")
    measure.status = status
    measure.done_on = _today() if status == PlanMeasure.Status.DONE else None
    _stamp(measure, by).save()
    return measure


# --- pairing ---------------------------------------------------------------------------------------


HELPER_CHOICE_MESSAGE = gettext_lazy("Choose a helper of your union unit or of a unit below it.")


@transaction.atomic
def pairing_assign(
    *,
    household: Household,
    by: User,
    helper: User,
    helping_unit: OrgUnit | None = None,
    started_on: dt.date | None = None,
) -> Pairing:
    """Name the responsible helper. A current pairing is ended and replaced, never left empty."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.MANAGE_PAIRING, household.org_unit)
    if household.state == Household.State.CLOSED:
        raise Conflict(_("A closed archive has no helper."))
    # One answer whatever the person is (another role, out of reach): never tell a role or a unit.
    if helper.role != Role.HELPER or not helper.is_active or helper.org_unit is None:
        raise InvalidInput(str(HELPER_CHOICE_MESSAGE), field="helper")
    if not visibility.may(by, Action.MANAGE_PAIRING, helper.org_unit):
        raise InvalidInput(str(HELPER_CHOICE_MESSAGE), field="helper")
    helping_unit = helping_unit or helper.org_unit
    if not visibility.may(by, Action.MANAGE_PAIRING, helping_unit):
        raise InvalidInput(_("The helping unit must be within your union unit."), field="helping_unit")
    current = household.pairings.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.helper_id == helper.pk and current.helping_unit_id == helping_unit.pk:
            return current
        current.ended_on = _today()
        current.end_reason = _("Replaced by %(name)s") % {"name": helper.display_name}
        _stamp(current, by).save()
    pairing = _stamp(
        Pairing(household=household, helper=helper, helping_unit=helping_unit, started_on=started_on or _today()), by
    )
    pairing.save()
    return pairing


# --- visits ----------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    household: Household,
    by: User,
    visited_on: dt.date,
    summary: str,
    kind: str = Visit.Kind.HOME,
    needs: str = "",
    next_visit_due: dt.date | None = None,
) -> Visit:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.RECORD_VISIT, household.org_unit)
    if household.state in (Household.State.CLOSED,):
        raise Conflict(_("A closed archive takes no visits."))
    if kind not in Visit.Kind.values:
        raise InvalidInput(_("Unknown kind of visit."), field="kind")
    check_date(visited_on, field="visited_on")
    check_date(next_visit_due, field="next_visit_due")
    if visited_on > _today():
        raise InvalidInput(_("A visit cannot be recorded before it happens."), field="visited_on")
    if not summary.strip():
        raise InvalidInput(_("Write down what the visit found."), field="summary")
    next_visit_due = next_visit_due or visited_on + dt.timedelta(days=settings.VISIT_INTERVAL_DAYS)
    if next_visit_due <= visited_on:
        raise InvalidInput(_("The next visit must come after this one."), field="next_visit_due")
    visit = Visit.objects.create(
        household=household,
        visited_by=by,
        visited_on=visited_on,
        kind=kind,
        summary=summary.strip(),
        needs=needs.strip(),
        next_visit_due=next_visit_due,
    )
    latest = household.visits.order_by("-visited_on", "-id").first()
    if latest is not None and household.next_visit_due != latest.next_visit_due:
        household.next_visit_due = latest.next_visit_due
        _stamp(household, by).save(update_fields=["next_visit_due", "updated_at"])
    return visit


# --- exit (脱困) -----------------------------------------------------------------------------------


def open_goals(household: Household) -> list[PlanGoal]:
    plan = household.plans.filter(status=ReliefPlan.Status.ACTIVE).first()
    if plan is None:
        return []
    return list(plan.goals.exclude(status=PlanGoal.Status.MET))


def _exit_blockers(household: Household) -> str | None:
    if household.state != Household.State.ACTIVE:
        return _("Only an active household can exit hardship.")
    plan = household.plans.filter(status=ReliefPlan.Status.ACTIVE).first()
    if plan is None or not plan.goals.exists():
        return _("The household has no plan with goals; exit is judged against the plan's goals.")
    still_open = open_goals(household)
    if still_open:
        return _("Not every goal is met (不达目标不脱钩). Open: %(goals)s.") % {
            "goals": "; ".join(g.title for g in still_open[:5])
        }
    return None


@transaction.atomic
def exit_request(*, household: Household, by: User, reason: str) -> ExitRequest:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(by, Action.REQUEST_EXIT, household.org_unit)
    if by.role == Role.HELPER and not household.pairings.filter(ended_on__isnull=True, helper=by).exists():
        raise Forbidden(_("Only the household's responsible helper can request its exit."))
    blocker = _exit_blockers(household)
    if blocker:
        raise Conflict(blocker)
    if not reason.strip():
        raise InvalidInput(_("Explain why the household can exit hardship."), field="reason")
    if household.exit_requests.filter(status=ExitRequest.Status.PENDING).exists():
        raise Conflict(_("An exit request is already pending."))
    request = _stamp(ExitRequest(household=household, requested_by=by, reason=reason.strip()), by)
    request.save()
    notify(
        nearest_staff_above(household.org_unit),
        household_notices.EXIT_WAITING.code,
        {"household": household.number},
        reverse("households:exits"),
        key=f"exit-request:{request.pk}",
        unit=household.org_unit,
    )
    return request


@transaction.atomic
def exit_decide(*, request: ExitRequest, by: User, approve: bool, note: str = "") -> ExitRequest:
    # The household first, then the request (the project's lock order, ``core.db``).
    household_id = ExitRequest.objects.values_list("household_id", flat=True).get(pk=request.pk)
    household = Household.objects.select_for_update().get(pk=household_id)
    request = (
        ExitRequest.objects.select_for_update(of=("self",)).select_related("household__org_unit").get(pk=request.pk)
    )
    if not visibility.may(by, Action.VIEW_ARCHIVE, household.org_unit):
        raise NotFound(_("No such exit request."))
    if request.status != ExitRequest.Status.PENDING:
        raise Conflict(_("This request was already decided."))
    if by.pk == request.requested_by_id:
        raise Forbidden(_("The person who requested an exit cannot approve it."))
    if not visibility.may_approve_exit_for(by, household.org_unit):
        raise Forbidden(_("An exit is approved by an organizer of a unit above the household's unit."))
    if approve:
        blocker = _exit_blockers(household)
        if blocker:
            raise Conflict(blocker)
        today = _today()
        household.state = Household.State.EXITED
        household.exited_on = today
        household.follow_up_until = _add_months(today, settings.EXIT_FOLLOW_UP_MONTHS)
        _stamp(household, by).save()
        plan = household.plans.get(status=ReliefPlan.Status.ACTIVE)
        plan.status = ReliefPlan.Status.COMPLETED
        _stamp(plan, by).save()
    elif not note.strip():
        raise InvalidInput(_("Say why the exit is refused."), field="note")
    request.status = ExitRequest.Status.APPROVED if approve else ExitRequest.Status.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    _stamp(request, by).save()
    helpers = household.pairings.filter(ended_on__isnull=True).values_list("helper_id", flat=True)
    notify(
        [request.requested_by_id, *helpers],
        household_notices.EXIT_DECIDED.code,
        {"household": household.number, "verdict": request.status, "note": request.decision_note[:200]},
        reverse("households:detail", args=[household.pk]),
        key=f"exit-request:{request.pk}:decided",
        unit=household.org_unit,
    )
    return request


@transaction.atomic
def follow_up_end(*, today: dt.date | None = None) -> int:
    """End the pairing of households whose 12 months of follow-up are over (Celery beat, daily)."""
    today = today or _today()
    finished = Household.objects.filter(state=Household.State.EXITED, follow_up_until__lt=today)
    count = 0
    for pairing in Pairing.objects.filter(ended_on__isnull=True, household__in=finished).select_for_update():
        pairing.ended_on = today
        pairing.end_reason = _("Follow-up after exit completed")
        _stamp(pairing, None).save()
        count += 1
    # No more visits are owed once the follow-up year is over.
    finished.exclude(next_visit_due__isnull=True).update(next_visit_due=None)
    return count


# --- a member's login and leaving the household --------------------------------------------------------


@transaction.atomic
def member_account_create(*, member: Member, by: User, password: str) -> User:
    """Give a member a worker login (username and mobile number are both their phone number)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from accounts.services import user_create

    member = _lock_member(member)
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    if member.user_id:
        raise Conflict(_("%(name)s already has a login.") % {"name": member.name})
    if not member.phone:
        raise InvalidInput(_("Record the member's mobile number first: it is their login."), field="phone")
    if member.age < 16:
        raise InvalidInput(_("Logins are for members aged 16 and over."))
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user = user_create(
        username=member.phone, password=password, role=Role.WORKER, full_name=member.name, phone=member.phone
    )
    member.user = user
    _stamp(member, by).save(update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def member_leave(*, member: Member, by: User, reason: str, left_on: dt.date | None = None) -> Member:
    """A member no longer lives in the household (moved out, married, died). The record stays."""
    member = _lock_member(member)
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    if not member.is_current:
        raise Conflict(_("%(name)s has already left the household.") % {"name": member.name})
    if member.relation == Member.Relation.HEAD:
        raise Conflict(_("Make another member the head of household first."), field="relation")
    if not reason.strip():
        raise InvalidInput(_("Give the reason."), field="reason")
    left_on = left_on or _today()
    if left_on > _today():
        raise InvalidInput(_("The date cannot be in the future."), field="left_on")
    member.is_current, member.left_on, member.left_reason = False, left_on, reason.strip()[:100]
    _stamp(member, by).save()
    _refresh_matches(member.pk)
    return member


@transaction.atomic
def member_account_reset_password(*, member: Member, by: User, password: str) -> User:
    """A helper sets a new password for a member who forgot theirs (and lifts a login lock)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from accounts import throttle

    member = Member.objects.select_related("household__org_unit", "user").get(pk=member.pk)
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    user = member.user
    if user is None:
        raise InvalidInput(_("%(name)s has no login yet.") % {"name": member.name})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    throttle.unlock(user)
    return user


@transaction.atomic
def member_password_reset_by_phone(*, member: Member, by: User, ip_address: str | None = None) -> str:
    """A member forgot their password and called their helper: a one-time temporary password for the
    helper to read out (returned once, never stored in clear), to be replaced at the next login."""
    from accounts.services import user_temporary_password_set

    member = Member.objects.select_related("household__org_unit", "user").get(pk=member.pk)
    _require(by, Action.EDIT_ARCHIVE, member.household.org_unit)
    if member.user is None:
        raise InvalidInput(_("%(name)s has no login yet.") % {"name": member.name})
    return user_temporary_password_set(user=member.user, by=by, ip_address=ip_address)


# --- what organizers teach the resolver, applied to what is already on file -----------------------------


@transaction.atomic
def apply_phrase_mapping(*, mapping_id: int) -> int:
    """Re-read profiles that hold a phrase an organizer has just mapped: unplaced skill phrases
    get their skill; desired work written that way gets the corrected occupation. Idempotent."""
    mapping = PhraseMapping.objects.select_related("skill", "occupation").filter(pk=mapping_id).first()
    if mapping is None:
        return 0
    changed = 0
    if mapping.kind == PhraseKind.SKILL and mapping.skill is not None:
        for entry in MemberSkill.objects.filter(skill__isnull=True).select_related("member"):
            if normalize(entry.phrase) != mapping.normalized:
                continue
            if entry.member.skills.filter(skill=mapping.skill).exists():
                continue  # the member already has it under another phrase
            entry.skill = mapping.skill
            _stamp(entry, mapping.created_by).save(update_fields=["skill"])
            _refresh_matches(entry.member_id)
            changed += 1
    elif mapping.kind == PhraseKind.OCCUPATION and mapping.occupation is not None:
        for preference in JobPreference.objects.exclude(desired_work=""):
            if normalize(preference.desired_work) != mapping.normalized:
                continue
            preference.desired_occupation = mapping.occupation
            preference.desired_occupation_score = 1.0
            _stamp(preference, mapping.created_by).save(
                update_fields=["desired_occupation", "desired_occupation_score", "updated_at"]
            )
            _refresh_matches(preference.member_id)
            changed += 1
    return changed


# --- a job found (called by the jobs app when a hire is recorded) -------------------------------------


@transaction.atomic
def member_hired(
    *, member: Member, by: User | None, employer_name: str, start_date: dt.date, monthly_wage: int
) -> list[PlanGoal]:
    """What a hire changes in the archive: the member is employed with this wage, the household's
    income per head follows, and the plan's open job goals for the member (or for the household)
    are met. Returns the goals it closed."""
    member = _lock_member(member)
    household = member.household
    previous = member.monthly_income or Decimal(0)
    member.employment_status = Member.EmploymentStatus.EMPLOYED
    member.monthly_income = Decimal(monthly_wage).quantize(Decimal("0.01"))
    _stamp(member, by).save(update_fields=["employment_status", "monthly_income", "updated_at"])
    _refresh_matches(member.pk)
    size = household.members.filter(is_current=True).count() or 1
    if household.income_per_head is not None:
        # The recorded per-head figure may include income we know nothing else about: adjust it by
        # the change in this member's income rather than recomputing from members' records.
        total = household.income_per_head * size - previous + member.monthly_income
        household.income_per_head = max(Decimal(0), total / size).quantize(Decimal("0.01"))
    else:
        household.income_per_head = (member.monthly_income / size).quantize(Decimal("0.01"))
    _stamp(household, by).save(update_fields=["income_per_head", "updated_at"])
    return plan_goals_meet(
        member=member,
        track=Track.JOB,
        on=start_date,
        evidence=_("Hired by %(employer)s from %(day)s") % {"employer": employer_name, "day": start_date.isoformat()},
        by=by,
    )


@transaction.atomic
def plan_goals_meet(*, member: Member, track: str, on: dt.date, evidence: str, by: User | None) -> list[PlanGoal]:
    """Something a programme or a relief track gave ``member`` meets the open goals of that track
    in the household's plan in effect: the goals for this member, and those for the whole
    household. Called by the apps that give (a hire, a certificate, a funded venture, a relief
    benefit), which have checked who acts. Returns the goals it met (none when the plan has no
    open goal of the track)."""
    if track not in Track.values:
        raise InvalidInput(_("Unknown track."), field="track")
    plan = ReliefPlan.objects.filter(household_id=member.household_id, status=ReliefPlan.Status.ACTIVE).first()
    if plan is None:
        return []
    goals = (
        plan.goals.select_for_update()
        .filter(track=track)
        .exclude(status=PlanGoal.Status.MET)
        .filter(Q(member=member) | Q(member__isnull=True))
        .order_by("id")
    )
    met = []
    for goal in goals:
        goal.status = PlanGoal.Status.MET
        goal.met_on = min(on, _today())
        goal.evidence = evidence.strip()[:200]
        _stamp(goal, by).save()
        met.append(goal)
    return met


@transaction.atomic
def member_skill_certify(
    *,
    member: Member,
    skills: Iterable[Skill],
    certificate_number: str,
    by: User | None,
    refresh_matches: bool = True,
) -> list[MemberSkill]:
    """A training certificate makes each of ``skills`` a certified skill on the member's profile:
    the entry is created, or an existing one (stated by the worker, recorded by a helper) is
    upgraded; either way its source becomes the training. The member's matches refresh once, when
    this commits (``refresh_matches=False`` only for a bulk load followed by a full re-match).
    Called by ``training.services.certificate_issue``, which has checked who acts."""
    entries = []
    for skill in skills:
        entry = MemberSkill.objects.select_for_update().filter(member=member, skill=skill).first()
        if entry is None:
            entry = MemberSkill(member=member, skill=skill, phrase=skill.name_zh)
        entry.certified = True
        entry.certificate_number = certificate_number.strip()[:64]
        entry.source = MemberSkill.Source.TRAINING
        _stamp(entry, by).save()
        entries.append(entry)
    if refresh_matches:
        _refresh_matches(member.pk)
    return entries
