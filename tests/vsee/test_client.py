"""portal/vsee/client/: one class per endpoint, then errors, retries, the deadline and secrets.

Payloads are VSee's own samples saved under tests/fixtures/vsee/ (STYLE 16a); each test names
the section it comes from.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
import traceback
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses
from pydantic import ValidationError

from portal.vsee.client import Upload, VSeeClient
from portal.vsee.errors import (
    VSeeAuthExpired,
    VSeeError,
    VSeeRejected,
    VSeeSlotTaken,
    VSeeUnavailable,
)
from portal.vsee.schemas import (
    Intake,
    Person,
    Room,
    Slot,
    SsoUser,
    UploadedFile,
    Visit,
)
from tests.fixtures import load_fixture
from tests.vsee.conftest import (
    ADA_TOKEN,
    API_KEY,
    API_SECRET,
    BASE,
    BEN_TOKEN,
    make_client,
)

ADA_INTAKE = "57b4c678-de20-4c1a-a52b-43e9ac1f0144"
ATTACHMENT = "577af3e6-9e48-4a51-9315-2ba8c0a8210a"


def only_call(rsps: responses.RequestsMock) -> responses.Call:
    assert len(rsps.calls) == 1
    return rsps.calls[0]


def sent_json(call: responses.Call) -> dict:
    assert call.request.headers["Content-Type"] == "application/json"
    return json.loads(call.request.body)


def sent_form(call: responses.Call) -> dict:
    """The form fields a call sent (the reference's examples post forms)."""
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    return dict(parse_qsl(call.request.body, keep_blank_values=True))


def path_of(call: responses.Call) -> str:
    return urlsplit(call.request.url).path


def query_of(call: responses.Call) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.request.url).query))


def assert_patient_headers(call: responses.Call, token: str) -> None:
    """A patient call carries the account and the patient's token, never the app's key/secret."""
    headers = call.request.headers
    assert headers["X-AccountCode"] == "acme"
    assert headers["X-ApiToken"] == token
    assert "X-ApiKey" not in headers
    assert "X-ApiSecret" not in headers


# --- users and rooms ---------------------------------------------------------------------------


class TestUserSso:
    # Payloads: beyond-the-seed.md §2 (own values, VSee's field names and types).

    def test_it_signs_ada_in_with_the_key_and_secret_and_no_token(self, rsps, api):
        rsps.post(f"{BASE}/users/sso", json=load_fixture("users_sso__ok"))

        user = api.user_sso(
            first_name="Ada",
            last_name="Lovelace",
            code="ada-1815",
            dob="1815-12-10",
            email="ada@example.com",
        )

        call = only_call(rsps)
        assert call.request.method == "POST"
        assert path_of(call) == "/api_v3/users/sso"
        headers = call.request.headers
        assert headers["X-AccountCode"] == "acme"
        assert headers["X-ApiKey"] == API_KEY
        assert headers["X-ApiSecret"] == API_SECRET
        assert "X-ApiToken" not in headers
        assert sent_json(call) == {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "type": 200,
            "code": "ada-1815",
            "dob": "1815-12-10",
            "email": "ada@example.com",
        }
        assert isinstance(user, SsoUser)
        assert user.id == "48213377"
        assert user.token.token == "9c1e4b7a0d2f4c6e8a1b3d5f7e9c0a2b"
        assert user.token.expiry == 1735776000
        assert user.token.user_id == "48213377"
        # Unknown fields are kept (the refresh token, the ?fields=vsee object).
        assert user.model_extra["tos"] is False
        assert user.token.model_extra["refresh_token"]["expiry"] == 1738281600
        assert user.model_extra["vsee"]["id"].startswith("clinicx+")

    def test_it_signs_a_guest_in_without_a_code(self, rsps, api):
        rsps.post(f"{BASE}/users/sso", json=load_fixture("users_sso__guest"))

        user = api.user_sso(first_name="Guest", last_name="Visitor", type=600)

        body = sent_json(only_call(rsps))
        assert body == {"first_name": "Guest", "last_name": "Visitor", "type": 600}
        # VSee generates the guest's code (beyond-the-seed §2).
        assert user.code == "d41c7e2b9a604f3e8b1a5c6d7e8f9012"
        assert user.token.token == "7d8e9f0a1b2c3d4e5f60718293a4b5c6"


class TestRoomGet:
    # Payload: beyond-the-seed.md §4 GET /rooms/:code.

    def test_it_reads_a_public_room_with_the_account_code_only(self, rsps, api):
        rsps.get(f"{BASE}/rooms/k7p2q", json=load_fixture("rooms_get__ok"))

        room = api.room_get(code="k7p2q")

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/rooms/k7p2q"
        headers = call.request.headers
        assert headers["X-AccountCode"] == "acme"
        for private in ("X-ApiToken", "X-ApiKey", "X-ApiSecret"):
            assert private not in headers
        assert isinstance(room, Room)
        assert room.id == "1042"
        assert room.code == "k7p2q"
        assert room.walkin_enabled is True
        assert room.appointment_enabled is False
        assert room.guest_enabled is True
        assert room.is_closed is False
        assert room.timezone == "America/Los_Angeles"
        assert room.provider_ids == ["50123"]
        [consultation] = room.consultations
        assert consultation.id == "3d2c1b0a-1111-4222-8333-944455556666"
        assert consultation.duration == 20
        assert consultation.amount == 0.0
        assert room.model_extra["specialties"][0]["code"] == "general_care"


# --- intakes -----------------------------------------------------------------------------------


class TestIntakeCreate:
    # Payloads: intakes-and-visits-v3.txt §POST /intakes ("Sample Request with Custom Params").

    def test_it_sends_yes_no_answers_as_vsee_spells_booleans(self, rsps, api):
        rsps.post(f"{BASE}/intakes", json=load_fixture("intakes_create__custom"))

        api.intake_create(
            token=ADA_TOKEN,
            room_code="k7p2q",
            custom={"is_allergic": True, "smoker": False},
        )

        body = sent_form(only_call(rsps))
        assert (body["custom_is_allergic"], body["custom_smoker"]) == ("true", "false")

    def test_it_sends_ada_answers_as_vsee_spells_them(self, rsps, api):
        rsps.post(f"{BASE}/intakes", json=load_fixture("intakes_create__custom"))
        consultation = {"id": "3d2c1b0a-1111-4222-8333-944455556666", "duration": 20}

        intake = api.intake_create(
            token=ADA_TOKEN,
            room_code="k7p2q",
            type=1,
            reason_for_visit="Rash on both arms",
            location="CA",
            phone="7123465789",
            consultation=consultation,
            attachments=[ATTACHMENT],
            custom={
                "is_allergic": "Yes",
                "symptoms": ["Rash", "Red Eyes"],
                "symptoms_duration": "2 weeks",
            },
        )

        call = only_call(rsps)
        assert call.request.method == "POST"
        assert path_of(call) == "/api_v3/intakes"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_json(call) == {
            "room_code": "k7p2q",
            "type": 1,
            "reason_for_visit": "Rash on both arms",
            "location": "CA",
            "phone": "7123465789",
            "consultation": consultation,
            "attachments": [ATTACHMENT],
            "custom_is_allergic": "Yes",
            "custom_symptoms": "Rash, Red Eyes",
            "custom_symptoms_duration": "2 weeks",
        }
        assert isinstance(intake, Intake)
        assert intake.id == "56e8c536-566c-44b6-bbca-66f0ac1f0144"
        assert intake.custom_answers == {
            "is_allergic": "Yes",
            "symptoms": "Rash, Red Eyes",
            "symptoms_duration": "2 weeks",
        }

    def test_it_sends_custom_numbers_and_blanks_as_strings(self, rsps, api):
        rsps.post(f"{BASE}/intakes", json=load_fixture("intakes_create__ok"))

        api.intake_create(
            token=ADA_TOKEN, room_code="k7p2q", custom={"age": 36, "notes": None}
        )

        body = sent_form(only_call(rsps))
        assert body["custom_age"] == "36"
        assert body["custom_notes"] == ""

    def test_it_leaves_out_what_ada_did_not_give(self, rsps, api):
        rsps.post(f"{BASE}/intakes", json=load_fixture("intakes_create__ok"))

        intake = api.intake_create(token=ADA_TOKEN, room_code="k7p2q")

        assert sent_form(only_call(rsps)) == {"room_code": "k7p2q"}
        assert intake.id == "56e8c536-566c-44b6-bbca-66f0ac1f0144"
        assert intake.attachments == []


