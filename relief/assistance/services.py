"""Social assistance's own write: the civil-affairs office's answer to a referral. Granted, the
application is given (a benefit with no money through the union, which meets the plan's
assistance goal) and a 低保 grant updates the archive; refused, the application is closed with
the office's reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action
from core.errors import Conflict, InvalidInput, NotFound
from funds.money import format_yuan
from households import services as household_services
from households.models import Household
from relief import services as relief_services
from relief.assistance.models import Referral, Scheme


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, by: User, outcome: str, on: dt.date, note: str, monthly_amount: int | None = None
) -> Referral:
    referral = Referral.objects.select_for_update().select_related("application__household").get(pk=referral.pk)
    application = referral.application
    if not visibility.may(by, Action.REVIEW_RELIEF, application.org_unit):
        raise NotFound(_("No such referral."))
    if referral.outcome != Referral.Outcome.PENDING:
        raise Conflict(_("The outcome of this referral is recorded already."))
    if outcome not in (Referral.Outcome.GRANTED, Referral.Outcome.REFUSED):
        raise InvalidInput(_("Choose granted or refused."), field="outcome")
    if on > timezone.localdate() or on < referral.referred_on:
        raise InvalidInput(_("The day must be between the referral and today."), field="outcome_on")
    note = note.strip()
    if not note:
        raise InvalidInput(_("Say what the office decided."), field="note")
    if monthly_amount is not None and monthly_amount < 0:
        raise InvalidInput(_("The amount cannot be negative."), field="monthly_amount")
    referral.outcome, referral.outcome_on = outcome, on
    referral.outcome_note = note[:200]
    referral.monthly_amount = monthly_amount or None
    referral.recorded_by = by
    referral.save(update_fields=["outcome", "outcome_on", "outcome_note", "monthly_amount", "recorded_by"])
    scheme = Scheme(referral.scheme)
    if outcome == Referral.Outcome.GRANTED:
        summary = _("%(scheme)s granted by %(office)s") % {"scheme": scheme.label, "office": referral.office}
        if monthly_amount:
            summary += _(", %(amount)s a month") % {"amount": format_yuan(monthly_amount)}
        relief_services.application_give(application=application, by=by, on=on, summary=summary)
        if scheme == Scheme.DIBAO:
            household_services.household_update(
                household=application.household, by=by, dibao_status=Household.DibaoStatus.RECEIVING
            )
    else:
        relief_services.application_close(
            application=application,
            by=by,
            reason=_("%(office)s refused: %(note)s") % {"office": referral.office, "note": note},
        )
    return referral
