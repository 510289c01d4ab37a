"""Real questions the bot answered badly, as eval questions for a person to complete.

Every 👎-voted answer and every question nothing matched becomes one item in the format of
`../shared/eval/questions.yaml` — `id`, `q`, `lang`, `lecture` — with `answers: []` for a
person to fill in (the times where the lecture answers it; or `kind: off-topic` when nothing
does), and what the bot showed and what the voter said, to start from. The same question asked
twice is one item.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml

from retrieval.timecode import format_time

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported by the command that opens it
    from bot.store import LoggedQuestion

HEADER = """\
# Questions students asked the bot that it answered badly (👎) or could not answer, exported
# from its question log by `lecture-bot feedback export`. To make them eval questions: fill in
# `answers` (the times where the lecture answers each, as in ../shared/eval/questions.yaml),
# or set `kind: off-topic` where no lecture does; delete `shown` and `comments` if you like.
"""


def feedback_items(logged: Sequence[LoggedQuestion]) -> list[dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for question in sorted(logged, key=lambda q: q.asked_at):
        if question.found and not question.down:
            continue
        key = " ".join(question.question.casefold().split())
        item = items.get(key)
        if item is None:
            item = items[key] = _item(question)
        else:
            item["kind"] = "down-voted" if question.down else item["kind"]
        item["comments"] = [*item.get("comments", ()), *question.comments][:5]
        if not item["comments"]:
            del item["comments"]
    return list(items.values())


def _item(question: LoggedQuestion) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"fb-{question.id}",
        "q": question.question,
        "lang": question.lang,
    }
    lecture = question.lecture or (question.hits[0].lecture if question.hits else None)
    if lecture:
        item["lecture"] = lecture
    item["kind"] = "down-voted" if question.down else "no-match"
    item["answers"] = []
    if question.hits:
        item["shown"] = [format_time(hit.start) for hit in question.hits]
    return item


def feedback_yaml(logged: Sequence[LoggedQuestion]) -> str:
    body = yaml.safe_dump(feedback_items(logged), allow_unicode=True, sort_keys=False, width=100)
    return HEADER + (body if logged and body.strip() != "[]" else "[]\n")