class TestIntakeUpdate:
    # Payload: intakes-and-visits-v3.txt §POST /intakes/:id.

    def test_it_posts_the_changes_to_the_intake(self, rsps, api):
        rsps.post(
            f"{BASE}/intakes/{ADA_INTAKE}", json=load_fixture("intakes_update__ok")
        )

        intake = api.intake_update(
            token=ADA_TOKEN,
            id=ADA_INTAKE,
            reason_for_visit="Test intake functionalities 2",
            location="CA",
            phone="7123456789",
        )

        call = only_call(rsps)
        assert call.request.method == "POST"
        assert path_of(call) == f"/api_v3/intakes/{ADA_INTAKE}"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_form(call) == {
            "reason_for_visit": "Test intake functionalities 2",
            "location": "CA",
            "phone": "7123456789",
        }
        assert intake.id == "56e8c536-566c-44b6-bbca-66f0ac1f0144"

    def test_it_sends_an_empty_list_to_clear_the_attachments(self, rsps, api):
        rsps.post(
            f"{BASE}/intakes/{ADA_INTAKE}", json=load_fixture("intakes_update__ok")
        )

        api.intake_update(token=ADA_TOKEN, id=ADA_INTAKE, attachments=[])

        assert sent_form(only_call(rsps)) == {"attachments": ""}  # none


class TestIntakeGet:
    # Payload: intakes-and-visits-v3.txt §GET /intakes/:id (attachments as a list of {_id, …}).

    def test_it_reads_the_intake_with_its_attachments(self, rsps, api):
        rsps.get(f"{BASE}/intakes/{ADA_INTAKE}", json=load_fixture("intakes_get__ok"))

        intake = api.intake_get(token=ADA_TOKEN, id=ADA_INTAKE)

        call = only_call(rsps)
        assert call.request.method == "GET"
        assert path_of(call) == f"/api_v3/intakes/{ADA_INTAKE}"
        assert_patient_headers(call, ADA_TOKEN)
        assert intake.id == ADA_INTAKE
        assert intake.type == 1  # "1" in the sample
        assert intake.reason_for_visit == "the reason"
        assert intake.created == 1471465080
        assert intake.attachment_ids == ["57b4c65d-7ef8-461f-8951-43b1ac1f0144"]
        [attachment] = intake.attachments
        assert attachment.size == 12859
        assert attachment.ext == "png"
        assert attachment.model_extra["modified"] == {"sec": 1471465053, "usec": 966000}


# --- files -------------------------------------------------------------------------------------


class TestFileUpload:
    # Payload: beyond-the-seed.md §5 POST /files.

    def test_it_sends_the_file_and_its_category_as_multipart(self, rsps, api):
        rsps.post(f"{BASE}/files", json=load_fixture("files_upload__ok"))
        card = Upload(
            name="insurance-card.jpg",
            content=b"\xff\xd8JPEG-BYTES",
            content_type="image/jpeg",
        )

        uploaded = api.file_upload(token=ADA_TOKEN, file=card)

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/files"
        assert_patient_headers(call, ADA_TOKEN)
        assert call.request.headers["Content-Type"].startswith(
            "multipart/form-data; boundary="
        )
        body = call.request.body
        assert (
            b'Content-Disposition: form-data; name="meta.category"\r\n\r\nintake_attachment'
            in body
        )
        assert b'name="file"; filename="insurance-card.jpg"' in body
        assert b"Content-Type: image/jpeg" in body
        assert b"\xff\xd8JPEG-BYTES" in body
        assert isinstance(uploaded, UploadedFile)
        assert uploaded.id == "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"
        assert uploaded.size == 40211
        assert uploaded.meta["category"] == "intake_attachment"

    def test_it_sends_the_category_it_is_given(self, rsps, api):
        rsps.post(f"{BASE}/files", json=load_fixture("files_upload__ok"))
        card = Upload(
            name="card.pdf", content=b"%PDF-1.7", content_type="application/pdf"
        )

        api.file_upload(token=ADA_TOKEN, file=card, category="user_document")

        body = only_call(rsps).request.body
        assert b'name="meta.category"\r\n\r\nuser_document' in body
        assert b"intake_attachment" not in body


# --- visits ------------------------------------------------------------------------------------


class TestVisitAddWalkin:
    # Payload: intakes-and-visits-v3.txt §POST /visits/add_walkin (ids and times as strings).

    def test_it_creates_a_walkin_from_ada_intake(self, rsps, api):
        rsps.post(
            f"{BASE}/visits/add_walkin", json=load_fixture("visits_add_walkin__ok")
        )

        visit = api.visit_add_walkin(
            token=ADA_TOKEN,
            intake_id="56e8c536-566c-44b6-bbca-66f0ac1f0144",
            room_code="k7p2q",
        )

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/add_walkin"
        assert_patient_headers(call, ADA_TOKEN)
        # No provider_id for a walk-in unless one is asked for (seed: "Shouldn't pass this").
        assert sent_form(call) == {
            "intake_id": "56e8c536-566c-44b6-bbca-66f0ac1f0144",
            "room_code": "k7p2q",
        }
        assert isinstance(visit, Visit)
        assert visit.id == "1525"
        assert visit.member_id == "508"
        assert visit.provider_id == "509"
        assert visit.start == 1458095488  # "1458095488" in the sample
        assert visit.end == 1458096388
        assert visit.type == 1
        assert visit.status == 10
        assert visit.actual_start is None
        assert visit.intake.id == "56e8c536-566c-44b6-bbca-66f0ac1f0144"
        assert visit.provider.display_name == "Ligeng Doctor"
        assert visit.member.dob == "2014-09-10"
        assert visit.model_extra["payment"]["amount"] == "00.00"

    def test_it_passes_a_provider_when_one_is_given(self, rsps, api):
        rsps.post(
            f"{BASE}/visits/add_walkin", json=load_fixture("visits_add_walkin__ok")
        )

        api.visit_add_walkin(
            token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q", provider_id="509"
        )

        assert sent_form(only_call(rsps))["provider_id"] == "509"


