"""Adding someone in the patient's care, from the start of a visit for them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.booking.flow import load_step
from portal.booking.people import MOST_PEOPLE, choose_person, offers_people
from portal.forms import form_with_problems, redirect_with_problems
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.patients.family import CODE_KEY, add_person, people_in_care
from portal.patients.forms import PersonInCareForm
from portal.patients.identity import Identity, IdentityUnreadable, known_identity


@patient_required
@require_http_methods(["GET", "POST"])
def someone(request: PortalRequest, code: str, option: str) -> HttpResponse:
    step = load_step(request, code, option, needs_intake=False)
    if isinstance(step, HttpResponse):
        return step
    back = reverse("intake", args=[step.room.code, option])
    if not offers_people(request, step):
        return HttpResponseRedirect(back)
    if request.method == "GET":
        form = form_with_problems(request, PersonInCareForm) or PersonInCareForm()
        ctx = {"room": step.room, "option": step.option, "form": form, "back": back}
        return render(request, "booking/someone.html", ctx)
    form = PersonInCareForm(request.POST)
    if not form.is_valid():
        return redirect_with_problems(request, form)

    data = form.cleaned_data
    who = Identity(data["first_name"], data["last_name"], data["dob"].isoformat())
    try:
        me = known_identity(request.session[CODE_KEY])
    except IdentityUnreadable:
        me = None  # can't compare; the person is added all the same
    if me is not None and me.same_person_as(who):
        form.add_error(
            None,
            # Translators: “Me” is the answer to "Who is this visit for?" (people.py).
            _("Those are your own details: choose “Me” instead."),
        )
        return redirect_with_problems(request, form)
    if len(people_in_care(request.session)) >= MOST_PEOPLE:
        form.add_error(
            None,
            _("Your list is full. Please call the clinic to book for someone else."),
        )
        return redirect_with_problems(request, form)
    person = add_person(request.session, who)
    choose_person(request, step, person.key)
    messages.success(
        request,
        _("%(name)s is on your list now. This visit is for %(name)s.")
        % {"name": person.first_name},
    )
    return HttpResponseRedirect(back)
