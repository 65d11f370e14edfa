"""portal/visits/related.py: an appointment and the walk-in VSee opened when it started
are one visit to the patient."""

from __future__ import annotations

from portal.visits.related import merge_related
from portal.vsee.schemas import Visit

NOTES = {"diagnosis": "Pharyngitis"}


def appointment(**extra) -> Visit:
    return Visit.model_validate(
        {"id": "2504", "type": 2, "status": 20, "start": 1000, "provider": {"id": "7"}}
        | extra
    )


def walkin(**extra) -> Visit:
    return Visit.model_validate(
        {"id": "1504", "type": 1, "status": 30, "start": 1100, "postvisit": NOTES}
        | extra
    )


class TestMergeRelated:
    def test_linked_both_ways_they_are_one_visit_the_appointment_s(self):
        for pair in (
            [appointment(related_walkin_id="1504"), walkin()],
            [walkin(related_appointment_id="2504"), appointment()],
        ):
            [one] = merge_related(pair)
            assert (one.id, one.type, one.start) == ("2504", 2, 1000)
            assert one.status == 30 and one.postvisit.diagnosis == "Pharyngitis"
            assert one.provider.id == "7"
            assert one.related_walkin_id == "1504"  # where its summary is

    def test_an_unlisted_walk_in_still_tells_how_it_went(self):
        [one] = merge_related(
            [appointment(related_walkin_id="1504", related_walkin={"status": 30})]
        )
        assert one.status == 30

    def test_unrelated_visits_are_left_alone(self):
        visits = [appointment(), walkin()]
        assert [v.id for v in merge_related(visits)] == ["2504", "1504"]
        assert merge_related(visits)[0].status == 20


class TestThePages:
    def test_either_id_opens_the_one_visit(self, ada_client, past_visit):
        started = past_visit.related_appointment_id
        for visit_id in (past_visit.pk, started):
            page = ada_client.get(f"/visits/{visit_id}/").content.decode()
            assert "Appointment" in page
            assert "Acute pharyngitis, likely bacterial." in page
            assert f'href="/visits/{started}/summary/"' in page

    def test_the_summary_of_a_started_appointment_is_its_walk_in_s(
        self, ada_client, past_visit
    ):
        r = ada_client.get(f"/visits/{past_visit.related_appointment_id}/summary/")
        assert r.status_code == 302
        assert r["Location"].startswith("http")  # VSee's PDF, not "no summary"