class TestVisitAddEconsult:
    # Payload: intakes-and-visits-v3.txt §POST /visits/add_econsult (ids as ints here).

    def test_it_creates_an_econsult_and_reads_int_ids_as_strings(self, rsps, api):
        rsps.post(
            f"{BASE}/visits/add_econsult", json=load_fixture("visits_add_econsult__ok")
        )

        visit = api.visit_add_econsult(
            token=ADA_TOKEN,
            intake_id="6050d1a8-b120-45b4-a568-61a664457b11",
            room_code="vclinic_room_code",
        )

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/add_econsult"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_json(call) == {
            "intake_id": "6050d1a8-b120-45b4-a568-61a664457b11",
            "room_code": "vclinic_room_code",
        }
        assert visit.id == "14814100"
        assert visit.member_id == "14396847"  # 14396847 in the sample
        assert visit.provider_id == "0"  # 0: nobody has accepted it yet
        assert visit.type == 3
        assert visit.status == 20
        assert visit.subtype == 4
        assert visit.expiry == 1615924905
        assert visit.room_code == "vclinic_room_code"
        assert visit.room.id == "10019500"
        assert visit.intake.model_extra["question_1"] == "Answer 1"
        assert visit.model_extra["incharge"] is False
        assert visit.model_extra["isEditExpired"] is False
        assert visit.model_extra["invoice"]["amount_due"] == 0


class TestAvailabilityGet:
    # Payloads: intakes-and-visits-v3.txt §GET /availability, in both of its shapes.

    def test_it_reads_the_slots_shape_with_providers_from_slot_data(self, rsps, api):
        # "Sample minimal request": {slots, slot_data}.
        rsps.get(f"{BASE}/availability", json=load_fixture("availability__slots_shape"))

        slots = api.availability_get(
            token=ADA_TOKEN,
            room_code="k7p2q",
            intake_id=ADA_INTAKE,
            consultation_id="3d2c1b0a-1111-4222-8333-944455556666",
            start=1668129300,
            end=1670000000,
        )

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/availability"
        assert_patient_headers(call, ADA_TOKEN)
        assert query_of(call) == {
            "room_code": "k7p2q",
            "intake_id": ADA_INTAKE,
            "consultation_id": "3d2c1b0a-1111-4222-8333-944455556666",
            "start": "1668129300",
            "end": "1670000000",
        }
        assert slots == [
            Slot(
                start=1669239900,
                end=1669240800,
                provider_ids=["12456470"],
                slot_id="10996909",
            ),
            Slot(
                start=1669240800,
                end=1669241700,
                provider_ids=["12456470"],
                slot_id="10996909",
            ),
        ]

    def test_it_reads_the_list_shape(self, rsps, api):
        # "The above data response format will change soon to": a list of {start, end, providers}.
        rsps.get(f"{BASE}/availability", json=load_fixture("availability__list_shape"))

        slots = api.availability_get(token=ADA_TOKEN, room_code="k7p2q")

        # The sample repeats one slot; the patient is offered it once.
        assert [(s.start, s.end, s.provider_ids) for s in slots] == [
            (1470186000, 1470186900, ["123", "345"]),
        ]

    def test_it_reads_slot_available_1_as_a_string(self, rsps, api):
        # Third sample under "Other sample requests": slot_available "1", no slot_data.
        rsps.get(
            f"{BASE}/availability",
            json=load_fixture("availability__slot_available_string"),
        )

        [slot] = api.availability_get(token=ADA_TOKEN, room_code="234yn")

        assert (slot.start, slot.end, slot.slot_id) == (1497063600, 1497065400, "4")
        assert slot.provider_ids == []

    @pytest.mark.parametrize(
        "change", [{"slot_booked": 1}, {"slot_booked": "1"}, {"slot_available": 0}]
    )
    def test_it_drops_booked_and_unavailable_slots(self, rsps, api, change):
        payload = load_fixture("availability__slots_shape")
        payload["data"]["slots"][0].update(change)
        rsps.get(f"{BASE}/availability", json=payload)

        slots = api.availability_get(token=ADA_TOKEN, room_code="k7p2q")

        assert [s.start for s in slots] == [1669240800]

    def test_it_uses_the_key_and_secret_when_there_is_no_token(self, rsps, api):
        # Seed: X-ApiKey/X-ApiSecret "(beta)" for availability without a user token.
        rsps.get(f"{BASE}/availability", json=load_fixture("availability__slots_shape"))

        api.availability_get(
            room_code="234yn",
            consultation_id="593999b2-08e4-404c-82f8-772dc0a8016f",
            start=1497063600,
            end=1497065400,
            location="AL",
        )

        call = only_call(rsps)
        headers = call.request.headers
        assert headers["X-AccountCode"] == "acme"
        assert headers["X-ApiKey"] == API_KEY
        assert headers["X-ApiSecret"] == API_SECRET
        assert "X-ApiToken" not in headers
        assert query_of(call)["location"] == "AL"

    def test_it_sends_nearest_as_1_and_leaves_out_unset_params(self, rsps, api):
        rsps.get(f"{BASE}/availability", json=load_fixture("availability__list_shape"))

        api.availability_get(
            token=ADA_TOKEN,
            room_code="k7p2q",
            start=1470186000,
            duration=900,
            nearest=True,
        )

        assert query_of(only_call(rsps)) == {
            "room_code": "k7p2q",
            "start": "1470186000",
            "duration": "900",
            "nearest": "1",
        }

    def test_it_raises_a_vsee_error_on_an_unreadable_answer(self, rsps, api):
        rsps.get(f"{BASE}/availability", json={"data": {"slots": "closed"}})

        with pytest.raises(VSeeError) as info:
            api.availability_get(token=ADA_TOKEN, room_code="k7p2q")

        assert type(info.value) is VSeeError


