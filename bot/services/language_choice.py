"""The conversation's language after each message: asked for, detected, or kept.

Asking wins ("kan du prata arabiska?"); otherwise the detector may move the conversation only
on strong evidence. Meänkieli and Sami cannot be written by the chat: the citizen hears about
their right to use them and how to get a person or an interpreter.

Usage:
    choice = LanguageChoice(languages, LanguageDetector(languages.codes()), LanguageRequests.load())
    choice.decide("can you speak Arabic?", current="sv")   # -> LanguageDecision("ar", asked=True)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.help import call_link
from bot.schemas import MessageOut
from bot.services.language_detection import LanguageDetector
from bot.services.language_requests import LanguageRequests
from bot.services.languages import LanguageRegistry


@dataclass(frozen=True)
class LanguageDecision:
    language: str
    asked: bool = False  # the message was a request for a language, nothing more
    minority: str | None = None  # "meankieli" or "sami"


class LanguageChoice:
    def __init__(
        self, languages: LanguageRegistry, detector: LanguageDetector, requests: LanguageRequests
    ) -> None:
        self.languages = languages
        self.detector = detector
        self.requests = requests

    def decide(self, text: str, current: str) -> LanguageDecision:
        request = self.requests.find(text)
        if request and request.minority:
            return LanguageDecision(current, asked=True, minority=request.minority)
        if request and request.language and request.language in self.languages:
            return LanguageDecision(request.language, asked=True)
        return LanguageDecision(self.detector.choose(text, current))

    def switched_note(self, language: str) -> MessageOut:
        return MessageOut(text=self.languages.get(language).language["switched"])

    def minority_note(self, minority: str, language: str, contacts: dict[str, str]) -> MessageOut:
        """The right to use Meänkieli or Sami, and how to reach a person (number as a link)."""
        texts = self.languages.get(language)
        return MessageOut(
            text=texts.language["minority"].format(
                minority=texts.language[minority],
                contact_centre_phone=contacts["contact_centre_phone"],
            ),
            links=[call_link("contact_centre_phone", texts, contacts)],
        )
