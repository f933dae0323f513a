"""The e5 featurizer gives DIET features that carry meaning across languages."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.e5_featurizer import E5_DIMENSIONS, E5Featurizer


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory: pytest.TempPathFactory) -> E5Featurizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(graph_schema=None, node_name="e5")  # type: ignore[arg-type]
    config = {**E5Featurizer.get_default_config(), "batch_size": 2}
    component = E5Featurizer.create(config, storage, Resource("e5"), context)
    assert isinstance(component, E5Featurizer)
    return component


def _messages(*texts: str) -> list[Message]:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


def _sentence(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features(TEXT, [])
    assert sentence is not None
    return np.asarray(sentence.features[0])


def test_one_sentence_vector_and_one_row_per_token(featurizer: E5Featurizer) -> None:
    (message,) = featurizer.process(_messages("hur ansöker jag om försörjningsstöd"))
    sequence, sentence = message.get_dense_features(TEXT, [])
    assert sentence.features.shape == (1, E5_DIMENSIONS)
    assert sequence.features.shape == (5, E5_DIMENSIONS)


def test_the_same_request_is_closer_across_languages_than_a_different_one(
    featurizer: E5Featurizer,
) -> None:
    # More texts than batch_size: the batches must line up with their messages.
    sv, so, ar, greeting = featurizer.process(
        _messages(
            "jag vill prata med en människa",
            "waxaan rabaa inaan la hadlo qof",
            "أريد التحدث مع شخص",
            "hej hej god morgon",
        )
    )
    target = _sentence(sv)
    assert float(target @ _sentence(so)) > float(target @ _sentence(greeting))
    assert float(target @ _sentence(ar)) > float(target @ _sentence(greeting))


def test_training_data_is_featurized_and_messages_without_text_are_left_alone(
    featurizer: E5Featurizer,
) -> None:
    examples = [*_messages("tack så mycket"), Message(data={"intent": "thank"})]
    featurizer.process_training_data(TrainingData(training_examples=examples))
    assert examples[0].features
    assert not examples[1].features


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        E5Featurizer.validate_config({"batch_size": 0})