class TestVisitCreate:
    # Payload: intakes-and-visits-v3.txt §POST /visits (ints; `subType` and `subtype`; "s": "ms").

    def test_it_books_ada_slot_as_type_2(self, rsps, api):
        rsps.post(f"{BASE}/visits", json=load_fixture("visits_create__ok"))

        visit = api.visit_create(
            token=ADA_TOKEN,
            room_code="vclinicroom",
            intake_id="615f2de7-8ab8-48d3-80d8-53f564457b11",
            slot_start=1631628616,
            slot_end=1631628916,
            provider_id="12456470",
        )

        call = only_call(rsps)
        assert call.request.method == "POST"
        assert path_of(call) == "/api_v3/visits"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_form(call) == {
            "type": "2",
            "room_code": "vclinicroom",
            "intake_id": "615f2de7-8ab8-48d3-80d8-53f564457b11",
            "slot_start": "1631628616",
            "slot_end": "1631628916",
            "provider_id": "12456470",
        }
        assert visit.id == "18407167"
        assert visit.member_id == "17778181"
        assert visit.provider_id == "12456470"
        assert (visit.type, visit.status, visit.subtype) == (2, 30, 3)
        assert visit.start == 1631628616
        assert visit.intake.attachments == []  # "" in the sample
        assert visit.intake.consultation["id"] == "615cec5b-14c8-4493-b9ce-365764457b11"
        assert visit.intake.model_extra["consent"] == "true"
        assert visit.provider.display_name == "Anton Provider"
        assert visit.room.code == "vclinicroom"
        assert visit.model_extra["meeting"]["conference_pin"] == 838759
        assert visit.related_walkin_id == "18407370"
        assert visit.related_walkin.status == 30  # the call it started is done

    def test_it_sends_no_member_id_for_a_patient(self, rsps, api):
        rsps.post(f"{BASE}/visits", json=load_fixture("visits_create__ok"))

        api.visit_create(
            token=ADA_TOKEN, room_code="r", intake_id="i", slot_start=1, slot_end=2
        )

        body = sent_form(only_call(rsps))
        assert "member_id" not in body
        assert "provider_id" not in body
        assert body["type"] == "2"

    @pytest.mark.parametrize(
        ("status", "message", "taken"),
        [
            (400, "The selected slot is no longer available", True),
            (409, "Slot already booked", True),
            (400, "The selected slot is in the past", True),
            (400, "intake_id is required", False),
            (403, "Slot is not available", False),  # not a booking refusal
        ],
    )
    def test_it_says_when_the_slot_was_taken_meanwhile(
        self, rsps, api, status, message, taken
    ):
        rsps.post(
            f"{BASE}/visits", json={"code": status, "message": message}, status=status
        )
        with pytest.raises(VSeeRejected) as exc:
            api.visit_create(
                token=ADA_TOKEN, room_code="r", intake_id="i", slot_start=1, slot_end=2
            )
        assert isinstance(exc.value, VSeeSlotTaken) is taken
        assert exc.value.message == message


class TestVisitList:
    # Payload: intakes-and-visits-v3.txt §GET /visits (ids and timestamps as strings).

    def test_it_lists_ada_visits(self, rsps, api):
        rsps.get(f"{BASE}/visits", json=load_fixture("visits_list__ok"))

        [visit] = api.visit_list(token=ADA_TOKEN)

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits"
        assert_patient_headers(call, ADA_TOKEN)
        assert visit.id == "7727"
        assert visit.start == 1470669300  # "1470669300"
        assert visit.end == 1470670200
        assert (visit.type, visit.status, visit.subtype) == (2, 20, 3)  # all strings
        assert visit.start_at.year == 2016
        assert visit.provider.display_name == "Anton Provider III"
        assert visit.member.dob == "1983-02-02"
        assert visit.postvisit.draft is False
        assert visit.postvisit.diagnosis.startswith("Allergic reaction")

    @pytest.mark.parametrize("empty", ["", None, []])
    def test_it_reads_an_empty_answer_as_no_visits(self, rsps, api, empty):
        rsps.get(f"{BASE}/visits", json={"data": empty})

        assert api.visit_list(token=BEN_TOKEN) == []


class TestVisitGet:
    # Payload: intakes-and-visits-v3.txt §GET /visits/:id (ints; intake.attachments ""; HTML notes).

    def test_it_reads_the_sample_visit_object(self, rsps, api):
        rsps.get(f"{BASE}/visits/18407167", json=load_fixture("visits_get__ok"))

        visit = api.visit_get(token=ADA_TOKEN, id="18407167")

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/18407167"
        assert_patient_headers(call, ADA_TOKEN)
        assert visit.id == "18407167"
        assert visit.member_id == "17778181"  # 17778181
        assert visit.provider_id == "12456470"  # 12456470
        assert visit.start == 1631628616
        assert visit.subtype == 3
        assert visit.intake.attachments == []  # ""
        assert "medical_profile" in visit.intake.model_extra
        assert visit.prescriptions == []
        assert visit.model_extra["prescriptionsBeforeVisit"][0]["Drug"] == (
            "One Tab Daily with Iron oral tablet"
        )
        # The sample has two "postvisit" keys; JSON keeps the last, the one with HTML notes.
        assert visit.postvisit.patient_instructions == "<p>Plan / Discharge...<br></p>"
        assert visit.postvisit.physical_exam.startswith("<p>")
        assert visit.postvisit.disposition == "Referred to ED"
        assert visit.postvisit.model_extra["attachments"][0]["ext"] == "jpg"

    def test_it_escapes_the_id_in_the_path(self, rsps, api):
        rsps.get(f"{BASE}/visits/7727%2Fclose", json={"data": {"id": "7727"}})

        api.visit_get(token=ADA_TOKEN, id="7727/close")

        assert path_of(only_call(rsps)) == "/api_v3/visits/7727%2Fclose"

    @pytest.mark.parametrize("bad_id", ["", ".", ".."])
    def test_it_refuses_an_id_that_is_no_path_segment_without_calling_vsee(
        self, rsps, api, bad_id
    ):
        with pytest.raises(VSeeRejected):
            api.visit_get(token=ADA_TOKEN, id=bad_id)

        assert len(rsps.calls) == 0


class TestVisitUpdate:
    # Payload: intakes-and-visits-v3.txt §POST /visits/:id?version=2.

    @pytest.mark.parametrize(
        "reply",
        [
            load_fixture("visits_update__ok"),  # the sample: no id, the rest elided
            {"data": []},
            {"data": True},
        ],
    )
    def test_it_moves_ada_appointment_with_version_2_whatever_the_reply(
        self, rsps, api, reply
    ):
        rsps.post(f"{BASE}/visits/666", json=reply)

        api.visit_update(
            token=ADA_TOKEN, id="666", slot_start=1631628616, slot_end=1631628916
        )

        call = only_call(rsps)
        assert call.request.method == "POST"
        assert path_of(call) == "/api_v3/visits/666"
        assert query_of(call) == {"version": "2"}
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_form(call) == {"slot_start": "1631628616", "slot_end": "1631628916"}

    def test_it_removes_the_provider_with_0(self, rsps, api):
        payload = load_fixture("visits_update__ok")
        payload["data"]["id"] = "666"
        rsps.post(f"{BASE}/visits/666", json=payload)

        api.visit_update(token=ADA_TOKEN, id="666", provider_id="0")

        assert sent_form(only_call(rsps)) == {"provider_id": "0"}


class TestVisitClose:
    # Payload: intakes-and-visits-v3.txt §POST /visits/close.

    def test_it_closes_a_visit_with_a_reason(self, rsps, api):
        rsps.post(f"{BASE}/visits/close", json=load_fixture("visits_close__ok"))

        closed = api.visit_close(token=ADA_TOKEN, id="1525", reason="patient_exit_room")

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/close"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_form(call) == {"id": "1525", "reason": "patient_exit_room"}
        assert closed == "1525"

    def test_it_returns_the_id_it_sent_when_vsee_echoes_none(self, rsps, api):
        rsps.post(f"{BASE}/visits/close", json={"data": True})

        assert (
            api.visit_close(token=ADA_TOKEN, id="1525", reason="call_ended") == "1525"
        )


