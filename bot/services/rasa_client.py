"""HTTP client for the Rasa server: the only place the app talks to Rasa.

Uses Rasa's REST channel to deliver a citizen's message and its HTTP API to read what was
understood. Rasa listens on loopback and the API calls carry the shared token.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


class AssistantUnavailable(Exception):
    """Rasa (or the action server behind it) could not be reached or failed."""


@dataclass(frozen=True)
class Understanding:
    """What Rasa's NLU made of the latest citizen message."""

    intent: str | None
    confidence: float | None


class RasaClient:
    """Talks to one Rasa server.

    Usage:
        rasa = RasaClient("http://127.0.0.1:5005", "http://127.0.0.1:5055", token="secret")
        replies = rasa.send("conversation-id", "hej", metadata={"language": "sv"})
        rasa.understanding("conversation-id")   # -> Understanding("greet", 0.98)
    """

    def __init__(
        self,
        base_url: str,
        action_server_url: str,
        token: str = "",
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self._action_health_url = f"{action_server_url}/health"
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Deliver a message; returns the bot's messages as Rasa's REST channel gives them.

        Rasa swallows a failed custom action and answers with nothing, so the action server
        is checked first: a citizen then gets a clear "try again" instead of silence.
        """
        if not self.actions_ready():
            raise AssistantUnavailable("the action server is not reachable")
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        result = self._request("POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(result, list):
            raise AssistantUnavailable(f"unexpected reply from Rasa: {result!r}")
        return result

    def understanding(self, conversation_id: str) -> Understanding:
        tracker = self._request(
            "GET", f"/conversations/{conversation_id}/tracker", params={"include_events": "NONE"}
        )
        intent = (tracker.get("latest_message") or {}).get("intent") or {}
        return Understanding(intent.get("name"), intent.get("confidence"))

    def pause(self, conversation_id: str) -> None:
        """A person has the chat: Rasa must not act on this conversation until `resume`."""
        self._append_event(conversation_id, {"event": "pause"})

    def resume(self, conversation_id: str) -> None:
        self._append_event(conversation_id, {"event": "resume"})

    def _append_event(self, conversation_id: str, event: dict[str, Any]) -> None:
        self._request(
            "POST",
            f"/conversations/{conversation_id}/tracker/events",
            params={"include_events": "NONE"},
            json=event,
        )

    def is_ready(self) -> bool:
        """True when Rasa answers and has a model loaded."""
        try:
            status = self._request("GET", "/status")
        except AssistantUnavailable:
            return False
        return bool(status.get("model_file"))

    def load_model(self, path: Path) -> None:
        """Rasa swaps to a newly trained model without a restart; conversations carry on."""
        params = {"token": self._token} if self._token else {}
        try:
            response = self._http.put(
                "/model", params=params, json={"model_file": str(path)}, timeout=600
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise AssistantUnavailable(f"PUT /model: {error}") from error

    def actions_ready(self) -> bool:
        try:
            return self._http.get(self._action_health_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        params = dict(kwargs.pop("params", {}))
        if self._token:
            params["token"] = self._token
        try:
            response = self._http.request(method, path, params=params, **kwargs)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise AssistantUnavailable(f"{method} {path}: {error}") from error
