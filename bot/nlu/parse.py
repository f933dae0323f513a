"""Classify many texts with a trained model, for evaluation outside Rasa's server.

Runs in the Rasa environment: `python -m bot.nlu.parse MODEL.tar.gz OUT.json < texts.json`
(a JSON list of texts in, a JSON list of [intent, confidence] out, in the same order; a file,
because Rasa writes its logs to standard output).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys


def main(model: str, out: str) -> None:
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    texts = json.load(sys.stdin)

    async def classify() -> list[tuple[str, float]]:
        results = []
        for text in texts:
            parsed = await agent.parse_message(str(text))
            intent = parsed.get("intent") or {}
            results.append((str(intent.get("name")), float(intent.get("confidence") or 0.0)))
        return results

    results = asyncio.run(classify())
    with open(out, "w", encoding="utf-8") as file:
        json.dump(results, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