class TestVisitDelete:
    # intakes-and-visits-v3.txt §POST /visits/delete shows no response; `data: true` is VSee's
    # usual answer to a delete (beyond-the-seed §5 DELETE /files).

    def test_it_force_cancels_a_visit(self, rsps, api):
        rsps.post(f"{BASE}/visits/delete", json={"data": True})

        assert api.visit_delete(token=ADA_TOKEN, id="5010007042332") is True

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/delete"
        assert_patient_headers(call, ADA_TOKEN)
        assert sent_form(call) == {"id": "5010007042332"}

    def test_it_reports_a_refused_delete(self, rsps, api):
        rsps.post(f"{BASE}/visits/delete", json={"data": False})

        assert api.visit_delete(token=ADA_TOKEN, id="5010007042332") is False


class TestVisitCurrent:
    # Payload: intakes-and-visits-v3.txt §GET /visits/current.

    def test_it_reads_the_visit_in_progress(self, rsps, api):
        rsps.get(f"{BASE}/visits/current", json=load_fixture("visits_current__ok"))

        visit = api.visit_current(token=ADA_TOKEN)

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/current"
        assert_patient_headers(call, ADA_TOKEN)
        assert visit.id == "1504"
        assert visit.status == 40
        assert visit.actual_end == 1458024955  # "1458024955"
        assert visit.model_extra["completed_by"] == "508"
        assert visit.intake.model_extra["reset"] == "true"
        assert visit.provider.display_name == "Ligeng Doctor"

    @pytest.mark.parametrize("empty", [None, [], {}, False, ""])
    def test_it_returns_none_when_nothing_is_in_progress(self, rsps, api, empty):
        rsps.get(f"{BASE}/visits/current", json={"data": empty})

        assert api.visit_current(token=BEN_TOKEN) is None

    @pytest.mark.parametrize("status", [400, 404])
    def test_a_400_or_404_also_means_nothing_is_in_progress(self, rsps, api, status):
        rsps.get(
            f"{BASE}/visits/current",
            status=status,
            json={"code": status, "message": "No current visit"},
        )

        assert api.visit_current(token=BEN_TOKEN) is None

    def test_other_refusals_are_still_errors(self, rsps, api):
        rsps.get(f"{BASE}/visits/current", status=403, json={"message": "Forbidden"})

        with pytest.raises(VSeeRejected):
            api.visit_current(token=BEN_TOKEN)


class TestVisitSummaryExport:
    # Payload: intakes-and-visits-v3.txt §GET /visits/:id/exports/visit_summary.

    def test_it_returns_the_pdf_url(self, rsps, api):
        rsps.get(
            f"{BASE}/visits/1000000/exports/visit_summary",
            json=load_fixture("visits_summary_export__ok"),
        )

        url = api.visit_summary_export(token=ADA_TOKEN, id="1000000")

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/visits/1000000/exports/visit_summary"
        assert_patient_headers(call, ADA_TOKEN)
        assert url == "https://clinic.vsee.me/visits/exports/d6880792f1fa01****"

    @pytest.mark.parametrize("data", [{}, {"url": ""}, {"url": "javascript:alert(1)"}])
    def test_it_raises_when_vsee_sends_no_usable_url(self, rsps, api, data):
        rsps.get(f"{BASE}/visits/1000000/exports/visit_summary", json={"data": data})

        with pytest.raises(VSeeError):
            api.visit_summary_export(token=ADA_TOKEN, id="1000000")


# --- errors ------------------------------------------------------------------------------------


class TestExpiredToken:
    def test_it_raises_auth_expired_on_401(self, rsps, api):
        rsps.get(
            f"{BASE}/visits", status=401, json={"code": 401, "message": "Token expired"}
        )

        with pytest.raises(VSeeAuthExpired) as info:
            api.visit_list(token=ADA_TOKEN)

        assert info.value.status == 401
        assert info.value.message == "Token expired"
        assert len(rsps.calls) == 1  # a 401 is not retried

    @pytest.mark.parametrize("status", [400, 403])
    @pytest.mark.parametrize(
        "message", ["Token expired", "Invalid token", "The api token is not valid"]
    )
    def test_a_400_or_403_saying_the_token_is_refused_is_the_same(
        self, rsps, api, status, message
    ):
        rsps.get(f"{BASE}/visits", status=status, json={"message": message})

        with pytest.raises(VSeeAuthExpired) as info:
            api.visit_list(token=ADA_TOKEN)

        assert info.value.status == status

    def test_a_403_about_something_else_is_a_refusal(self, rsps, api):
        rsps.get(
            f"{BASE}/visits", status=403, json={"message": "Room is not accessible"}
        )

        with pytest.raises(VSeeRejected) as info:
            api.visit_list(token=ADA_TOKEN)

        assert type(info.value) is VSeeRejected

    def test_it_raises_auth_expired_on_a_401_without_a_body(self, rsps, api):
        rsps.post(f"{BASE}/intakes", status=401, body="")

        with pytest.raises(VSeeAuthExpired) as info:
            api.intake_create(token=ADA_TOKEN, room_code="k7p2q")

        assert info.value.status == 401


