"""Before the times: which state the patient is in, when the room asks it.

Providers can only see patients where they are licensed, so the free times depend on
it. It is the intake's own question, asked first and kept in the draft as its answer.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.booking.draft import save_draft
from portal.booking.flow import load_step
from portal.booking.intake_form import location_field
from portal.booking.steps import progress
from portal.booking.views.time import OPTION, picker_query
from portal.http import PortalRequest
from portal.patients.decorators import vsee_failures_answered

# Set by a POST that had a problem, shown once by the GET it redirects to.
PROBLEM_KEY = "booking.where_problem"


@vsee_failures_answered
@require_http_methods(["GET", "POST"])
def where_step(request: PortalRequest, code: str) -> HttpResponse:
    step = load_step(request, code, OPTION, needs_intake=False)
    if isinstance(step, HttpResponse):
        return step
    field = location_field(step.room)
    times = reverse("time", args=[step.room.code]) + picker_query(request.GET)
    if field is None:
        return HttpResponseRedirect(times)
    form_class = type("WhereForm", (forms.Form,), {"location": field})
    if request.method == "POST":
        form = form_class(request.POST)
        if not form.is_valid():
            request.session[PROBLEM_KEY] = True
            return HttpResponseRedirect(request.get_full_path())
        step.draft.answers["location"] = form.cleaned_data["location"]
        save_draft(request.session, step.draft)
        return HttpResponseRedirect(times)
    if request.session.pop(PROBLEM_KEY, False):
        form = form_class({"location": ""})
        form.is_valid()
    else:
        form = form_class(initial={"location": step.draft.answers.get("location", "")})
    ctx = {
        "room": step.room,
        "option": step.option,
        "progress": progress(step.room, OPTION, "time"),
        "form": form,
    }
    return render(request, "booking/where.html", ctx, status=200)
