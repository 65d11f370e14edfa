"""Free times kept a few seconds: asked once per question, forgotten on any booking,
move or cancel made through the portal, and asked of VSee itself when `fresh`."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.vsee.schemas import Slot
from portal.vsee.service import PatientVSee, availability_changed, cached_slots

WEEK = {"room_code": "demo-room", "consultation_id": "1", "start": 0, "end": 604800}


@pytest.fixture
def asked():
    cache.clear()
    calls: list[int] = []

    def fetch() -> list[Slot]:
        calls.append(1)
        return [Slot(start=3600, end=4500)]

    return calls, fetch


def test_one_question_is_asked_once(asked):
    calls, fetch = asked
    assert cached_slots(WEEK, fetch) == cached_slots(WEEK, fetch)
    assert len(calls) == 1
    cached_slots({**WEEK, "start": 604800, "end": 1209600}, fetch)  # another week
    assert len(calls) == 2


def test_fresh_asks_vsee_and_keeps_its_answer(asked):
    calls, fetch = asked
    cached_slots(WEEK, fetch)
    cached_slots(WEEK, fetch, fresh=True)
    cached_slots(WEEK, fetch)
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("visit_create", {}),
        ("visit_update", {"visit_id": "1"}),
        ("visit_close", {"visit_id": "1", "reason": "cancel"}),
    ],
)
def test_a_booking_move_or_cancel_forgets_them_even_when_refused(
    asked, monkeypatch, method, args
):
    calls, fetch = asked
    cached_slots(WEEK, fetch)

    class Refusing:
        def __getattr__(self, name):
            def refuse(**kwargs):
                raise RuntimeError("refused")

            return refuse

    vsee = PatientVSee({}, Refusing())
    monkeypatch.setattr(PatientVSee, "token", "t")
    with pytest.raises(RuntimeError):
        getattr(vsee, method)(**args)
    cached_slots(WEEK, fetch)
    assert len(calls) == 2


def test_forgetting_works_with_no_generation_kept_yet(asked):
    # The first change ever (or after the cache lost the generation): a new one starts.
    calls, fetch = asked
    cached_slots(WEEK, fetch)
    availability_changed()
    cached_slots(WEEK, fetch)
    assert len(calls) == 2
