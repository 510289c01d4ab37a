"""Which words of a Korean question are searched: particles, endings and question words
are left out (retrieval/korean.py)."""

from __future__ import annotations

import pytest

from retrieval import korean
from retrieval.analysis import normalize


def _stems(question: str) -> list[str]:
    text = normalize(question)
    return [text[start:end] for start, end in korean.content_spans(text)]


@pytest.mark.parametrize(
    ("question", "stems"),
    [
        ("맥북에서 LLM 로컬로 돌리려면 뭐 쓰면 돼?", ["맥북", "로컬", "돌리", "쓰면"]),
        ("퓨샷 프롬프팅이나 인컨텍스트 러닝이 뭐야?", ["퓨샷", "프롬프팅", "인컨텍스트", "러닝"]),
        ("교과서 비유에서 어떤 부분이 사전학습이고", ["교과서", "비유", "부분", "사전학습"]),
        ("LLM은 배포된 뒤에도 계속 학습해?", ["배포", "계속", "학습"]),
        ("보상 모델은 답변마다 점수를 매겨?", ["보상", "모델", "답변", "점수", "매겨"]),
    ],
)
def test_particles_and_endings_are_cut(question: str, stems: list[str]) -> None:
    assert _stems(question) == stems


@pytest.mark.parametrize(
    "question",
    [
        "트랜스포머에 대해 자세히 설명해줄래?",
        "트랜스포머 개념 좀 정리해 주세요",
        "트랜스포머가 뭔지 알려줘",
    ],
)
def test_requests_leave_only_the_topic(question: str) -> None:
    assert _stems(question) == ["트랜스포머"]


def test_a_one_syllable_stem_is_no_topic() -> None:
    """ "것보다" is a function word and its particle; "짜잖아" a verb whose only bigram
    straddles the ending. A two-syllable word keeps its last syllable: "결과" is a noun."""
    assert _stems("배우는 것보다 규칙을 짜잖아") == ["배우", "규칙"]
    assert _stems("결과 사과") == ["결과", "사과"]
