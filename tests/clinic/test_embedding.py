from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.clinic.embedding import EmbeddingSettings, HandoffSecret, normalise_origin

URL = "/admin/clinic/embeddingsettings/"


@pytest.fixture
def staff(client):
    admin = get_user_model().objects.create_superuser(
        "root", "root@example.com", "pw-for-tests-only"
    )
    client.force_login(admin)
    return admin


class TestNormaliseOrigin:
    @pytest.mark.parametrize(
        ("raw", "origin"),
        [
            ("https://www.clinic.com", "https://www.clinic.com"),
            ("  HTTPS://WWW.Clinic.com/ ", "https://www.clinic.com"),
            ("https://clinic.com:8443", "https://clinic.com:8443"),
            ("http://localhost:3000", "http://localhost:3000"),
        ],
    )
    def test_it_accepts_scheme_host_and_port(self, raw, origin):
        assert normalise_origin(raw) == origin

    @pytest.mark.parametrize(
        "raw",
        [
            "www.clinic.com",
            "ftp://clinic.com",
            "https://clinic.com/page",
            "https://clinic.com?x=1",
            "https://user:pw@clinic.com",
            "https://*.clinic.com",
            "https://clinic.com:99999",
            "javascript:alert(1)",
        ],
    )
    def test_it_refuses_anything_else(self, raw):
        with pytest.raises(ValidationError):
            normalise_origin(raw)


@pytest.mark.django_db
class TestEmbeddingSettings:
    def test_it_names_each_bad_line(self):
        settings = EmbeddingSettings(
            allowed_origins="https://ok.com\nclinic.com\nhttps://x.com/path"
        )
        with pytest.raises(ValidationError) as exc:
            settings.full_clean()
        messages = exc.value.message_dict["allowed_origins"]
        assert len(messages) == 2
        assert "'clinic.com'" in messages[0]

    def test_it_saves_normalised_origins_through_admin(self, client, staff):
        obj = EmbeddingSettings.load()
        r = client.post(
            f"{URL}{obj.pk}/change/",
            {
                "allowed_origins": "https://WWW.Clinic.com/\nhttps://www.clinic.com\n\nhttps://app.clinic.com:8443"
            },
        )
        assert r.status_code == 302
        obj.refresh_from_db()
        assert obj.origins == ["https://www.clinic.com", "https://app.clinic.com:8443"]

    def test_it_shows_the_admin_a_field_error_for_a_bad_origin(self, client, staff):
        obj = EmbeddingSettings.load()
        r = client.post(f"{URL}{obj.pk}/change/", {"allowed_origins": "clinic.com"})
        assert r.status_code == 200
        assert "must start with https://" in r.content.decode()

    def test_it_goes_straight_to_the_one_settings_row(self, client, staff):
        r = client.get(URL)
        assert r.status_code == 302
        assert client.get(r["Location"]).status_code == 200


@pytest.mark.django_db
class TestHandoffSecret:
    def test_it_shows_a_new_secret_once(self, client, staff):
        obj = EmbeddingSettings.load()
        r = client.post(URL + "rotate-secret/", follow=True)
        secret = HandoffSecret.objects.get(retired_at__isnull=True).secret
        assert secret in r.content.decode()
        again = client.get(f"{URL}{obj.pk}/change/").content.decode()
        assert secret not in again
        assert HandoffSecret.objects.get().fingerprint in again

    def test_it_asks_first_and_says_what_happens_to_the_old_one(self, client, staff):
        old = HandoffSecret.rotate()
        r = client.get(URL + "rotate-secret/")
        page = r.content.decode()
        assert r.status_code == 200 and "Generate a new hand-off secret?" in page
        assert "keeps working for 24 hours" in page
        assert HandoffSecret.objects.get().secret == old  # nothing rotated by asking

    def test_it_keeps_accepting_the_old_secret_for_the_grace_period(self, settings):
        settings.HANDOFF_SECRET_GRACE_HOURS = 24
        old = HandoffSecret.rotate()
        new = HandoffSecret.rotate()
        assert set(HandoffSecret.accepted()) == {old, new}
        HandoffSecret.objects.filter(secret=old).update(
            retired_at=timezone.now() - timedelta(hours=25)
        )
        assert HandoffSecret.accepted() == [new]

    def test_it_makes_a_different_strong_secret_each_time(self):
        first, second = HandoffSecret.rotate(), HandoffSecret.rotate()
        assert first != second and len(first) >= 43

    def test_it_cannot_be_rotated_by_someone_who_is_not_staff(self, client):
        r = client.post(URL + "rotate-secret/")
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
        assert not HandoffSecret.objects.exists()
