"""What the schedule service takes and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

AppointmentStatus = Literal["booked", "checked_in", "cancelled", "no_show"]


class AppointmentIn(BaseModel):
    patient_id: int
    provider_id: int
    starts_at: datetime
    duration_minutes: int = Field(15, ge=5, le=480)
    visit_type: str = "office"
    patient_at_home: bool = False
    reason: str | None = Field(None, max_length=200)


class RescheduleIn(BaseModel):
    starts_at: datetime
    provider_id: int | None = None  # None: the same provider
    duration_minutes: int | None = Field(None, ge=5, le=480)


class AppointmentOut(BaseModel):
    id: int
    patient_id: int
    patient_name: str
    provider_id: int
    provider_name: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    visit_type: str
    patient_at_home: bool
    place_of_service: str | None  # what check-in will use (from the payer's telehealth policy)
    modifier: str | None
    reason: str | None
    status: str
    encounter_id: int | None
    warnings: list[str] = Field(default_factory=list)  # double booking, coding problems


class ScheduleDay(BaseModel):
    day: date
    appointments: list[AppointmentOut] = Field(default_factory=list)


class ScheduleView(BaseModel):
    view: Literal["day", "week"]
    start: date
    end: date  # inclusive
    provider_id: int | None
    provider_name: str | None
    days: list[ScheduleDay]


class CheckInOut(BaseModel):
    appointment: AppointmentOut
    encounter_id: int
    created: bool  # False: the appointment was already checked in (same encounter returned)


class PickItem(BaseModel):
    """A patient or provider for the booking form's pickers."""

    id: int
    label: str
