"""Every knob of the retriever, with the measured best as defaults (docs/retrieval.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.analysis import KoreanTerms
from retrieval.choices import choice
from retrieval.glossary import KoreanStems
from retrieval.links import LinkTiming
from retrieval.scoring import BM25Params, BM25Variant


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """Every knob of the retriever; defaults are the measured best (docs/retrieval.md).
    The knobs with a fixed set of values (`korean`, `korean_stems`, `link`) take their enum
    or its string; anything else is a ValueError."""

    window: int = 2
    stride: int = 1
    bm25: BM25Params = field(default_factory=lambda: BM25Params(variant=BM25Variant.BM25PLUS))
    glossary_weight: float = 1.0
    korean_translation: bool = True
    # The translation is second-hand wording: its matches count for less than the lecture's
    # own words (measured on our Korean questions; docs/retrieval.md).
    korean_field_weight: float = 0.7
    korean: KoreanTerms = KoreanTerms.BIGRAM
    korean_stems: KoreanStems = KoreanStems.RULES  # content words of a Korean question
    stem: bool = True
    stopwords: bool = True
    chapter_prior: float = 0.5
    min_gap: int = 60
    # No-match rule (retrieval/verdict.py), calibrated on both question sets and
    # eval/off_topic.yaml: a passage answers when it mentions nearly all of the question's
    # ideas (IDF-weighted), or at least two of them and a fair share; under `min_coverage`
    # the answer is shown but said to be a weak match.
    min_coverage: float = 0.5
    min_single_coverage: float = 0.75
    min_partial_coverage: float = 0.25
    lead_in: int = 2
    # Where a link lands inside the best-matching segment: "caption": the second its matched
    # words are spoken, from caption timings when the data has them (else the segment start);
    # "segment": the segment start; "word": interpolated by character position.
    link: LinkTiming = LinkTiming.CAPTION
    # An idea scores as its best-matching spelling (the student's word, a glossary synonym or
    # a caption misspelling) instead of the sum of all of them.
    best_spelling: bool = True
    # The glossary's multi-word spellings ("make stuff up") are also indexed as one term each.
    phrases: bool = True
    # A glossary spelling never weighs more than the student's own English word for the same
    # idea: its weight is scaled down to that word's IDF when it is rarer (a question saying
    # "David" is not pulled to the one place the full name "David Hershey" is said).
    cap_spellings: bool = True
    # Search the lecture's key moments where it has them; their authored words (title and
    # ways to ask) and their spoken words are two BM25 fields, summed with these weights.
    moments: bool = True
    authored_weight: float = 1.0
    spoken_weight: float = 0.5
    # Unknown English words of a question are corrected to the lecture's closest word.
    correct_spelling: bool = True
    # A moment's link moves to where the question's words are spoken when that is at least
    # this many seconds after the moment starts (0: always the moment's start).
    late_link: int = 15

    def __post_init__(self) -> None:
        """Each string knob as its enum; ValueError naming the knob for an unknown value."""
        for name, kind in (
            ("korean", KoreanTerms),
            ("korean_stems", KoreanStems),
            ("link", LinkTiming),
        ):
            object.__setattr__(
                self, name, choice(kind, getattr(self, name), f"SearchConfig.{name}")
            )


DEFAULT_CONFIG = SearchConfig()  # frozen: one instance serves every default argument
