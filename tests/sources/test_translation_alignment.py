"""Placing translated paragraphs at the English they translate, when their markers drift.

Small invented lectures first; then the real translation, whose first two hours have markers
that agree with the English, re-keyed with a drift we know, to see it put back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from retrieval.lecture import Lecture, Segment, SynonymGroup
from retrieval.sources.translation import attach_translation, read_translated_paragraphs
from retrieval.sources.translation_alignment import Anchors, place_paragraphs

GLOSSARY = (
    SynonymGroup("korean", ("환각", "hallucination", "hallucinations")),
    SynonymGroup("korean", ("강화 학습", "reinforcement learning")),
)
# One distinctive name or number per English paragraph, and the Korean that translates it.
NAMES = ["Falcon", "9.11", "AlphaGo", "1,000", "Llama", "GPT-2", "DeepSeek", "37", "Orson", "H100"]


def english(count: int = len(NAMES)) -> tuple[Segment, ...]:
    return tuple(
        Segment(30 * i, 30 * i + 30, 1, f"and here we talk about {NAMES[i]} for a while")
        for i in range(count)
    )


def korean(i: int) -> str:
    return f"여기서는 {NAMES[i]}에 대해 잠시 이야기합니다"


@pytest.fixture(scope="module")
def anchors() -> Anchors:
    return Anchors(GLOSSARY)


def test_markers_that_agree_with_the_english_stand(anchors: Anchors) -> None:
    paragraphs = [(30 * i, korean(i)) for i in range(len(NAMES))]
    assert place_paragraphs(paragraphs, english(), anchors) == tuple(range(len(NAMES)))


def test_without_shared_words_markers_stand(anchors: Anchors) -> None:
    paragraphs = [(30 * i, "번역된 문단입니다") for i in range(6)]
    assert place_paragraphs(paragraphs, english(), anchors) == tuple(range(6))


def test_drifting_markers_are_placed_at_the_english_they_translate(anchors: Anchors) -> None:
    # The translation falls behind: from the fourth paragraph on its markers are 30 s, then
    # 60 s late, and the last two are marked past the end of the 300 s lecture.
    drift = [0, 0, 0, 30, 30, 60, 60, 60, 60, 60]
    paragraphs = [(30 * i + late, korean(i)) for i, late in enumerate(drift)]
    assert paragraphs[-1][0] >= 300
    assert place_paragraphs(paragraphs, english(), anchors) == tuple(range(len(NAMES)))


def test_glossary_ideas_anchor_across_languages(anchors: Anchors) -> None:
    segments = (
        Segment(0, 30, 1, "today we look at the data"),
        Segment(30, 60, 1, "and why models produce hallucinations"),
        Segment(60, 90, 1, "then reinforcement learning takes over"),
        Segment(90, 120, 1, "and that is the end"),
    )
    paragraphs = [
        (0, "오늘은 데이터를 봅니다"),
        (60, "모델이 왜 환각을 만드는지"),
        (90, "강화 학습이 이어받습니다"),
    ]
    assert place_paragraphs(paragraphs, segments, anchors) == (0, 1, 2)
    assert {"#0", "hallucin"} <= anchors.english(segments[1].text)
    assert "#0" in anchors.translated("환각을") and "#1" in anchors.translated("강화학습")


def test_a_paragraph_past_the_end_with_no_evidence_is_dropped(anchors: Anchors) -> None:
    paragraphs = [(0, korean(0)), (30, korean(1)), (420, "영상이 끝난 뒤의 문단")]
    assert place_paragraphs(paragraphs, english(2), anchors) == (0, 1, None)


def test_placement_never_goes_back_in_file_order(anchors: Anchors) -> None:
    # A bad marker (the third says 0:00) between paragraphs that match 1 and 3.
    paragraphs = [(0, korean(0)), (30, korean(1)), (0, "문단"), (90, korean(3))]
    placed = place_paragraphs(paragraphs, english(), anchors)
    assert placed[0] == 0 and placed[1] == 1 and placed[3] == 3
    assert placed[1] <= placed[2] <= placed[3]


def test_nothing_to_place(anchors: Anchors) -> None:
    assert place_paragraphs([], english(), anchors) == ()
    assert place_paragraphs([(0, korean(0))], (), anchors) == (None,)


def test_attach_joins_paragraphs_placed_together_and_reports_moves(tmp_path: Path, caplog) -> None:
    path = tmp_path / "translation-ko.md"
    lines = [f"[{i // 2}:{30 * (i % 2):02d}] {korean(i)}" for i in range(4)]
    lines.insert(2, "[0:30] 같은 마커의 두 번째 문단")  # a repeated marker: joined in order
    lines[-1] = f"[2:00] {korean(3)}"  # marked 30 s late
    path.write_text("\n\n".join(lines), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="retrieval.sources.translation"):
        segments = attach_translation(english(5), path, GLOSSARY)
    texts = [segment.text_ko for segment in segments]
    assert texts[1].index(NAMES[1]) < texts[1].index("두 번째")
    assert NAMES[3] in texts[3] and texts[4] == ""
    assert any("placed away from their marker" in r.getMessage() for r in caplog.records)
    by_markers = attach_translation(english(5), path, GLOSSARY, realign=False)
    assert by_markers[3].text_ko == "" and NAMES[3] in by_markers[4].text_ko


# -- the real translation ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def trusted(real_lecture: Lecture, shared_lecture_dir: Path) -> list[tuple[int, str]]:
    """Real translated paragraphs of the first two hours, whose markers agree with the
    English (no paragraph there moves when realigned)."""
    starts = {segment.start for segment in real_lecture.segments}
    paragraphs = read_translated_paragraphs(shared_lecture_dir / "translation-ko.md")
    return [(marker, text) for marker, text in paragraphs if marker < 7200 and marker in starts]


@pytest.mark.parametrize("every", [4, 16])
def test_real_translation_with_a_known_drift_is_put_back(
    real_lecture: Lecture, trusted: list[tuple[int, str]], every: int
) -> None:
    """Every `every`-th paragraph the markers fall 30 s further behind (up to ~25 minutes)."""
    segments = real_lecture.segments
    index_of = {segment.start: i for i, segment in enumerate(segments)}
    anchors = Anchors(real_lecture.catalog.glossary)
    assert len(trusted) >= 150
    drifted = [(marker + 30 * (k // every), text) for k, (marker, text) in enumerate(trusted)]
    placed = place_paragraphs(drifted, segments, anchors)
    truth = [index_of[marker] for marker, _ in trusted]
    exact = sum(at == want for at, want in zip(placed, truth, strict=True)) / len(truth)
    by_markers = sum(a == b for (a, _), (b, _) in zip(drifted, trusted, strict=True)) / len(truth)
    assert by_markers < 0.1
    assert exact >= 0.9


def test_real_translation_has_no_paragraph_left_past_the_end(
    real_lecture: Lecture, shared_lecture_dir: Path, caplog
) -> None:
    """Its last markers lie past the video's end; realigned, every paragraph finds English."""
    path = shared_lecture_dir / "translation-ko.md"
    paragraphs = read_translated_paragraphs(path)
    assert max(marker for marker, _ in paragraphs) > real_lecture.segments[-1].end
    placed = place_paragraphs(
        paragraphs, real_lecture.segments, Anchors(real_lecture.catalog.glossary)
    )
    assert None not in placed
    assert list(placed) == sorted(placed)


def test_a_translation_with_exact_markers_is_not_realigned(tmp_path: Path) -> None:
    path = tmp_path / "translation-ko.md"
    body = f"[0:00] {korean(0)}\n\n[2:00] {korean(3)}\n"  # marked 30 s late, but said exact
    path.write_text("---\nexactMarkers: true\n---\n" + body, encoding="utf-8")
    assert NAMES[3] in attach_translation(english(5), path, GLOSSARY)[4].text_ko
    path.write_text("---\nexactMarkers: [broken\n---\n" + body, encoding="utf-8")
    assert NAMES[3] in attach_translation(english(5), path, GLOSSARY)[3].text_ko
