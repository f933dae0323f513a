"""Any text a citizen can send — any Unicode, control and bidirectional characters, up to the
limit and beyond — gets an answer or a clear 4xx, never a 500."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.redaction import redact
from bot.services.text import normalise_citizen_text
from tests.api.test_conversations import send, start
from tests.conftest import AppFactory

TEXTS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=2100
) | st.sampled_from(["\u202e\u202d", "\x00" * 10, " \n\t ", "٠١٢٣", "ሰላም", "a" * 2000])


@given(TEXTS)
@settings(max_examples=60, deadline=None)
def test_text_pipeline_properties(text: str) -> None:
    cleaned = normalise_citizen_text(text)
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in cleaned)
    once = redact(cleaned).text
    assert redact(once).text == once  # removing personal data twice changes nothing more


def test_any_text_through_the_api_is_never_a_server_error(make_client: AppFactory) -> None:
    client = make_client()
    conversation = start(client)

    @given(TEXTS)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def check(text: str) -> None:
        response = send(client, conversation, text=text)
        assert response.status_code in {200, 422}, (text, response.text)
        if response.status_code == 422:
            assert response.json()["error"]["code"] in {"empty_text", "text_too_long"}

    check()
