"""One odd visit never breaks the history or the detail page: the sandbox is made to send
each variant of tests/vsee/test_odd_visits.py, through the real path."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vsee.test_odd_visits import VARIANTS, Change


def odd_answers(monkeypatch, change: Change) -> None:
    """Make the sandbox send every visit (list and detail) with the change applied."""
    from sandbox import serializers
    from sandbox.views import visits as views

    for name in ("visit_detail", "visit_list_item"):
        original = getattr(serializers, name)

        def changed(*args, _original=original, **kwargs):
            data = _original(*args, **kwargs)
            change(data)
            return data

        monkeypatch.setattr(views, name, changed)


class TestThroughThePages:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_the_history_and_the_detail_page_show_it(
        self, ada_client, past_visit, monkeypatch, variant
    ):
        odd_answers(monkeypatch, VARIANTS[variant])
        history = ada_client.get("/visits/")
        assert history.status_code == 200
        row = past_visit.related_appointment_id  # the started appointment's one row
        assert f'href="/visits/{row}/"' in history.content.decode()
        assert "couldn&#x27;t be shown" not in history.content.decode()
        detail = ada_client.get(f"/visits/{past_visit.pk}/")
        assert detail.status_code == 200

    def test_a_visit_that_cannot_be_read_costs_its_row_and_says_so(
        self, ada_client, past_visit, monkeypatch
    ):
        appointment = str(past_visit.related_appointment_id)

        def unreadable_if_past(visit: dict[str, Any]) -> None:
            if str(visit.get("id")) in (str(past_visit.pk), appointment):
                visit.pop("id")

        odd_answers(monkeypatch, unreadable_if_past)
        r = ada_client.get("/visits/")
        page = r.content.decode().replace("&#x27;", "'")
        assert r.status_code == 200
        assert "2 visits couldn't be shown here." in page
        assert f'href="/visits/{appointment}/"' not in page


@pytest.mark.parametrize("status", [400, 404])
def test_no_visit_in_progress_said_with_an_error_still_shows_the_history(
    ada_client, settings, status
):
    settings.SANDBOX_FAULTS = [
        {"endpoint": "visits.current", "error_rate": 1.0, "status": status}
    ]
    r = ada_client.get("/visits/")
    assert r.status_code == 200
    assert "Happening now" not in r.content.decode()


def test_the_demo_visit_without_an_intake_shows_on_bens_pages(
    linked, client, mailoutbox
):
    """The sandbox sends Ben's clinic-made visit with `"intake": []`, as VSee does."""
    from sandbox.models import SandboxVisit
    from tests.conftest import BEN, sign_in_by_email

    sign_in_by_email(client, mailoutbox, BEN)
    visit = SandboxVisit.objects.get(member__email="ben@example.com", intake=None)
    history = client.get("/visits/")
    assert history.status_code == 200
    assert f'href="/visits/{visit.pk}/"' in history.content.decode()
    detail = client.get(f"/visits/{visit.pk}/")
    assert detail.status_code == 200
    assert "Dr. Priya Shah" in detail.content.decode()
