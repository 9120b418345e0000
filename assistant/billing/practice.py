"""The practice as patients see it on statements, receipts and plan letters (from Settings)."""

from __future__ import annotations

from pydantic import BaseModel

from assistant.config import Settings, get_settings


class Practice(BaseModel):
    name: str
    address: str = ""
    phone: str = ""
    pay_instructions: str = ""

    def header_lines(self) -> list[str]:
        return [x for x in (self.name, self.address, f"Phone {self.phone}" if self.phone else "") if x]


def practice_from(settings: Settings | None = None) -> Practice:
    s = settings or get_settings()
    return Practice(
        name=s.practice_name,
        address=s.practice_address,
        phone=s.practice_phone,
        pay_instructions=s.practice_pay_instructions,
    )
