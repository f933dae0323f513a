"""Messages as the API shows them and as the transcript stores them (one place for both)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.models import Conversation, Message, User
from bot.schemas import Button, Link, MessageOut


def store_messages(
    session: Session,
    conversation: Conversation,
    messages: list[MessageOut],
    author: User | None = None,
) -> list[Message]:
    """Adds the messages to the transcript, in the conversation's language."""
    rows = [
        Message(
            conversation_id=conversation.id,
            sender=out.sender,
            text=out.text,
            buttons=[b.model_dump() for b in out.buttons],
            links=[link.model_dump() for link in out.links],
            language=conversation.language,
            author=author,
        )
        for out in messages
    ]
    session.add_all(rows)
    return rows


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        text=message.text,
        buttons=[Button(**b) for b in message.buttons],
        links=[Link(**link) for link in message.links],
        sender=message.sender,
        author=message.author.display_name if message.author else None,
    )
