"""Medical aid's own page: a member's cover, kept by the helper (the mutual-aid gap list links here)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.pages import AuthedRequest, attempt, form_page, role_page
from accounts.visibility import Action
from households import selectors as household_selectors
from relief.medical import services
from relief.medical.forms import CoverForm
from relief.medical.models import Cover


@role_page(Action.REVIEW_RELIEF, listing=False)
def cover(request: AuthedRequest, member: int) -> HttpResponse:
    found = household_selectors.member_get_for(request.user, member)
    current = Cover.objects.filter(member=found).first()
    form = CoverForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        done = attempt(
            request,
            services.cover_update,
            form=form,  # type: ignore[arg-type]
            member=found,
            by=request.user,
            basic=values["basic"],
            serious_illness=values["serious_illness"],
            mutual_aid_from=values["mutual_aid_from"],
            mutual_aid_until=values["mutual_aid_until"],
            seriously_ill=values["seriously_ill"],
            success=_("The cover is saved."),
        )
        if done.ok:
            return redirect("relief:track", code="medical")
    return form_page(request, "relief_medical/cover.html", {"form": form, "member": found})
