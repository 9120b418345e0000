"""Every query of the chat domain: conversations by id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.chat.models import ChatConversation
from assistant.core.db import utcnow


def get(session: Session, conversation_id: str) -> ChatConversation | None:
    return session.get(ChatConversation, conversation_id)


def create(session: Session, conversation_id: str, owner: str, body: str) -> ChatConversation:
    row = ChatConversation(id=conversation_id, owner=owner, body=body)
    session.add(row)
    session.flush()
    return row


def update_body(session: Session, row: ChatConversation, body: str) -> None:
    row.body = body
    row.updated_at = utcnow()
    session.flush()
