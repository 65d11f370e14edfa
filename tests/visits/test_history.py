from __future__ import annotations

import html
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.clinic.models import AuditEvent
from portal.clinic.questions import IntakeQuestion
from portal.vsee.client import VSeeClient
from sandbox.models import SandboxVisit
from tests.booking.test_files import png_bytes
from tests.booking.test_intake import ANSWERS


def sections(page: str) -> dict[str, list[str]]:
    """Visit ids per section, in page order."""
    found = {}
    for name, title in (
        ("now", "now-title"),
        ("waiting", "waiting-title"),
        ("upcoming", "upcoming-title"),
        ("past", "past-title"),
    ):
        match = re.search(
            rf'<section aria-labelledby="{title}">(.*?)</section>', page, re.S
        )
        found[name] = (
            re.findall(r'data-visit="([^"]+)"', match.group(1)) if match else []
        )
    return found


class TestHistory:
    def test_upcoming_soonest_first_then_now_then_past_most_recent_first(
        self, ada_client, book, past_visit, vsee, ada_token
    ):
        later = book(5)
        sooner = book(1)
        econsult_intake = vsee.intake_create(token=ada_token, room_code="demo-room")
        econsult = vsee.visit_add_econsult(
            token=ada_token, intake_id=econsult_intake.id, room_code="demo-room"
        )
        walkin_intake = vsee.intake_create(
            token=ada_token, room_code="demo-room", type=1
        )
        walkin = vsee.visit_add_walkin(
            token=ada_token, intake_id=walkin_intake.id, room_code="demo-room"
        )

        page = ada_client.get("/visits/").content.decode()
        found = sections(page)
        assert found["upcoming"] == [sooner.id, later.id]
        assert found["now"] == [walkin.id]
        # The question sent has no reply yet: it waits in a section of its own.
        assert found["waiting"] == [econsult.id]
        # Ada's past appointment and the walk-in it started are one row, the appointment's;
        # then the visit of Leo, in her care, three weeks ago.
        leo = SandboxVisit.objects.get(member__first_name="Leo")
        assert found["past"] == [str(past_visit.related_appointment_id), str(leo.pk)]
        assert "Completed" in page and "Sent" in page and "Booked" in page

    def test_it_makes_one_list_call_and_one_current_call_per_person(
        self, ada_client, book, monkeypatch
    ):
        book(0)
        book(1)
        calls = []
        real = VSeeClient._request

        def counting(self, method, path, *, endpoint, **kwargs):
            calls.append(endpoint)
            return real(self, method, path, endpoint=endpoint, **kwargs)

        monkeypatch.setattr(VSeeClient, "_request", counting)
        ada_client.get("/visits/", {"person": "me"})
        assert sorted(c for c in calls if c.startswith("visits.")) == [
            "visits.current",
            "visits.list",
        ]
        calls.clear()
        ada_client.get("/visits/")  # Ada's, and Leo's in her care
        assert sorted(c for c in calls if c.startswith("visits.")) == [
            "visits.current",
            "visits.current",
            "visits.list",
            "visits.list",
        ]

    def test_everyone_s_list_and_current_visit_are_asked_at_the_same_time(
        self, ada_client, book, monkeypatch
    ):
        book(1)
        # Ada's two calls and Leo's two: each waits until all four are in flight, which
        # made one after another they never are (the barrier gives up, the page fails).
        all_four = threading.Barrier(4, timeout=5)
        real = VSeeClient._request

        def meeting(self, method, path, *, endpoint, **kwargs):
            if endpoint in ("visits.list", "visits.current"):
                all_four.wait()
            return real(self, method, path, endpoint=endpoint, **kwargs)

        monkeypatch.setattr(VSeeClient, "_request", meeting)
        r = ada_client.get("/visits/")
        assert r.status_code == 200
        found = sections(r.content.decode())
        assert len(found["upcoming"]) == 1 and found["past"]  # Ada's and Leo's

    def test_a_person_s_visits_failing_leaves_the_patient_s_own(
        self, ada_client, book, monkeypatch
    ):
        from portal.vsee.errors import VSeeUnavailable
        from portal.vsee.service import current_patient

        book(1)
        adas = current_patient(ada_client.session).token
        real = VSeeClient._request

        def leo_s_fail(self, method, path, *, endpoint, **kwargs):
            if endpoint == "visits.list" and kwargs.get("token") != adas:
                raise VSeeUnavailable("VSee did not answer")
            return real(self, method, path, endpoint=endpoint, **kwargs)

        monkeypatch.setattr(VSeeClient, "_request", leo_s_fail)
        page = html.unescape(ada_client.get("/visits/").content.decode())
        assert len(sections(page)["upcoming"]) == 1  # Ada's own, still there
        assert "We couldn't load Leo's visits just now" in page

    def test_times_are_in_the_patient_s_time_zone(self, ada_client, past_visit):
        start = past_visit.start
        page = ada_client.get("/visits/?tz=Asia/Tokyo").content.decode()
        local = start.astimezone(ZoneInfo("Asia/Tokyo"))
        assert "Times are shown in Tokyo (Asia); the clinic is on Eastern Time" in page
        assert f"{local:%B} {local.day}, {local.year}" in page
        assert "JST" in page

    def test_an_unknown_status_reads_as_a_number_not_an_error(
        self, ada_client, past_visit
    ):
        SandboxVisit.objects.filter(pk=past_visit.pk).update(status=77)
        r = ada_client.get("/visits/")
        assert r.status_code == 200
        assert "Status 77" in r.content.decode()

    def test_a_long_history_shows_more_on_request(self, ada_client, vsee, ada_token):
        for _ in range(12):
            intake = vsee.intake_create(token=ada_token, room_code="demo-room")
            answered = vsee.visit_add_econsult(
                token=ada_token, intake_id=intake.id, room_code="demo-room"
            )
            SandboxVisit.objects.filter(pk=answered.id).update(
                status=SandboxVisit.COMPLETED
            )
        page = ada_client.get("/visits/").content.decode()
        assert len(sections(page)["past"]) == 10
        assert "Show more" in page
        page = ada_client.get("/visits/?past=20").content.decode()
        assert "Show more" not in page
        assert len(sections(page)["past"]) >= 12
        # A hand-edited page number is not an error.
        assert ada_client.get("/visits/?past=lots").status_code == 200

    def test_vsee_down_has_a_page(self, ada_client, settings):
        settings.SANDBOX_FAULTS = [
            {"endpoint": "visits.list", "error_rate": 1.0, "error_status": 503}
        ]
        settings.VSEE_DEADLINE = 1
        r = ada_client.get("/visits/")
        assert r.status_code == 503
        assert "reach the clinic" in r.content.decode()

    def test_a_guest_is_told_why_there_is_no_history(self, client, vsee_live):
        client.post(
            "/sign-in/guest/",
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "dob": "1906-12-09",
                "next": "/rooms/demo-room/walkin/",
            },
        )
        page = client.get("/visits/").content.decode()
        assert "as a guest" in page
        assert "Sign in with email" in page


