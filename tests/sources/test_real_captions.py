"""The real file: importing YouTube's rolling auto-captions of the lecture reproduces the shared
transcript.

How it is measured. Both sides become sequences of normalised words (NFKC, case-folded,
letters and digits only: "One-dimensional" == "onedimensional"): the reference is the English
text after the markers of the shared chapter files, the hypothesis is the transcript our import
wrote, read back through the loader. `retrieval.sources.alignment.align` finds a monotone
word alignment (unique 4-word anchors, difflib between them).
- recall = aligned words / reference words; precision = aligned words / imported words. A word
  the import repeats (a rolling line kept twice) or misses lowers one of them.
- paragraph agreement: a shared 30-second paragraph agrees when every one of its aligned words
  sits in our paragraph of the same 30-second stretch or a neighbouring one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.sources.alignment import align, normalise_word
from retrieval.sources.captions import load_cues
from retrieval.sources.seed import PARAGRAPH_SECONDS, chapter_files, read_paragraphs
from retrieval.sources.seed_writer import CaptionCopy, ImportSource, write_lecture_dir

MIN_RECALL = MIN_PRECISION = 0.995
MIN_PARAGRAPH_AGREEMENT = 0.98


def _words(paragraphs) -> tuple[list[str], list[int]]:
    words, buckets = [], []
    for start, text in paragraphs:
        for word in text.split():
            if norm := normalise_word(word):
                words.append(norm)
                buckets.append(start // PARAGRAPH_SECONDS)
    return words, buckets


@pytest.fixture(scope="module")
def figures(shared_lecture_dir: Path, tmp_path_factory) -> dict[str, float]:
    vtt = shared_lecture_dir / "captions" / "deep-dive-llms.en.vtt"
    catalog = load_catalog()
    out = tmp_path_factory.mktemp("real") / "deep-dive-llms"
    source = ImportSource("caption_file", catalog.video_url, vtt.name)
    copy = CaptionCopy(vtt.name, vtt.read_bytes())
    write_lecture_dir(out, catalog, load_cues(vtt), source=source, captions=copy)
    imported = load_lecture(out, catalog)
    reference = [
        (p.start, p.text)
        for path in chapter_files(shared_lecture_dir)
        for p in read_paragraphs(path)
    ]
    ref_words, ref_buckets = _words(reference)
    hyp_words, hyp_buckets = _words((s.start, s.text) for s in imported.segments)
    pairs = align(ref_words, hyp_words)
    worst: dict[int, int] = {}
    for i, j in pairs:
        distance = abs(hyp_buckets[j] - ref_buckets[i])
        worst[ref_buckets[i]] = max(worst.get(ref_buckets[i], 0), distance)
    return {
        "reference_words": len(ref_words),
        "imported_words": len(hyp_words),
        "aligned_words": len(pairs),
        "recall": len(pairs) / len(ref_words),
        "precision": len(pairs) / len(hyp_words),
        "paragraphs": len(reference),
        "paragraph_agreement": sum(1 for d in worst.values() if d <= 1) / len(reference),
        "paragraph_same": sum(1 for d in worst.values() if d == 0) / len(reference),
    }


def test_import_matches_the_shared_transcript(figures, record_property):
    report = ", ".join(
        f"{name}={value:.4f}" if isinstance(value, float) else f"{name}={value}"
        for name, value in figures.items()
    )
    for name, value in figures.items():
        record_property(name, value)
    print(f"\nreal captions import: {report}")
    assert figures["recall"] >= MIN_RECALL, report
    assert figures["precision"] >= MIN_PRECISION, report
    assert figures["paragraph_agreement"] >= MIN_PARAGRAPH_AGREEMENT, report


def test_every_chapter_of_the_catalog_gets_its_words(shared_lecture_dir, tmp_path):
    catalog = load_catalog()
    vtt = shared_lecture_dir / "captions" / "deep-dive-llms.en.vtt"
    source = ImportSource("caption_file", catalog.video_url, vtt.name)
    write_lecture_dir(tmp_path / "lecture", catalog, load_cues(vtt), source=source)
    lecture = load_lecture(tmp_path / "lecture", catalog)
    assert {s.chapter for s in lecture.segments} == {c.number for c in catalog.chapters}
    for chapter in catalog.chapters:  # chapter 3 starts at 7:47: its first marker is [7:47]
        first = next(s for s in lecture.segments if s.chapter == chapter.number)
        assert first.start == chapter.start
