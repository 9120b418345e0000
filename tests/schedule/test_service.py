"""Schedule and encounter services on a real migrated database: booking, double booking, telehealth
coding by payer policy, check-in, suggestions on the fixture index, decisions, hand-added codes, status."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.encounters import service as encounters
from assistant.encounters.schemas import QueueFilter
from assistant.parties.telehealth import visit_coding
from assistant.schedule import service as schedule
from assistant.schedule.schemas import AppointmentIn, RescheduleIn
from tests.schedule.conftest import NOTE, Office

DAY = datetime(2026, 12, 1, 9, 0)


def book(s: Session, patient: int, provider: int, at: datetime = DAY, **kw: object) -> int:
    return schedule.book(
        s, AppointmentIn(patient_id=patient, provider_id=provider, starts_at=at, **kw), actor="desk"
    ).id


@pytest.mark.parametrize(
    ("visit", "policy", "home", "expected"),
    [
        ("office", "pos_and_95", False, ("11", None)),
        ("telehealth_video", "pos_and_95", True, ("10", "95")),
        ("telehealth_video", "pos_and_95", False, ("02", "95")),
        ("telehealth_audio", "pos_and_95", True, ("10", "93")),
        ("telehealth_video", "pos_only", True, ("10", None)),
        ("telehealth_video", "modifier_only", True, ("11", "95")),
        ("telehealth_audio", "modifier_only", False, ("11", "93")),
        ("telehealth_video", None, True, ("10", "95")),
    ],
)
def test_visit_coding_follows_the_payer_policy(visit: str, policy: str, home: bool, expected: tuple) -> None:
    assert tuple(visit_coding(visit, policy, patient_at_home=home)) == expected


def test_audio_only_is_refused_where_the_payer_has_no_modifier_for_it() -> None:
    with pytest.raises(InvalidInput) as exc:
        visit_coding("telehealth_audio", "pos_only", patient_at_home=True)
    assert exc.value.field == "visit_type"


def test_double_booking_warns_and_views_group_by_day(sessions: sessionmaker[Session], office: Office) -> None:
    with transaction(sessions) as s:
        first = schedule.book(
            s,
            AppointmentIn(
                patient_id=office.jane, provider_id=office.dr_smith, starts_at=DAY, duration_minutes=30
            ),
            actor="desk",
        )
        assert first.warnings == [] and first.place_of_service == "11"
        second = schedule.book(
            s,
            AppointmentIn(
                patient_id=office.medi, provider_id=office.dr_smith, starts_at=DAY.replace(minute=15)
            ),
            actor="desk",
        )
        assert len(second.warnings) == 1 and f"appointment {first.id}" in second.warnings[0]
        other_provider = book(s, office.self_pay, office.dr_jones, DAY.replace(minute=15))
        after = book(s, office.self_pay, office.dr_smith, DAY.replace(minute=30))
        moved = schedule.reschedule(
            s, second.id, RescheduleIn(starts_at=datetime(2026, 12, 3, 14, 0)), actor="d"
        )
        assert moved.warnings == []
        day = schedule.view(s, date(2026, 12, 1), provider_id=office.dr_smith)
        assert [a.id for a in day.days[0].appointments] == [first.id, after]
        week = schedule.view(s, date(2026, 12, 2), week=True, provider_id=office.dr_smith)
        assert week.start == date(2026, 11, 30) and week.end == date(2026, 12, 6)
        assert [d.day.isoformat() for d in week.days if d.appointments] == ["2026-12-01", "2026-12-03"]
        everyone = schedule.view(s, date(2026, 12, 1))
        assert other_provider in [a.id for a in everyone.days[0].appointments]


def test_cancel_no_show_and_check_in_moves(sessions: sessionmaker[Session], office: Office) -> None:
    with transaction(sessions) as s:
        a = book(s, office.jane, office.dr_smith)
        b = book(s, office.jane, office.dr_smith, DAY.replace(hour=10))
        assert schedule.cancel(s, a, actor="desk").status == "cancelled"
        assert schedule.no_show(s, b, actor="desk").status == "no_show"
        with pytest.raises(Conflict):
            schedule.check_in(s, a, actor="desk")
        with pytest.raises(Conflict):
            schedule.reschedule(s, b, RescheduleIn(starts_at=DAY), actor="desk")
        with pytest.raises(NotFound):
            schedule.cancel(s, 999, actor="desk")


def test_check_in_opens_one_encounter_with_the_payer_coding(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with transaction(sessions) as s:
        video = book(s, office.medi, office.dr_smith, visit_type="telehealth_video", patient_at_home=True)
        first = schedule.check_in(s, video, actor="desk")
        again = schedule.check_in(s, video, actor="desk")
        assert first.created and not again.created and again.encounter_id == first.encounter_id
        enc = encounters.get_encounter(s, first.encounter_id)
        assert (enc.place_of_service, enc.telehealth_modifier, enc.visit_type) == (
            "11",
            "95",
            "telehealth_video",
        )
        assert (enc.date_of_service, enc.rendering_provider_id, enc.status) == (
            DAY.date(),
            office.dr_smith,
            "open",
        )
        audio = book(s, office.jane, office.dr_jones, visit_type="telehealth_audio", patient_at_home=True)
        enc2 = encounters.get_encounter(s, schedule.check_in(s, audio, actor="desk").encounter_id)
        assert (enc2.place_of_service, enc2.telehealth_modifier) == ("10", "93")
        with pytest.raises(InvalidInput):
            book(s, office.pos_only, office.dr_smith, visit_type="telehealth_audio")


def test_suggest_accept_reject_hand_add_and_ready(
    sessions: sessionmaker[Session], office: Office, engine: object, reference: object
) -> None:
    with transaction(sessions) as s:
        enc_id = schedule.check_in(s, book(s, office.jane, office.dr_smith), actor="desk").encounter_id
        with pytest.raises(InvalidInput) as no_note:
            encounters.run_suggestions(s, enc_id, engine, actor="coder")  # type: ignore[arg-type]
        assert no_note.value.field == "note"
        encounters.set_note(s, enc_id, NOTE, actor="coder")
        out = encounters.run_suggestions(s, enc_id, engine, actor="coder")  # type: ignore[arg-type]
        codes = [x.code for x in out.suggestions]
        assert "E11.65" in codes and "I10" in codes
        with pytest.raises(InvalidInput):
            encounters.ready_to_bill(s, enc_id, actor="coder")
        encounters.decide(s, enc_id, "I10", "accepted", actor="coder")
        out = encounters.decide(s, enc_id, "E11.65", "accepted", actor="coder")
        assert [d.code for d in out.diagnoses_detail] == ["I10", "E11.65"]
        assert [d.pointer for d in out.diagnoses_detail] == ["A", "B"] and out.status == "coded"
        out = encounters.decide(s, enc_id, "I10", "rejected", actor="coder")
        assert out.diagnoses == ["E11.65"]
        out = encounters.add_code(s, enc_id, "Z7984", reference, actor="coder")
        assert out.diagnoses == ["E11.65", "Z79.84"]
        assert out.suggestions[-1].source == "hand" and out.diagnoses_detail[1].title
        with pytest.raises(InvalidInput):
            encounters.add_code(s, enc_id, "E11", reference, actor="coder")  # a header
        with pytest.raises(NotFound):
            encounters.add_code(s, enc_id, "E11.99", reference, actor="coder")
        rerun = encounters.run_suggestions(s, enc_id, engine, actor="coder")  # type: ignore[arg-type]
        assert rerun.diagnoses == ["E11.65", "Z79.84"]  # decisions survive a new run
        assert next(x for x in rerun.suggestions if x.code == "I10").decision == "rejected"
        ready = encounters.ready_to_bill(s, enc_id, actor="coder")
        assert ready.status == "ready_to_bill"
        queue = encounters.queue(s, QueueFilter(statuses=["ready_to_bill"], provider_id=office.dr_smith))
        assert [e.id for e in queue] == [enc_id] and queue[0].patient_name == "Roe, Jane"
        assert encounters.queue(s, QueueFilter(statuses=["ready_to_bill"], provider_id=office.dr_jones)) == []
        assert encounters.mark_billed(s, enc_id, actor="biller").status == "billed"
        with pytest.raises(Conflict):
            encounters.decide(s, enc_id, "I10", "accepted", actor="coder")


def test_the_engine_gets_the_patients_sex_and_age(sessions: sessionmaker[Session], office: Office) -> None:
    with transaction(sessions) as s:
        enc_id = schedule.check_in(s, book(s, office.jane, office.dr_smith), actor="desk").encounter_id
        row = encounters.repo.get(s, enc_id)
        assert row is not None
        req = encounters.suggest_request(s, row, NOTE)
        assert req.patient is not None
        assert (req.patient.sex, req.patient.age_years, req.date_of_service) == ("F", 58, DAY.date())


def test_thirteen_diagnoses_are_refused(
    sessions: sessionmaker[Session], office: Office, reference: object
) -> None:
    codes = [
        "E11.65",
        "I10",
        "Z79.84",
        "E78.5",
        "J45.909",
        "K21.9",
        "M54.50",
        "F41.1",
        "G47.00",
        "N39.0",
        "R51.9",
        "E66.9",
        "L40.0",
    ]
    with transaction(sessions) as s:
        enc_id = schedule.check_in(s, book(s, office.jane, office.dr_smith), actor="desk").encounter_id
        for code in codes[:12]:
            encounters.add_code(s, enc_id, code, reference, actor="coder")
        with pytest.raises(InvalidInput) as exc:
            encounters.add_code(s, enc_id, codes[12], reference, actor="coder")
        assert exc.value.field == "code"


def test_the_coder_reorders_diagnoses(
    sessions: sessionmaker[Session], office: Office, reference: object
) -> None:
    with transaction(sessions) as s:
        enc_id = schedule.check_in(s, book(s, office.jane, office.dr_smith), actor="desk").encounter_id
        for code in ("E11.65", "I10", "Z79.84"):
            encounters.add_code(s, enc_id, code, reference, actor="coder")
        encounters.ready_to_bill(s, enc_id, actor="coder")
        out = encounters.move_up(s, enc_id, "I10", actor="coder")
        assert out.diagnoses == ["I10", "E11.65", "Z79.84"] and out.status == "coded"
        assert encounters.move_up(s, enc_id, "I10", actor="coder").diagnoses == ["I10", "E11.65", "Z79.84"]
        out = encounters.order_diagnoses(s, enc_id, ["z79.84", "E11.65", "I10"], actor="coder")
        assert [d.pointer + d.code for d in out.diagnoses_detail] == ["AZ79.84", "BE11.65", "CI10"]
        with pytest.raises(InvalidInput) as exc:
            encounters.order_diagnoses(s, enc_id, ["I10", "E11.65"], actor="coder")
        assert exc.value.field == "codes"
