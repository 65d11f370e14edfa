"""portal/vsee/service.py: the patient's token in the session, the caches, and the client factory."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured

from portal.vsee import service
from portal.vsee.client import VSeeClient
from portal.vsee.errors import VSeeAuthExpired, VSeeRejected
from portal.vsee.schemas import SsoUser
from portal.vsee.service import (
    TOKEN_MARGIN_SECONDS,
    PatientVSee,
    current_patient,
    forget_patient,
    forget_room,
    get_client,
    get_room,
    patient_token,
    remember_patient,
)
from tests.fixtures import load_fixture
from tests.vsee.conftest import ADA_TOKEN, BASE, BEN_TOKEN, make_client

ADA_INTAKE = "57b4c678-de20-4c1a-a52b-43e9ac1f0144"
INTAKE_URL = f"{BASE}/intakes/{ADA_INTAKE}"


def sso_user(token: str, member_id: str, *, expires_in: int | None = 3600) -> SsoUser:
    """Return the SSO sample (beyond-the-seed §2) as a given patient, expiring from now."""
    data = load_fixture("users_sso__ok")["data"]
    data["id"] = member_id
    data["token"]["token"] = token
    data["token"]["expiry"] = (
        None if expires_in is None else int(time.time()) + expires_in
    )
    return SsoUser.model_validate(data)


def reload(session: SessionStore) -> SessionStore:
    """Save the session and read it back, as the next request would."""
    session.save()
    return SessionStore(session_key=session.session_key)


@pytest.fixture
def ada_session() -> SessionStore:
    session = SessionStore()
    remember_patient(session, sso_user(ADA_TOKEN, "48213377"), type=200)
    return session


@pytest.fixture
def ben_session() -> SessionStore:
    session = SessionStore()
    remember_patient(session, sso_user(BEN_TOKEN, "48213399"), type=200)
    return session


@pytest.fixture
def api() -> VSeeClient:
    return make_client()


@pytest.mark.django_db
class TestRememberPatient:
    def test_it_keeps_ada_token_and_member_id_across_requests(self):
        session = SessionStore()

        identity = remember_patient(
            session, sso_user(ADA_TOKEN, "48213377", expires_in=600), type=200
        )

        assert identity.token == ADA_TOKEN
        assert identity.member_id == "48213377"
        assert identity.is_guest is False
        assert current_patient(reload(session)) == identity

    def test_it_marks_a_guest(self):
        session = SessionStore()

        identity = remember_patient(
            session, sso_user("guest-tok", "48213390"), type=600
        )

        assert identity.is_guest is True
        assert current_patient(reload(session)).is_guest is True

    def test_it_drops_the_previous_patients_cached_intakes(self, rsps, api):
        # Ada reads an intake on a shared session, then Ben signs in on it.
        session = SessionStore()
        remember_patient(session, sso_user(ADA_TOKEN, "48213377"), type=200)
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        PatientVSee(session, client=api).intake_get(ADA_INTAKE)

        remember_patient(session, sso_user(BEN_TOKEN, "48213399"), type=200)
        PatientVSee(session, client=api).intake_get(ADA_INTAKE)

        assert len(rsps.calls) == 2
        assert rsps.calls[1].request.headers["X-ApiToken"] == BEN_TOKEN


class TestCurrentPatient:
    def test_it_returns_none_when_nobody_signed_in(self):
        assert current_patient(SessionStore()) is None


@pytest.mark.django_db
class TestForgetPatient:
    def test_it_signs_ada_out(self, ada_session):
        forget_patient(ada_session)

        session = reload(ada_session)
        assert current_patient(session) is None
        with pytest.raises(VSeeAuthExpired):
            patient_token(session)

    def test_it_drops_ada_cached_intakes(self, rsps, api, ada_session):
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        PatientVSee(ada_session, client=api).intake_get(ADA_INTAKE)

        forget_patient(ada_session)
        remember_patient(ada_session, sso_user(ADA_TOKEN, "48213377"), type=200)
        PatientVSee(ada_session, client=api).intake_get(ADA_INTAKE)

        assert len(rsps.calls) == 2

    def test_it_is_harmless_when_nobody_signed_in(self):
        session = SessionStore()

        forget_patient(session)

        assert current_patient(session) is None


class TestPatientToken:
    def test_it_returns_ada_token(self, ada_session):
        assert patient_token(ada_session) == ADA_TOKEN

    def test_it_raises_auth_expired_when_nobody_signed_in(self):
        with pytest.raises(VSeeAuthExpired):
            patient_token(SessionStore())

    def test_it_raises_auth_expired_once_the_token_has_expired(self):
        session = SessionStore()
        remember_patient(session, sso_user(ADA_TOKEN, "1", expires_in=-60), type=200)

        with pytest.raises(VSeeAuthExpired):
            patient_token(session)

    def test_it_raises_auth_expired_within_the_refresh_margin(self):
        # beyond-the-seed §2: refresh early, before VSee says the token expires.
        session = SessionStore()
        user = sso_user(ADA_TOKEN, "1", expires_in=TOKEN_MARGIN_SECONDS - 30)
        remember_patient(session, user, type=200)

        with pytest.raises(VSeeAuthExpired):
            patient_token(session)

    def test_it_accepts_a_token_just_outside_the_margin(self):
        session = SessionStore()
        user = sso_user(ADA_TOKEN, "1", expires_in=TOKEN_MARGIN_SECONDS + 60)
        remember_patient(session, user, type=200)

        assert patient_token(session) == ADA_TOKEN

    def test_it_accepts_a_token_without_an_expiry(self):
        session = SessionStore()
        remember_patient(session, sso_user(ADA_TOKEN, "1", expires_in=None), type=200)

        assert patient_token(session) == ADA_TOKEN

    def test_it_makes_no_call_with_a_spent_token(self, rsps, api):
        session = SessionStore()
        remember_patient(session, sso_user(ADA_TOKEN, "1", expires_in=-60), type=200)

        with pytest.raises(VSeeAuthExpired):
            PatientVSee(session, client=api).visit_get("18407167")

        assert len(rsps.calls) == 0


@pytest.mark.django_db
class TestIntakeGet:
    def test_it_answers_the_second_read_from_the_session(self, rsps, api, ada_session):
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        vsee = PatientVSee(ada_session, client=api)

        first = vsee.intake_get(ADA_INTAKE)
        second = vsee.intake_get(ADA_INTAKE)

        assert len(rsps.calls) == 1
        assert rsps.calls[0].request.headers["X-ApiToken"] == ADA_TOKEN
        assert second == first
        assert second.attachment_ids == ["57b4c65d-7ef8-461f-8951-43b1ac1f0144"]

    def test_it_answers_from_the_session_on_the_next_request(
        self, rsps, api, ada_session
    ):
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        first = PatientVSee(ada_session, client=api).intake_get(ADA_INTAKE)

        later = PatientVSee(reload(ada_session), client=api).intake_get(ADA_INTAKE)

        assert len(rsps.calls) == 1
        assert later == first
        assert later.reason_for_visit == "the reason"

    def test_it_does_not_share_ada_cached_intake_with_ben(
        self, rsps, api, ada_session, ben_session
    ):
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        PatientVSee(ada_session, client=api).intake_get(ADA_INTAKE)

        PatientVSee(ben_session, client=api).intake_get(ADA_INTAKE)

        assert len(rsps.calls) == 2
        assert rsps.calls[1].request.headers["X-ApiToken"] == BEN_TOKEN


@pytest.mark.django_db
class TestIntakeUpdate:
    def test_it_drops_the_cached_copy(self, rsps, api, ada_session):
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        rsps.post(INTAKE_URL, json={"data": {"id": ADA_INTAKE}})
        vsee = PatientVSee(ada_session, client=api)
        vsee.intake_get(ADA_INTAKE)

        vsee.intake_update(ADA_INTAKE, reason_for_visit="Itchy rash")
        vsee.intake_get(ADA_INTAKE)

        assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET"]

    def test_it_keeps_other_cached_intakes(self, rsps, api, ada_session):
        other = "6050d1a8-b120-45b4-a568-61a664457b11"
        rsps.get(INTAKE_URL, json=load_fixture("intakes_get__ok"))
        rsps.get(f"{BASE}/intakes/{other}", json={"data": {"id": other}})
        rsps.post(INTAKE_URL, json={"data": {"id": ADA_INTAKE}})
        vsee = PatientVSee(ada_session, client=api)
        vsee.intake_get(ADA_INTAKE)
        vsee.intake_get(other)

        vsee.intake_update(ADA_INTAKE, location="CA")
        vsee.intake_get(other)

        assert [c.request.method for c in rsps.calls] == ["GET", "GET", "POST"]


class TestGetRoom:
    ROOM_URL = f"{BASE}/rooms/k7p2q"

    def test_it_caches_the_room(self, rsps, api):
        rsps.get(self.ROOM_URL, json=load_fixture("rooms_get__ok"))

        first = get_room("k7p2q", client=api)
        second = get_room("k7p2q", client=api)

        assert len(rsps.calls) == 1
        assert second == first
        assert second.walkin_enabled is True
        assert [c.id for c in second.consultations] == [
            "3d2c1b0a-1111-4222-8333-944455556666"
        ]

    def test_forget_room_makes_the_next_read_ask_vsee(self, rsps, api):
        rsps.get(self.ROOM_URL, json=load_fixture("rooms_get__ok"))
        get_room("k7p2q", client=api)

        forget_room("k7p2q")
        get_room("k7p2q", client=api)

        assert len(rsps.calls) == 2

    def test_it_caches_each_room_separately(self, rsps, api):
        other = load_fixture("rooms_get__ok")
        other["data"]["code"] = "x9z"
        rsps.get(self.ROOM_URL, json=load_fixture("rooms_get__ok"))
        rsps.get(f"{BASE}/rooms/x9z", json=other)

        assert get_room("k7p2q", client=api).code == "k7p2q"
        assert get_room("x9z", client=api).code == "x9z"
        assert len(rsps.calls) == 2

    def test_it_builds_its_client_from_settings(self, rsps, settings):
        settings.VSEE_API_BASE_URL = BASE
        settings.VSEE_ACCOUNT_CODE = "acme"
        rsps.get(self.ROOM_URL, json=load_fixture("rooms_get__ok"))

        room = get_room("k7p2q")

        assert room.code == "k7p2q"
        assert rsps.calls[0].request.headers["X-AccountCode"] == "acme"


class TestGetClient:
    @pytest.mark.parametrize(
        "name",
        ["VSEE_API_BASE_URL", "VSEE_ACCOUNT_CODE", "VSEE_API_KEY", "VSEE_API_SECRET"],
    )
    def test_it_names_the_missing_variable(self, settings, name):
        setattr(settings, name, "")

        with pytest.raises(ImproperlyConfigured, match=name):
            get_client()

    def test_it_refuses_to_serve_a_patient_without_credentials(self, settings):
        settings.VSEE_API_SECRET = ""

        with pytest.raises(ImproperlyConfigured, match="VSEE_API_SECRET"):
            PatientVSee(SessionStore())

    def test_it_builds_the_client_from_settings(self, settings):
        settings.VSEE_API_BASE_URL = f"{BASE}/"
        settings.VSEE_ACCOUNT_CODE = "acme"
        settings.VSEE_API_KEY = "key-from-env"
        settings.VSEE_API_SECRET = "secret-from-env"
        settings.VSEE_CONNECT_TIMEOUT = 2.0
        settings.VSEE_READ_TIMEOUT = 7.0
        settings.VSEE_DEADLINE = 9.0

        client = get_client()

        assert client.base_url == BASE
        assert client.account_code == "acme"
        assert client.timeout == (2.0, 7.0)
        assert client.deadline == 9.0
        assert "key-from-env" not in repr(client)
        assert "secret-from-env" not in repr(client)

    def test_missing_credentials_lists_every_unset_name(self, settings):
        settings.VSEE_API_KEY = ""
        settings.VSEE_API_SECRET = ""

        assert service.missing_credentials() == ["VSEE_API_KEY", "VSEE_API_SECRET"]


class TestJoinUrl:
    def test_it_signs_ada_in_and_opens_the_visit(self, settings, api, ada_session):
        settings.VSEE_CLINIC_URL = "https://clinicx.vsee.me/"

        url = PatientVSee(ada_session, client=api).join_url("18407167")

        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https",
            "clinicx.vsee.me",
            "/auth",
        )
        assert parse_qs(parts.query) == {
            "sso_token": [ADA_TOKEN],
            "next": ["/visits/start/18407167"],
        }

    def test_it_keeps_the_staging_path_of_the_clinic_url(
        self, settings, api, ada_session
    ):
        # beyond-the-seed §0: the staging portal lives under /vc/stable/.
        settings.VSEE_CLINIC_URL = "https://clinicx.vseepreview.com/vc/stable"

        url = PatientVSee(ada_session, client=api).join_url("7727")

        assert url.startswith("https://clinicx.vseepreview.com/vc/stable/auth?")

    def test_it_refuses_to_put_a_spent_token_in_the_link(self, settings, api):
        settings.VSEE_CLINIC_URL = "https://clinicx.vsee.me/"
        session = SessionStore()
        remember_patient(session, sso_user(ADA_TOKEN, "1", expires_in=60), type=200)

        with pytest.raises(VSeeAuthExpired):
            PatientVSee(session, client=api).join_url("18407167")


class TestErrorsInLogs:
    def test_an_error_s_text_leaves_vsee_s_message_out(self):
        # VSee may echo what was sent ("Invalid phone 212 555 0199"); logs get the
        # class, status and request id, and views read .message when they show it.
        exc = VSeeRejected("Invalid phone 212 555 0199", status=400, request_id="r-1")
        assert str(exc) == "VSeeRejected status=400 request_id=r-1"
        assert exc.message == "Invalid phone 212 555 0199"
