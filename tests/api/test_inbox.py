"""The editors' inbox through HTTP, on a copy of the content files: a question the assistant
could not answer is grouped, the editor adds it to an article, the index is rebuilt at once and
the same question is then answered; an NLU example starts a retraining; everything is logged."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.deps import Components
from tests.api.test_answers import ask
from tests.api.test_conversations import start
from tests.api.test_handoff import TUESDAY_MORNING, staff_client
from tests.api.test_stats import logged_in
from tests.conftest import AppFactory, FakeRasa, editable_content
from tests.services.test_training import RASA_LIKE_OUTPUT

UNANSWERED = "kan socialen betala mitt busskort när jag ska på intervju"
ARTICLE = "vad-kan-bistandet-betala"  # "Did you mean…?" offers it first, among others
WEATHER = "hur blir vädret i Stockholm på lördag"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(editable_content(tmp_path)["CONTENT_ROOT"])


@pytest.fixture
def client(make_client: AppFactory, content: Path) -> TestClient:
    client = staff_client(
        make_client, TUESDAY_MORNING, content_root=content,
        search_index_path=content.parent / "index.npz",  # editable_content put it there
    )  # fmt: skip
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    # `rasa train` takes minutes: a script that prints what it prints stands in for it here.
    components.training.command = lambda target: [sys.executable, "-c", RASA_LIKE_OUTPUT, "0"]
    return client


def unanswered(client: TestClient, text: str = UNANSWERED, language: str = "sv") -> Any:
    answer = ask(client, start(client, language=language), text, language)
    assert answer["decision"] != "answer", answer  # the catalogue does not know it yet
    return answer


def act(client: TestClient, editor: dict[str, str], **body: Any) -> Any:
    csrf = client.get("/agent/api/me", headers=editor).json()["csrf_token"]
    return client.post(
        "/admin/api/inbox/actions", json=body, headers={**editor, "X-CSRF-Token": csrf}
    )


def test_an_editor_fixes_an_unanswered_question_and_the_assistant_answers_it(
    client: TestClient, content: Path
) -> None:
    unanswered(client)
    unanswered(client, UNANSWERED + "?")
    editor = logged_in(client, "editor")
    groups = client.get("/admin/api/inbox", headers=editor).json()
    assert len(groups) == 1
    assert groups[0]["count"] == 2

    done = act(client, editor, event_ids=groups[0]["event_ids"], action="article_question",
               article_id=ARTICLE, language="sv", text=UNANSWERED)  # fmt: skip

    assert done.status_code == 200, done.text
    result = done.json()
    assert result["closed"] == 2
    assert result["path"] == f"knowledge/articles/{ARTICLE}/sv.md"
    assert f"+  - {UNANSWERED}" in result["diff"]
    assert UNANSWERED in (content / result["path"]).read_text(encoding="utf-8")
    assert result["reindex_seconds"] is not None
    answer = ask(client, start(client), UNANSWERED, "sv")
    assert answer["decision"] == "answer"
    assert answer["article"]["id"] == ARTICLE
    assert client.get("/admin/api/inbox", headers=editor).json() == []
    page = client.get("/admin/inbox", headers=editor).text
    assert "inbox_article_question" in page  # the change log: who did what
    assert UNANSWERED in page


def test_an_nlu_example_is_written_and_the_assistant_retrains_in_the_background(
    client: TestClient, content: Path, fake_rasa: FakeRasa
) -> None:
    unanswered(client, WEATHER)
    editor = logged_in(client, "editor")
    group = client.get("/admin/api/inbox", headers=editor).json()[0]

    done = act(client, editor, event_ids=group["event_ids"], action="nlu_example",
               intent="out_of_scope", language="sv", text=WEATHER)  # fmt: skip

    assert done.status_code == 200, done.text
    assert done.json()["path"].startswith("nlu_data/sv/")
    assert done.json()["training"]["status"] in ("queued", "running", "done")
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.training.wait(timeout=60)
    status = client.get("/admin/api/training", headers=editor).json()
    assert (status["status"], status["progress"], status["requested_by"]) == ("done", 100, "editor")
    assert len(fake_rasa.loaded_models) == 1


def test_out_of_scope_closes_the_group_without_touching_a_file(
    client: TestClient, content: Path
) -> None:
    unanswered(client, "när öppnar simhallen på söndag")
    editor = logged_in(client, "editor")
    group = client.get("/admin/api/inbox", headers=editor).json()[0]
    before = sorted(p.stat().st_mtime for p in content.rglob("*.md"))

    done = act(client, editor, event_ids=group["event_ids"], action="out_of_scope")

    assert done.json()["closed"] == 1
    assert done.json()["path"] is None
    assert sorted(p.stat().st_mtime for p in content.rglob("*.md")) == before
    again = act(client, editor, event_ids=group["event_ids"], action="out_of_scope")
    assert again.status_code == 409
    assert "redan tagit hand om" in again.json()["error"]["message"]


def test_a_draft_article_collects_the_groups_wordings(client: TestClient, content: Path) -> None:
    unanswered(client, "kan jag få pengar till en tvättmaskin som gått sönder")
    editor = logged_in(client, "editor")
    group = client.get("/admin/api/inbox", headers=editor).json()[0]

    title = "Får jag pengar till en ny tvättmaskin?"
    done = act(client, editor, event_ids=group["event_ids"], action="draft_article",
               language="sv", topic="norm", text=title)  # fmt: skip

    assert done.status_code == 200, done.text
    path = done.json()["path"]
    assert path.startswith("knowledge/drafts/")
    draft = (content / path).read_text(encoding="utf-8")
    assert f"title: {title}" in draft
    assert "kan jag få pengar till en tvättmaskin som gått sönder" in draft  # the citizen's words


def test_mistakes_get_a_message_and_agents_cannot_edit(client: TestClient) -> None:
    unanswered(client)
    editor = logged_in(client, "editor")
    group = client.get("/admin/api/inbox", headers=editor).json()[0]

    no_article = act(client, editor, event_ids=group["event_ids"], action="article_question")
    unknown = act(client, editor, event_ids=group["event_ids"], action="article_question",
                  article_id="no-such-article")  # fmt: skip

    assert no_article.status_code == 422
    assert no_article.json()["error"]["message"] == "Välj vilken artikel frågan hör till."
    assert unknown.status_code == 422
    assert "no-such-article" in unknown.json()["error"]["message"]
    agent = logged_in(client, "agent")
    assert client.get("/admin/api/inbox", headers=agent).status_code == 403
    assert (
        act(client, agent, event_ids=group["event_ids"], action="out_of_scope").status_code == 403
    )