class TestRejected:
    def test_it_carries_vsee_message_and_status_on_400(self, rsps, api):
        # beyond-the-seed §6: the room API's 400.
        rsps.post(f"{BASE}/intakes", status=400, json=load_fixture("error__400"))

        with pytest.raises(VSeeRejected) as info:
            api.intake_create(token=ADA_TOKEN, room_code="k7p2q")

        error = info.value
        assert error.status == 400
        assert error.message == "In domain '…' slug '…' already exists."
        assert error.retryable is False
        assert error.request_id == only_call(rsps).request.headers["X-Request-Id"]
        assert error.request_id != ""

    def test_it_branches_on_the_http_status_not_the_body_code(self, rsps, api):
        # beyond-the-seed §6 gotcha: the generic 400 example carries "code": 404.
        rsps.post(
            f"{BASE}/visits/add_walkin",
            status=400,
            json=load_fixture("error__generic_400_with_404_code"),
        )

        with pytest.raises(VSeeRejected) as info:
            api.visit_add_walkin(token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q")

        assert info.value.status == 400
        assert info.value.message == "this page is not available"

    @pytest.mark.parametrize("status", [403, 404])
    def test_it_raises_rejected_on_other_4xx(self, rsps, api, status):
        rsps.get(
            f"{BASE}/visits/9999",
            status=status,
            json={"code": status, "message": "Not yours"},
        )

        with pytest.raises(VSeeRejected) as info:
            api.visit_get(token=BEN_TOKEN, id="9999")

        assert info.value.status == status
        assert info.value.message == "Not yours"
        assert len(rsps.calls) == 1


class TestServerErrors:
    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_it_raises_unavailable_on_5xx(self, rsps, api, status):
        rsps.post(
            f"{BASE}/visits/add_walkin", status=status, body="<html>Bad gateway</html>"
        )

        with pytest.raises(VSeeUnavailable) as info:
            api.visit_add_walkin(token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q")

        assert info.value.status == status
        assert info.value.retryable is True

    def test_it_does_not_retry_a_get_on_500(self, rsps, api, sleeps):
        rsps.get(
            f"{BASE}/visits/current", status=500, json={"code": 500, "message": "Oops"}
        )

        with pytest.raises(VSeeUnavailable) as info:
            api.visit_current(token=ADA_TOKEN)

        assert info.value.message == "Oops"
        assert len(rsps.calls) == 1
        assert sleeps == []


class TestErrorInsideA200:
    def test_it_raises_on_a_200_that_carries_an_error_body(self, rsps, api):
        # beyond-the-seed §6: treat {"code", "message"} without "data" as an error, whatever the status.
        rsps.get(
            f"{BASE}/visits/7727",
            status=200,
            json=load_fixture("error__generic_400_with_404_code"),
        )

        with pytest.raises(VSeeRejected) as info:
            api.visit_get(token=ADA_TOKEN, id="7727")

        assert info.value.status == 404
        assert info.value.message == "this page is not available"

    def test_it_raises_unavailable_on_a_200_without_data_or_error_code(self, rsps, api):
        rsps.get(f"{BASE}/visits/7727", status=200, json={"code": 200, "message": "OK"})

        with pytest.raises(VSeeUnavailable):
            api.visit_get(token=ADA_TOKEN, id="7727")


class TestNonJsonBody:
    @pytest.mark.parametrize("body", ["<html>Service temporarily down</html>", ""])
    def test_it_raises_unavailable_on_a_200_it_cannot_read(self, rsps, api, body):
        rsps.get(f"{BASE}/visits/7727", status=200, body=body, content_type="text/html")

        with pytest.raises(VSeeUnavailable):
            api.visit_get(token=ADA_TOKEN, id="7727")

    def test_it_raises_unavailable_on_a_json_list_envelope(self, rsps, api):
        rsps.get(f"{BASE}/visits/7727", status=200, json=[{"id": "7727"}])

        with pytest.raises(VSeeUnavailable):
            api.visit_get(token=ADA_TOKEN, id="7727")


class TestInvalidPayload:
    def test_it_raises_vsee_error_for_a_visit_without_an_id(self, rsps, api):
        payload = load_fixture("visits_current__ok")
        del payload["data"]["id"]
        del payload["data"]["_id"]
        rsps.get(f"{BASE}/visits/1504", json=payload)

        with pytest.raises(VSeeError) as info:
            api.visit_get(token=ADA_TOKEN, id="1504")

        assert type(info.value) is VSeeError
        assert not isinstance(info.value, ValidationError)
        assert "Visit" in info.value.message

    def test_it_raises_vsee_error_for_sso_without_a_token(self, rsps, api):
        payload = load_fixture("users_sso__ok")
        del payload["data"]["token"]
        rsps.post(f"{BASE}/users/sso", json=payload)

        with pytest.raises(VSeeError) as info:
            api.user_sso(first_name="Ada", last_name="Lovelace", code="ada-1815")

        assert type(info.value) is VSeeError

    def test_a_list_item_without_an_id_is_skipped_and_counted(self, rsps, api, caplog):
        rsps.get(
            f"{BASE}/visits",
            json={"data": [{"id": "7727"}, {"status": "20", "reason": "PHI-X"}]},
        )

        visits = api.visit_list(token=ADA_TOKEN)

        assert [v.id for v in visits] == ["7727"] and visits.skipped == 1
        assert "vsee visit skipped: unreadable (visit ?)" in caplog.text
        assert "PHI-X" not in caplog.text

    def test_it_tags_a_validation_error_with_the_request_id(self, rsps, api):
        rsps.get(f"{BASE}/visits/1504", json={"data": {"status": "40"}})

        with pytest.raises(VSeeError) as info:
            api.visit_get(token=ADA_TOKEN, id="1504")

        assert info.value.request_id == only_call(rsps).request.headers["X-Request-Id"]


class TestConnectionError:
    def test_it_raises_unavailable_when_vsee_cannot_be_reached(self, rsps, api):
        rsps.post(
            f"{BASE}/intakes", body=requests.ConnectionError("connection refused")
        )

        with pytest.raises(VSeeUnavailable) as info:
            api.intake_create(token=ADA_TOKEN, room_code="k7p2q")

        assert info.value.status is None
        assert info.value.request_id != ""


class TestReadTimeout:
    def test_it_raises_unavailable_when_vsee_does_not_answer_in_time(
        self, rsps, api, sleeps
    ):
        rsps.get(f"{BASE}/visits/7727", body=requests.ReadTimeout("read timed out"))

        with pytest.raises(VSeeUnavailable) as info:
            api.visit_get(token=ADA_TOKEN, id="7727")

        assert "in time" in info.value.message
        # A read timeout is not a connection error: VSee may have acted, so no retry.
        assert len(rsps.calls) == 1


# --- retries -----------------------------------------------------------------------------------


class TestRetries:
    def test_it_retries_a_get_on_a_connection_error_then_succeeds(
        self, rsps, api, sleeps
    ):
        url = f"{BASE}/visits/7727"
        rsps.get(url, body=requests.ConnectionError("reset"))
        rsps.get(url, json={"data": {"id": "7727"}})

        visit = api.visit_get(token=ADA_TOKEN, id="7727")

        assert visit.id == "7727"
        assert len(rsps.calls) == 2
        assert sleeps == [0.5]

    @pytest.mark.parametrize("status", [502, 503, 504])
    def test_it_retries_a_get_on_a_gateway_error(self, rsps, api, sleeps, status):
        url = f"{BASE}/visits/7727"
        rsps.get(url, status=status)
        rsps.get(url, status=status)
        rsps.get(url, json={"data": {"id": "7727"}})

        visit = api.visit_get(token=ADA_TOKEN, id="7727")

        assert visit.id == "7727"
        assert len(rsps.calls) == 3
        assert sleeps == [0.5, 1.0]  # starting at 0.5 s, doubling

    def test_it_gives_up_after_three_attempts(self, rsps, api, sleeps):
        rsps.get(
            f"{BASE}/visits", status=503, json={"code": 503, "message": "Maintenance"}
        )

        with pytest.raises(VSeeUnavailable) as info:
            api.visit_list(token=ADA_TOKEN)

        assert info.value.status == 503
        assert info.value.message == "Maintenance"
        assert len(rsps.calls) == 3
        assert sleeps == [0.5, 1.0]

    def test_it_gives_up_on_connection_errors_after_three_attempts(
        self, rsps, api, sleeps
    ):
        rsps.get(f"{BASE}/visits", body=requests.ConnectionError("refused"))

        with pytest.raises(VSeeUnavailable):
            api.visit_list(token=ADA_TOKEN)

        assert len(rsps.calls) == 3
        assert sleeps == [0.5, 1.0]

    def test_it_sends_the_same_request_id_on_every_attempt(self, rsps, api, sleeps):
        url = f"{BASE}/visits/7727"
        rsps.get(url, status=503)
        rsps.get(url, json={"data": {"id": "7727"}})

        api.visit_get(token=ADA_TOKEN, id="7727")

        first, second = (call.request.headers["X-Request-Id"] for call in rsps.calls)
        assert first == second

    def test_it_spreads_the_backoff_with_jitter(self, rsps, api, sleeps, monkeypatch):
        monkeypatch.setattr(
            "portal.vsee.client.transport._jitter", lambda delay: delay * 1.25
        )
        rsps.get(f"{BASE}/visits", status=502)

        with pytest.raises(VSeeUnavailable):
            api.visit_list(token=ADA_TOKEN)

        assert sleeps == [0.625, 1.25]

    def test_it_caps_the_backoff(self, rsps, api, sleeps, monkeypatch):
        monkeypatch.setattr("portal.vsee.client.transport.MAX_ATTEMPTS", 6)
        rsps.get(f"{BASE}/visits", status=504)

        with pytest.raises(VSeeUnavailable):
            api.visit_list(token=ADA_TOKEN)

        assert len(rsps.calls) == 6
        assert sleeps == [0.5, 1.0, 2.0, 4.0, 4.0]

    def test_it_honours_retry_after_on_429_for_a_get(self, rsps, api, sleeps):
        url = f"{BASE}/visits"
        rsps.get(url, status=429, headers={"Retry-After": "2"})
        rsps.get(url, json=load_fixture("visits_list__ok"))

        [visit] = api.visit_list(token=ADA_TOKEN)

        assert visit.id == "7727"
        assert sleeps == [2.0]

    def test_it_raises_unavailable_after_three_429s(self, rsps, api, sleeps):
        rsps.get(f"{BASE}/visits", status=429, headers={"Retry-After": "1"})

        with pytest.raises(VSeeUnavailable) as info:
            api.visit_list(token=ADA_TOKEN)

        assert info.value.status == 429
        assert sleeps == [1.0, 1.0]

    def test_it_never_retries_a_post_on_503(self, rsps, api, sleeps):
        # A retried add_walkin could create a second visit (STYLE 6).
        rsps.post(f"{BASE}/visits/add_walkin", status=503)

        with pytest.raises(VSeeUnavailable):
            api.visit_add_walkin(token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q")

        assert len(rsps.calls) == 1
        assert sleeps == []

    def test_it_never_retries_a_post_on_a_connection_error(self, rsps, api, sleeps):
        rsps.post(f"{BASE}/visits", body=requests.ConnectionError("reset by peer"))

        with pytest.raises(VSeeUnavailable):
            api.visit_create(
                token=ADA_TOKEN, room_code="r", intake_id="i", slot_start=1, slot_end=2
            )

        assert len(rsps.calls) == 1
        assert sleeps == []

    def test_it_never_retries_a_post_on_429(self, rsps, api, sleeps):
        rsps.post(f"{BASE}/intakes", status=429, headers={"Retry-After": "1"})

        with pytest.raises(VSeeUnavailable) as info:
            api.intake_create(token=ADA_TOKEN, room_code="k7p2q")

        assert info.value.status == 429
        assert len(rsps.calls) == 1
        assert sleeps == []

    def test_it_does_not_retry_a_get_on_400(self, rsps, api, sleeps):
        rsps.get(f"{BASE}/visits", status=400, json=load_fixture("error__400"))

        with pytest.raises(VSeeRejected):
            api.visit_list(token=ADA_TOKEN)

        assert len(rsps.calls) == 1
        assert sleeps == []


# --- the overall deadline ----------------------------------------------------------------------


class FakeClock:
    """A monotonic clock that moves only when bytes arrive or the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class SlowBody(io.RawIOBase):
    """A response body that arrives 1,000 bytes at a time, each piece taking 0.1 s."""

    def __init__(self, data: bytes, clock: FakeClock) -> None:
        self.data = data
        self.pos = 0
        self.clock = clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        piece = self.data[self.pos : self.pos + min(len(buffer), 1000)]
        buffer[: len(piece)] = piece
        self.pos += len(piece)
        if piece:
            self.clock.now += 0.1
        return len(piece)


def padded_summary(size: int) -> bytes:
    """Return a valid summary-export body about `size` bytes long."""
    url = load_fixture("visits_summary_export__ok")["data"]["url"]
    return json.dumps({"data": {"url": url}, "pad": "x" * size}).encode()


class TestDeadline:
    URL = f"{BASE}/visits/1000000/exports/visit_summary"

    @pytest.fixture
    def clock(self, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
        clock = FakeClock()
        monkeypatch.setattr(
            "portal.vsee.client.transport.time",
            SimpleNamespace(monotonic=clock.monotonic),
        )
        monkeypatch.setattr("portal.vsee.client.transport._sleep", clock.sleep)
        monkeypatch.setattr("portal.vsee.client.transport._jitter", lambda delay: delay)
        return clock

    def test_it_gives_up_on_a_body_still_streaming_at_the_deadline(self, rsps, clock):
        # 50 kB at 10 kB/s: about 5 s of body against a 1 s deadline.
        rsps.get(
            self.URL, body=io.BufferedReader(SlowBody(padded_summary(50_000), clock))
        )

        with pytest.raises(VSeeUnavailable) as info:
            make_client(deadline=1.0).visit_summary_export(
                token=ADA_TOKEN, id="1000000"
            )

        assert "in time" in info.value.message
        assert clock.now < 5.0  # it stopped reading; it did not wait for the whole body

    def test_it_reads_a_body_that_arrives_within_the_deadline(self, rsps, clock):
        rsps.get(
            self.URL, body=io.BufferedReader(SlowBody(padded_summary(2_000), clock))
        )

        url = make_client(deadline=1.0).visit_summary_export(
            token=ADA_TOKEN, id="1000000"
        )

        assert url.startswith("https://clinic.vsee.me/")
        assert 0.2 < clock.now < 1.0  # the body did take time on the fake clock

    def test_it_refuses_a_body_larger_than_the_limit(self, rsps, api, monkeypatch):
        monkeypatch.setattr("portal.vsee.client.transport.MAX_BODY_BYTES", 10_000)
        rsps.get(self.URL, body=padded_summary(40_000))

        with pytest.raises(VSeeUnavailable):
            api.visit_summary_export(token=ADA_TOKEN, id="1000000")

    def test_it_counts_the_deadline_across_retries(self, rsps, clock):
        # 0.5 s of back-off, then 1.0 s more would pass the 1 s deadline: no third try.
        rsps.get(self.URL, status=503, json={"code": 503, "message": "Busy"})
        rsps.get(self.URL, status=503, json={"code": 503, "message": "Busy"})

        with pytest.raises(VSeeUnavailable) as info:
            make_client(deadline=1.0).visit_summary_export(
                token=ADA_TOKEN, id="1000000"
            )

        assert info.value.status == 503
        assert len(rsps.calls) == 2
        assert clock.now == 0.5  # one back-off slept, the second skipped

    def test_it_retries_while_the_deadline_allows(self, rsps, clock):
        rsps.get(self.URL, status=503)
        rsps.get(self.URL, status=503)
        rsps.get(self.URL, json=load_fixture("visits_summary_export__ok"))

        url = make_client(deadline=2.0).visit_summary_export(
            token=ADA_TOKEN, id="1000000"
        )

        assert url.startswith("https://clinic.vsee.me/")
        assert clock.now == 1.5

    def test_it_bounds_a_body_that_drips_in_slowly(self):
        # A real socket, as `responses` cannot drip: the body would take ~1.8 s to arrive,
        # each byte well within the 1 s read timeout; the deadline is 0.3 s.
        body = json.dumps(load_fixture("visits_summary_export__ok")).encode()
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]

        def drip() -> None:
            conn, _ = server.accept()
            with conn:
                conn.recv(65536)
                head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                conn.sendall(head.encode())
                for byte in body:
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        return  # the client hung up: what a fixed deadline does
                    time.sleep(1.8 / len(body))

        thread = threading.Thread(target=drip, daemon=True)
        thread.start()
        client = VSeeClient(
            base_url=f"http://127.0.0.1:{port}/api_v3",
            account_code="acme",
            api_key=API_KEY,
            api_secret=API_SECRET,
            read_timeout=1.0,
            deadline=0.3,
            session=requests.Session(),
        )
        started = time.monotonic()
        try:
            with pytest.raises(VSeeUnavailable):
                client.visit_summary_export(token=ADA_TOKEN, id="1000000")
            elapsed = time.monotonic() - started
        finally:
            thread.join(timeout=3)
            server.close()

        assert elapsed < 1.0


# --- secrets and PHI stay out of reprs, errors and logs ---------------------------------------


SECRETS = (API_KEY, API_SECRET, ADA_TOKEN)
MARKER = "MARKER-REASON"


class TestSecretsStayOut:
    def test_it_keeps_credentials_out_of_the_client_repr(self, api):
        text = repr(api)

        assert "vsee.test" in text
        for secret in SECRETS:
            assert secret not in text

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (401, {"code": 401, "message": "Token expired"}),
            (400, {"code": 400, "message": "Bad request"}),
            (503, {"code": 503, "message": "Down"}),
            (200, {"code": 404, "message": "this page is not available"}),
            (200, {"data": {"no_id": MARKER}}),
        ],
    )
    def test_it_keeps_credentials_out_of_error_messages(self, rsps, api, status, body):
        rsps.post(f"{BASE}/visits/add_walkin", status=status, json=body)

        with pytest.raises(VSeeError) as info:
            api.visit_add_walkin(token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q")

        for text in (str(info.value), repr(info.value)):
            for secret in (*SECRETS, MARKER):
                assert secret not in text

    def test_it_keeps_credentials_out_of_a_connection_error(self, rsps, api):
        rsps.get(f"{BASE}/availability", body=requests.ConnectionError("refused"))

        with pytest.raises(VSeeUnavailable) as info:
            api.availability_get(room_code="k7p2q")

        for secret in SECRETS:
            assert secret not in str(info.value)

    def test_it_logs_no_token_key_secret_or_answers(self, rsps, api, caplog, sleeps):
        caplog.set_level(logging.DEBUG, logger="portal.vsee")
        rsps.post(f"{BASE}/intakes", json=load_fixture("intakes_create__custom"))
        rsps.get(f"{BASE}/availability", status=503)
        rsps.post(
            f"{BASE}/visits/add_walkin", status=400, json={"code": 400, "message": "No"}
        )
        rsps.get(f"{BASE}/visits/7727", json={"data": {"reason_for_visit": MARKER}})

        api.intake_create(
            token=ADA_TOKEN,
            room_code="k7p2q",
            reason_for_visit=MARKER,
            custom={"symptoms": f"{MARKER}-custom"},
        )
        with pytest.raises(VSeeUnavailable):
            api.availability_get(room_code="k7p2q")
        with pytest.raises(VSeeRejected):
            api.visit_add_walkin(token=ADA_TOKEN, intake_id="i-1", room_code="k7p2q")
        with pytest.raises(VSeeError):
            api.visit_get(token=ADA_TOKEN, id="7727")

        records = [r for r in caplog.records if r.name == "portal.vsee"]
        messages = [r.getMessage() for r in records]
        assert any("intakes.create" in m for m in messages)  # it does log each call
        assert any(r.levelno == logging.WARNING for r in records)  # and the bad payload
        for record in records:
            text = record.getMessage() + repr(record.args) + repr(record.__dict__)
            for secret in (*SECRETS, MARKER):
                assert secret not in text

    def test_it_keeps_payload_values_out_of_the_error_traceback(self, rsps, api):
        rsps.get(
            f"{BASE}/intakes/{ADA_INTAKE}", json={"data": {"reason_for_visit": MARKER}}
        )

        with pytest.raises(VSeeError) as info:
            api.intake_get(token=ADA_TOKEN, id=ADA_INTAKE)

        assert MARKER not in "".join(traceback.format_exception(info.value))


class TestRoomProviders:
    # Payload: beyond-the-seed.md §4 GET /rooms/:code/providers.

    def test_it_reads_the_providers_with_the_account_code_only(self, rsps, api):
        rsps.get(
            f"{BASE}/rooms/k7p2q/providers", json=load_fixture("rooms_providers__ok")
        )

        providers = api.room_providers(code="k7p2q")

        call = only_call(rsps)
        assert path_of(call) == "/api_v3/rooms/k7p2q/providers"
        headers = call.request.headers
        assert headers["X-AccountCode"] == "acme"
        for private in ("X-ApiToken", "X-ApiKey", "X-ApiSecret"):
            assert private not in headers
        [lee] = providers
        assert isinstance(lee, Person)
        assert lee.id == "50123"
        assert (lee.first_name, lee.last_name) == ("Mina", "Lee")
        assert lee.display_name == "Mina Lee"  # "" title and suffix add nothing
        # The `false` placeholders are kept as sent, not refused.
        assert lee.model_extra["status"] is False
        assert lee.model_extra["short_bio"] is False
        assert lee.model_extra["username"] == "dr-lee"

    def test_it_takes_numeric_ids_and_titles(self, rsps, api):
        rsps.get(
            f"{BASE}/rooms/k7p2q/providers",
            json={
                "data": [
                    {
                        "id": 50124,
                        "first_name": "Sam",
                        "last_name": "Ortiz",
                        "title": "Dr.",
                        "suffix": "MD",
                        "status": False,
                        "short_bio": False,
                    }
                ]
            },
        )

        [ortiz] = api.room_providers(code="k7p2q")

        assert ortiz.id == "50124"
        assert ortiz.display_name == "Dr. Sam Ortiz MD"

    @pytest.mark.parametrize("empty", [[], "", None])
    def test_it_reads_no_providers_as_an_empty_list(self, rsps, api, empty):
        rsps.get(f"{BASE}/rooms/k7p2q/providers", json={"data": empty})

        assert api.room_providers(code="k7p2q") == []

    def test_it_quotes_the_room_code_into_one_path_segment(self, rsps, api):
        rsps.get(f"{BASE}/rooms/a%2Fb/providers", json={"data": []})

        api.room_providers(code="a/b")

        assert path_of(only_call(rsps)) == "/api_v3/rooms/a%2Fb/providers"

    def test_it_says_not_found_for_an_unknown_room(self, rsps, api):
        rsps.get(
            f"{BASE}/rooms/nope/providers",
            status=404,
            json={"code": 404, "message": "Room not found"},
        )

        with pytest.raises(VSeeRejected) as info:
            api.room_providers(code="nope")

        assert info.value.status == 404

    def test_it_raises_vsee_error_for_an_unreadable_payload(self, rsps, api):
        rsps.get(f"{BASE}/rooms/k7p2q/providers", json={"data": {"id": "50123"}})

        with pytest.raises(VSeeError):
            api.room_providers(code="k7p2q")