class TestDetail:
    def test_it_shows_the_visit_with_the_provider_s_notes_and_prescriptions(
        self, ada_client, past_visit
    ):
        page = ada_client.get(f"/visits/{past_visit.pk}/").content.decode()
        assert "Acute pharyngitis" in page
        assert "<li>Start amoxicillin for 10 days.</li>" in page
        assert "Amoxicillin 500 MG Oral Capsule" in page
        assert "Download summary (PDF)" in page

    def test_a_hostile_note_is_rendered_harmless(self, ada_client, past_visit):
        past_visit.postvisit = {
            **past_visit.postvisit,
            "assessment_plan": (
                '<p onclick="steal()">Rest <b>well</b></p>'
                "<script>alert('x')</script>"
                "<img src=x onerror=\"alert('y')\">"
                "<a href=\"javascript:alert('z')\">click</a>"
                '<iframe src="https://evil.example"></iframe>'
            ),
        }
        past_visit.save()
        page = ada_client.get(f"/visits/{past_visit.pk}/").content.decode()
        assert "<p>Rest <b>well</b></p>" in page
        for bad in (
            "<script>alert",
            "onerror",
            "javascript:",
            "onclick",
            "<iframe",
            "<img",
        ):
            assert bad not in page, bad

    def test_the_answers_are_labelled_with_the_question_even_when_retired(
        self, ada_client
    ):
        ada_client.post("/rooms/demo-room/econsult/", ANSWERS)
        ada_client.post("/rooms/demo-room/econsult/review/")
        visit = SandboxVisit.objects.filter(type=SandboxVisit.ECONSULT).latest("pk")
        IntakeQuestion.objects.filter(key="insurance").update(active=False)
        page = ada_client.get(f"/visits/{visit.pk}/").content.decode()
        assert "How will you pay?" in page and "Self-pay" in page
        assert "Sore throat for three days" in page

    def test_the_answers_read_as_the_patient_gave_them(self, ada_client):
        ada_client.post("/rooms/demo-room/econsult/", ANSWERS)
        ada_client.post("/rooms/demo-room/econsult/review/")
        visit = SandboxVisit.objects.filter(type=SandboxVisit.ECONSULT).latest("pk")
        assert visit.intake.data["custom_seen_before"] == "false"  # as VSee keeps it
        page = html.unescape(ada_client.get(f"/visits/{visit.pk}/").content.decode())
        seen = re.search(
            r"Have you been seen by us before\?</dt>\s*<dd>(.*?)</dd>", page
        )
        since = re.search(r"When did this start\?</dt>\s*<dd>(.*?)</dd>", page)
        assert seen and seen.group(1) == "No"
        assert since and since.group(1) == "November 20, 2026"
        assert "False" not in page and "2026-11-20" not in page


