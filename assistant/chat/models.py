"""Chat conversations, kept in the operational database with their owner so that any app worker can
continue any conversation (a message posted to one worker, its answer streamed by another)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.core.db import Base, utcnow
from assistant.security.crypto import EncryptedString


class ChatConversation(Base):
    __tablename__ = "chat_conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    # The conversation (turns, answers, decisions) as JSON; it holds pasted notes, hence encrypted.
    body: Mapped[str] = mapped_column(EncryptedString(context="chat_conversations.body"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
