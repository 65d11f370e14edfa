"""The demo data (sandbox/seed.py: seed_demo) and `manage.py sandbox_seed`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from sandbox.models import (
    SandboxAvailability,
    SandboxConsultation,
    SandboxIntake,
    SandboxRoom,
    SandboxUser,
    SandboxVisit,
)
from sandbox.seed import seed_demo
from tests.sandbox.conftest import FIXED_NOW

MODELS = (
    SandboxRoom,
    SandboxConsultation,
    SandboxUser,
    SandboxAvailability,
    SandboxIntake,
    SandboxVisit,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


class TestSeedDemo:
    def test_it_creates_the_demo_clinic(self, seeded):
        assert seeded["room_code"] == "demo-room"
        assert seeded["patient_codes"] == ["demo-ada", "demo-ben"]
        assert len(seeded["consultation_ids"]) == 2 and len(seeded["provider_ids"]) == 3
        assert counts() == {
            "SandboxRoom": 1,
            "SandboxConsultation": 2,
            "SandboxUser": 6,  # three providers, Ada, Ben and Leo in Ada's care
            "SandboxAvailability": 3 * 14,
            "SandboxIntake": 2,
            # Ada's appointment and the walk-in it started; Ben's visit without intake;
            # Leo's walk-in.
            "SandboxVisit": 4,
        }
        ben = SandboxUser.objects.get(code="demo-ben")
        assert (ben.email, ben.dob.isoformat(), ben.type) == (
            "ben@example.com",
            "1990-03-04",
            200,
        )

    def test_it_is_idempotent(self, seeded):
        before = counts()
        assert seed_demo(now=FIXED_NOW) == {**seeded, "new_blocks": 0}
        assert counts() == before

    def test_it_tops_up_availability_without_touching_visits(self, seeded):
        visit = SandboxVisit.objects.get(pk=seeded["past_visit_id"])
        made = seed_demo(now=FIXED_NOW + timedelta(days=1))
        assert made["new_blocks"] == 3
        assert SandboxVisit.objects.get(pk=visit.pk).start == visit.start
        assert SandboxVisit.objects.count() == 4

    def test_it_puts_blocks_at_local_opening_hours(self, seeded):
        ortiz = SandboxUser.objects.get(code="demo-dr-ortiz")
        first = (
            SandboxAvailability.objects.filter(provider=ortiz).order_by("start").first()
        )
        assert (first.start.hour, first.end.hour) == (
            16,
            20,
        )  # 09:00–13:00 in Los Angeles (PDT)

    def test_it_gives_ada_a_completed_visit_ten_days_ago(self, seeded):
        visit = SandboxVisit.objects.get(pk=seeded["past_visit_id"])
        assert visit.member.code == "demo-ada" and visit.provider.last_name == "Lee"
        # The walk-in the appointment started carries the outcome; the appointment's
        # own status stays "confirmed" (reference: "Understanding Visit object ID").
        assert (visit.type, visit.status) == (1, 30)
        appointment = visit.related_appointment
        assert (appointment.type, appointment.status) == (2, 20)
        assert appointment.end - appointment.start == timedelta(minutes=30)
        assert (FIXED_NOW - appointment.start).days == 10
        assert visit.pk >= 1000, "visit ids start at 1000"

    def test_it_gives_leo_in_ada_s_care_a_visit_of_his_own(self, seeded):
        visit = SandboxVisit.objects.get(pk=seeded["child_visit_id"])
        assert visit.member.code == "demo-leo" and visit.member.email == ""
        assert (visit.type, visit.status) == (1, 30)
        assert visit.postvisit["diagnosis"].startswith("Acute otitis media")

    def test_it_gives_ben_a_visit_the_clinic_opened_without_an_intake(
        self, seeded, api, ben_token
    ):
        visit = SandboxVisit.objects.get(pk=seeded["visit_without_intake_id"])
        assert visit.member.code == "demo-ben" and visit.intake is None
        assert (visit.type, visit.status) == (1, 30)
        sent = api.get(f"/visits/{visit.pk}", token=ben_token).json()["data"]
        assert sent["intake"] == [] and sent["intake_id"] is None


class TestSeedCommand:
    def test_it_seeds_and_prints_one_line(self, db):
        out = StringIO()
        call_command("sandbox_seed", stdout=out)
        lines = out.getvalue().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Sandbox seeded: room demo-room")
        call_command("sandbox_seed", stdout=StringIO())
        assert SandboxRoom.objects.count() == 1
