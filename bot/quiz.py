"""Practice questions from the lecture's key moments, shared by `/quiz` and `lecture-bot quiz`.

A question is one of the ways a student would ask for a key moment (its `asks`, in the
student's language); the choices are that moment and two plausible neighbours: other moments
of its chapter near it in time (drawn at random from the nearest few, so a question does not
always come with the same two), else the moments nearest in time elsewhere in the lecture.
No two choices share a label, and none is another moment written for the same question (two
moments may share an ask). Randomness comes from the `random.Random` passed in, so a seeded
one gives the same quiz every time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.analysis import has_hangul
from retrieval.errors import LectureBotError
from retrieval.lecture import Catalog, Lang, Moment

CHOICES = 3
#: Discord's limit on a button's label; the terminal shows whole titles.
LABEL_LIMIT = 80
#: The neighbours of the right moment in its chapter that the two others are drawn from.
NEAREST = 6
#: Seconds between any two choices, where the lecture's moments allow it.
MIN_GAP = 60


class NoQuizError(LectureBotError):
    """No key moments to ask about (none written for the lecture, or the chapter)."""

    def __init__(self) -> None:
        super().__init__(
            "No key moments are written for this lecture (or chapter) yet, so there is "
            "nothing to quiz on.",
            key="quiz_no_moments",
        )


@dataclass(frozen=True, slots=True)
class Quiz:
    """A question, its three choices in the order shown, and which one is right."""

    catalog: Catalog
    question: str
    lang: Lang
    answer: Moment
    choices: tuple[Moment, ...]

    @property
    def answer_index(self) -> int:
        """The position of the right choice (0-based)."""
        return self.choices.index(self.answer)

    @property
    def url(self) -> str:
        """The link to where the right moment starts."""
        return self.catalog.url(self.answer.t)

    def labels(self, limit: int | None = LABEL_LIMIT) -> list[str]:
        """The choices' titles in the quiz's language (cut to `limit` characters)."""
        return [choice_label(moment, self.lang, limit) for moment in self.choices]


def choice_label(moment: Moment, lang: Lang, limit: int | None = LABEL_LIMIT) -> str:
    """A moment's title in `lang`, at most `limit` characters (cut on a word, with '…')."""
    title = " ".join(moment.display_title(lang).split())
    if limit is None or len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:·-—") + "…"


def asks_in(moment: Moment, lang: Lang) -> tuple[str, ...]:
    """The moment's asks written in `lang` (Korean: with Hangul; English: without)."""
    return tuple(ask for ask in moment.asks if has_hangul(ask) == (lang == "ko"))


def make_quiz(
    catalogs: Catalog | Sequence[Catalog],
    rng: random.Random,
    lang: Lang = "en",
    chapter: int | None = None,
) -> Quiz:
    """A question about a key moment of `catalogs` (every moment of them equally likely), or
    of chapter `chapter` (of the one catalog given). NoQuizError when there is none. A host's
    question (`Moment.question`) is neither asked about nor offered: it answers nothing."""
    if isinstance(catalogs, Catalog):
        catalogs = (catalogs,)
    pool = [
        (catalog, moment)
        for catalog in catalogs
        for moment in catalog.moments
        if (chapter is None or moment.chapter == chapter)
        and not moment.question
        and asks_in(moment, lang)
    ]
    rng.shuffle(pool)  # then the first that has two neighbours (all of them, in practice)
    for catalog, answer in pool:
        question = rng.choice(asks_in(answer, lang))
        others = neighbours(catalog, answer, question, rng)
        if len(others) == CHOICES - 1:
            choices = [answer, *others]
            rng.shuffle(choices)
            return Quiz(catalog, question, lang, answer, tuple(choices))
    raise NoQuizError


def neighbours(
    catalog: Catalog,
    answer: Moment,
    question: str,
    rng: random.Random,
    count: int = CHOICES - 1,
) -> list[Moment]:
    """`count` moments to offer beside `answer`: drawn from the `NEAREST` moments of its
    chapter, then the nearest in time of the others; labels distinct in both languages, and
    none that was written for `question` too. Choices are `MIN_GAP` seconds apart where the
    lecture allows (moments seconds apart are steps of one explanation, and a question that
    fits one fits the other). Fewer when the lecture has too few moments."""
    chosen: list[Moment] = []
    for gap in (MIN_GAP, 0):
        chosen = _pick(catalog, answer, question, rng, count, gap)
        if len(chosen) == count:
            break
    return chosen


def _pick(
    catalog: Catalog, answer: Moment, question: str, rng: random.Random, count: int, gap: int
) -> list[Moment]:
    taken = {choice_label(answer, lang) for lang in ("en", "ko")}
    chosen = [answer]

    def distance(moment: Moment) -> int:
        return abs(moment.t - answer.t)

    def fits(moment: Moment) -> bool:
        labels = {choice_label(moment, lang) for lang in ("en", "ko")}
        return (
            not moment.question
            and question not in moment.asks
            and not labels & taken
            and all(abs(moment.t - other.t) >= max(gap, 1) for other in chosen)
        )

    candidates = [m for m in catalog.chapter_moments(answer.chapter) if distance(m) >= gap]
    near = sorted(candidates, key=distance)[:NEAREST]
    rng.shuffle(near)
    rest = sorted((m for m in catalog.moments if m not in near), key=distance)
    for moment in [*near, *rest]:
        if len(chosen) == count + 1:
            break
        if fits(moment):
            chosen.append(moment)
            taken |= {choice_label(moment, lang) for lang in ("en", "ko")}
    return chosen[1:]