class TestAccess:
    @pytest.mark.parametrize(
        "action", ["", "cancel/", "summary/", "reschedule/", "join/"]
    )
    def test_another_patient_s_visit_is_not_found_and_audited(
        self, ada_client, vsee, ben, action
    ):
        intake = vsee.intake_create(token=ben.token.token, room_code="demo-room")
        bens = vsee.visit_add_econsult(
            token=ben.token.token, intake_id=intake.id, room_code="demo-room"
        )
        r = ada_client.get(f"/visits/{bens.id}/{action}")
        assert r.status_code == 404
        event = AuditEvent.objects.get(action="access_denied")
        assert event.visit_id == bens.id and event.patient_ref

    @pytest.mark.parametrize(
        ("action", "data"),
        [("cancel/", {}), ("reschedule/", {"slot": "1900000000-1900001800"})],
    )
    def test_acting_on_another_patient_s_visit_is_not_found_audited_and_changes_nothing(
        self, ada_client, vsee, ben, action, data
    ):
        intake = vsee.intake_create(token=ben.token.token, room_code="demo-room")
        bens = vsee.visit_add_econsult(
            token=ben.token.token, intake_id=intake.id, room_code="demo-room"
        )
        before = SandboxVisit.objects.values().get(pk=bens.id)
        r = ada_client.post(f"/visits/{bens.id}/{action}", data)
        assert r.status_code == 404
        event = AuditEvent.objects.get(action="access_denied")
        assert event.visit_id == bens.id
        assert SandboxVisit.objects.values().get(pk=bens.id) == before

    @pytest.mark.parametrize("path", ["/booked/{id}/", "/booked/{id}/calendar.ics"])
    def test_another_patient_s_confirmation_and_calendar_are_not_found(
        self, ada_client, vsee, ben, path
    ):
        intake = vsee.intake_create(token=ben.token.token, room_code="demo-room")
        bens = vsee.visit_add_econsult(
            token=ben.token.token, intake_id=intake.id, room_code="demo-room"
        )
        assert ada_client.get(path.format(id=bens.id)).status_code == 404

    def test_the_history_needs_sign_in(self, client, vsee_live):
        r = client.get("/visits/")
        assert r["Location"] == "/sign-in/?next=%2Fvisits%2F"


class TestDetailWithFiles:
    def test_the_files_sent_are_listed_by_name(self, ada_client):
        ada_client.post("/rooms/demo-room/econsult/", ANSWERS)
        card = SimpleUploadedFile("insurance card.png", png_bytes(), "image/png")
        ada_client.post("/rooms/demo-room/econsult/files/", {"files": [card]})
        r = ada_client.post("/rooms/demo-room/econsult/review/")
        page = ada_client.get(r["Location"].replace("/booked/", "/visits/"))
        assert "Files you sent" in page.content.decode()
        assert "insurance card.png" in page.content.decode()


class TestQuestionsWaitingForAReply:
    def test_a_reply_moves_it_to_the_past_with_the_reply_on_its_page(
        self, ada_client, vsee, ada_token
    ):
        intake = vsee.intake_create(token=ada_token, room_code="demo-room")
        question = vsee.visit_add_econsult(
            token=ada_token, intake_id=intake.id, room_code="demo-room"
        )
        page = ada_client.get("/visits/").content.decode()
        assert sections(page)["waiting"] == [question.id]
        assert "Questions waiting for a reply" in page
        # The provider replies: VSee completes the e-consult with their notes.
        SandboxVisit.objects.filter(pk=question.id).update(
            status=SandboxVisit.COMPLETED,
            postvisit={"patient_instructions": "<p>Use the cream twice a day.</p>"},
        )
        page = ada_client.get("/visits/").content.decode()
        assert sections(page)["waiting"] == []
        assert question.id in sections(page)["past"]
        assert "Questions waiting for a reply" not in page
        detail = ada_client.get(f"/visits/{question.id}/").content.decode()
        assert "Use the cream twice a day." in detail


class TestJoiningTimes:
    def test_before_the_window_the_row_and_page_say_when_instead_of_join(
        self, ada_client, book
    ):
        from portal.booking.summary import format_time

        visit = book(5)  # more than an hour ahead
        opens = format_time(visit.start - 15 * 60, "America/New_York")
        page = html.unescape(ada_client.get("/visits/").content.decode())
        row = page.split(f'id="visit-{visit.id}"')[1].split("</li>\n</ul>")[0]
        assert f"You can join from {opens}" in row
        assert f'href="/visits/{visit.id}/join/"' not in row
        detail = html.unescape(ada_client.get(f"/visits/{visit.id}/").content.decode())
        assert f"You can join from {opens}" in detail
        assert f'href="/booked/{visit.id}/calendar.ics"' in detail
        booked = html.unescape(ada_client.get(f"/booked/{visit.id}/").content.decode())
        assert f"You can join from <strong>{opens}</strong>" in booked
        assert "Join the video call" not in booked

    def test_inside_the_window_join_is_offered(self, ada_client, book, monkeypatch):
        visit = book(5)
        later = visit.start - 10 * 60
        monkeypatch.setattr("portal.visits.views.pages.time.time", lambda: later)
        page = ada_client.get("/visits/").content.decode()
        row = page.split(f'id="visit-{visit.id}"')[1].split("</li>\n</ul>")[0]
        assert f'href="/visits/{visit.id}/join/"' in row
        assert "You can join from" not in row
