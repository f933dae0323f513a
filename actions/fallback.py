"""What the assistant does with a message it did not understand."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import Action, Tracker
from rasa_sdk.types import DomainDict

from actions.app_client import AppClient

log = logging.getLogger(__name__)
REPEATED_MISSES = 2


class ActionUnanswered(Action):
    """Records the miss with the app; from the second miss in a row, points to a person."""

    def __init__(self, app: AppClient | None = None) -> None:
        self.app = app or AppClient.from_environment()

    def name(self) -> str:
        return "action_unanswered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        report = {
            "text": latest.get("text"),
            "intent": intent.get("name"),
            "confidence": intent.get("confidence"),
        }
        try:
            result = await self.app.post(
                f"/internal/conversations/{tracker.sender_id}/unanswered", report
            )
            misses = int(result["consecutive"])
        except Exception:  # the citizen still gets an answer if the record fails
            log.exception("could not record an unanswered message")
            misses = 1
        if misses >= REPEATED_MISSES:
            dispatcher.utter_message(response="utter_did_not_understand_again")
        else:
            dispatcher.utter_message(response="utter_did_not_understand")
        return []
