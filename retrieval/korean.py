"""Light Korean question analysis: which parts of a question's words carry meaning.

Korean attaches particles and endings to words ("맥북에서", "돌리려면", "필요해?"). Their
bigrams ("에서", "려면", "요해") match passages at random and make an on-topic question look
off-topic. Stripping the common particles and endings from the end of each word, and dropping
question words, leaves the stems a search should use. This measured as well as Kiwi's
morpheme analysis for questions (docs/retrieval.md) without its 300 MB model and 1-2 s load.
"""

from __future__ import annotations

from retrieval.analysis import HANGUL_WORD

# Question words and fillers that never name a topic.
KOREAN_STOPWORDS: frozenset[str] = frozenset(
    """
    뭐 뭐야 뭐가 뭔가 뭔데 뭘 뭔지 뭐지 뭐였어 뭐였지 무엇 무엇이 무엇인가 무엇인가요 무슨
    왜 어떻게 어떤 어디 어디서 언제 누가 얼마나 얼마 몇 거야 어때 어때요
    건가 건가요 거예요 거지 건데 있어 있어요 있나 있나요 없어 돼 되나 되나요 해 해요
    하는 하나 하나요 할까 하기 이거 그거 저거 이게 그게 그걸 그건 좀 진짜 정말 그냥 결국
    굳이 혹시 그럼 그러면 그래서 그리고 근데 아니 아니면 너무 많이 일반 같은 같이
    대해 대해서 대한 관해 관해서 관한 궁금해 궁금해요 있는 없는 내는 되는 하면 되면
    수 것 거 법 데 데서 때 등
    알려 알려줘 알려주세요 설명 설명해 설명해줘 주세요 해줘 정리 개념 자세히 자세하게
    간단히 간단하게 쉽게 동작 작동
    """.split()
)

# Particles and endings, longest first; stripped once from the end of a word.
_ENDINGS = sorted(
    """
    에서는 에서도 으로는 으로도 으로만 이라는 이라고 이라면 이라서 이랑은 에게서 까지는
    부터는 하려면 되려면 하는지 되는지 한다는 된다는 했는데 하는데 되는데 해달라고
    해주세요 적으로 인지 인가 인데 에서 으로 로만 에게 한테 까지 부터 처럼 보다 마다
    이랑 이나 이라 이고 이며 이란 에는 에도 에만 와는 과는 하고 라는 라고 려면 으면
    는지 은지 는다 다면 잖아 나요 까요 세요 해요 돼요 이야 예요 이에요 하는 되는 하면
    되면 해서 돼서 했어 됐어 할까 될까 해줘 해줄래 해줄 해주 줄래 주세요 해봐 시켜
    적인 은 는 이 가 을 를 에 로 와 과 랑 의 도 만 나 야 요 해 돼 된 한 할 지 면 게 고
    """.split(),
    key=len,
    reverse=True,
)
_ENDING_SET = frozenset(_ENDINGS)
# The endings by length, longest first: a word's ending of each length is one set lookup.
_ENDINGS_BY_LENGTH = [
    (length, frozenset(e for e in _ENDINGS if len(e) == length))
    for length in sorted({len(e) for e in _ENDINGS}, reverse=True)
]
MIN_STEM = 2


def content_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the meaningful stems of the Korean words in `text`."""
    spans: list[tuple[int, int]] = []
    for match in HANGUL_WORD.finditer(text):
        word = match.group()
        # A lone particle ("SFT가") or a one-syllable word names no topic.
        if len(word) < MIN_STEM or word in KOREAN_STOPWORDS or word in _ENDING_SET:
            continue
        stem = _stem(word)
        # A one-syllable stem ("돈으로", "짜잖아") has no bigram of its own, only ones that
        # straddle its ending.
        if len(stem) < MIN_STEM or stem in KOREAN_STOPWORDS:
            continue
        spans.append((match.start(), match.start() + len(stem)))
    return spans


def inflects(stem: str, word: str) -> bool:
    """Whether `word` is `stem` alone or with one particle or ending ("점을" but not "점수")."""
    return word == stem or (word.startswith(stem) and word[len(stem) :] in _ENDING_SET)


def is_question_word(word: str) -> bool:
    """Whether a Korean word only asks ("설명해줄래", "뭐야") and names no topic."""
    if not HANGUL_WORD.fullmatch(word):
        return False
    return word in KOREAN_STOPWORDS or _stem(word) in KOREAN_STOPWORDS


def _stem(word: str) -> str:
    """`word` without its particle or ending (the longest that fits). A one-syllable ending
    must leave two syllables: "결과" is a noun, not "결" + "과"."""
    for length, endings in _ENDINGS_BY_LENGTH:
        if length >= len(word) or word[-length:] not in endings:
            continue
        stem = word[:-length]
        if len(stem) >= MIN_STEM or length > 1 or stem in KOREAN_STOPWORDS:
            return stem
    return word
