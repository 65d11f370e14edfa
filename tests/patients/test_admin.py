"""Admin's known patients: found only by the email or clinic id staff already have, and
reset so that a patient whose details were wrong at first can give them again."""

from __future__ import annotations

import pytest

from portal.clinic.models import AuditEvent
from portal.patients.identity import Identity, patient_code, remember_identity
from portal.patients.models import KnownPatient

URL = "/admin/patients/knownpatient/"


@pytest.fixture
def known(db) -> None:
    remember_identity(
        patient_code("ada@example.com"), Identity("Ada", "L", "1985-12-10")
    )
    remember_identity("clinic-pid-42", Identity("Hana", "Mori", "1979-05-06"))


def listed(response) -> int:
    return response.context["cl"].result_count


class TestFindingOne:
    def test_by_email_in_any_letter_case(self, admin_client, known):
        r = admin_client.get(URL, {"q": " Ada@Example.com "})
        assert r.status_code == 200 and listed(r) == 1
        page = r.content.decode()
        assert "Zyx" not in page and "1911" not in page  # nothing of who they are

    def test_by_the_clinic_s_patient_id(self, admin_client, known):
        assert listed(admin_client.get(URL, {"q": "clinic-pid-42"})) == 1

    @pytest.mark.parametrize(
        "term", ["ada", "example.com", "Zyxfirst", "1911-11-11", "42"]
    )
    def test_nothing_but_an_exact_match_is_found(self, admin_client, known, term):
        assert listed(admin_client.get(URL, {"q": term})) == 0

    def test_nothing_can_be_added_or_changed(self, admin_client, known):
        row = KnownPatient.objects.first()
        assert admin_client.get(f"{URL}add/").status_code == 403
        r = admin_client.post(f"{URL}{row.pk}/change/", {"sealed_identity": "x"})
        assert r.status_code == 403
        assert KnownPatient.objects.get(pk=row.pk).sealed_identity != "x"


class TestResettingOne:
    def test_deleting_it_asks_for_name_and_birth_date_again_and_is_audited(
        self, admin_client, known
    ):
        [row] = (
            admin_client.get(URL, {"q": "ada@example.com"}).context["cl"].result_list
        )
        r = admin_client.post(f"{URL}{row.pk}/delete/", {"post": "yes"})
        assert r.status_code == 302
        assert KnownPatient.objects.count() == 1
        event = AuditEvent.objects.get(action="patient_record_reset")
        assert event.detail == "by_staff"
        remember_identity(
            patient_code("ada@example.com"), Identity("Ada", "Lovelace", "1985-12-01")
        )
        assert KnownPatient.objects.count() == 2

    def test_the_bulk_action_audits_each(self, admin_client, known):
        pks = list(KnownPatient.objects.values_list("pk", flat=True))
        r = admin_client.post(
            URL, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
        )
        assert r.status_code == 302
        assert not KnownPatient.objects.exists()
        assert AuditEvent.objects.filter(action="patient_record_reset").count() == 2
