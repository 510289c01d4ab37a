"""Evaluation: the scoring rule of ../shared/eval/README.md, metrics, question files."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import evaluate
from retrieval.errors import LectureDataError, QueryError
from retrieval.evaluate import Outcome, Question
from retrieval.index import Index


@pytest.mark.parametrize(
    ("t", "hit"),
    [(7619, False), (7620, True), (7621, True), (7650, True), (7679, True), (7680, False),
     (0, False), (99999, False)],
)  # fmt: skip
def test_hit_window_is_a_minus_30_inclusive_to_a_plus_30_exclusive(t: int, hit: bool) -> None:
    assert evaluate.is_hit(t, [7650]) is hit


def test_any_answer_marker_counts() -> None:
    assert evaluate.is_hit(100, [7650, 90])
    assert evaluate.is_hit(7625, [90, 7650])
    assert not evaluate.is_hit(7625, [])


def test_hit_window_near_zero() -> None:
    assert evaluate.is_hit(0, [0])
    assert evaluate.is_hit(0, [29])
    assert evaluate.is_hit(0, [30])  # a - 30 <= t
    assert not evaluate.is_hit(0, [31])


def _question(qid: str, lang: str = "en", answers: tuple[int, ...] = (600,)) -> Question:
    return Question(id=qid, text=f"question {qid}", lang=lang, chapter=None, answers=answers)


def _outcome(first_hit: int | None, lang: str = "en") -> Outcome:
    return Outcome(_question("x", lang), (), first_hit)


def test_metrics_on_hand_built_outcomes() -> None:
    outcomes = [_outcome(1), _outcome(2), _outcome(4), _outcome(None), _outcome(10)]
    report = evaluate.metrics(outcomes)
    assert report["questions"] == 5
    assert report["hit@1"] == pytest.approx(1 / 5)
    assert report["hit@3"] == pytest.approx(2 / 5)
    assert report["hit@5"] == pytest.approx(3 / 5)
    assert report["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 4 + 0 + 1 / 10) / 5)


def test_metrics_of_nothing() -> None:
    assert evaluate.metrics([]) == {"questions": 0}


def test_report_splits_by_language() -> None:
    outcomes = [_outcome(1, "en"), _outcome(None, "en"), _outcome(3, "ko")]
    report = evaluate.report(outcomes)
    assert set(report) == {"all", "en", "ko"}
    assert report["all"]["questions"] == 3
    assert report["en"]["hit@1"] == pytest.approx(0.5)
    assert report["ko"]["hit@1"] == 0
    assert report["ko"]["hit@3"] == 1
    assert report["ko"]["mrr@10"] == pytest.approx(1 / 3)


def test_run_finds_the_rank_of_the_first_hit() -> None:
    questions = [
        _question("a", answers=(600,)),
        _question("b", answers=(600, 1200)),
        _question("c", answers=(5000,)),
    ]
    results = {
        "question a": [100, 580, 600],  # 580 is already within 30 s before 600
        "question b": [1230, 1199, 600],  # 1230 is past 1200 + 30 - 1
        "question c": list(range(0, 1100, 100)),  # 11 results: only the first 10 count
    }
    outcomes = evaluate.run(questions, lambda text: results[text])
    assert [o.first_hit for o in outcomes] == [2, 2, None]
    assert outcomes[2].times == tuple(range(0, 1000, 100))


def test_run_stops_looking_after_ten_results() -> None:
    outcomes = evaluate.run([_question("a", answers=(1000,))], lambda _: [0] * 10 + [1000])
    assert outcomes[0].first_hit is None


def test_run_counts_an_unsearchable_question_as_a_miss() -> None:
    def refuse(text: str) -> list[int]:
        raise QueryError("no searchable words")

    outcomes = evaluate.run([_question("a")], refuse)
    assert outcomes[0].first_hit is None
    assert outcomes[0].times == ()


# -- question files --------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_questions(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
- id: a1
  q: what is a token
  lang: en
  chapter: 3
  answers: ["7:47", "2:07:30"]
  also: ["8:00"]
- q: 토큰이 뭐야
  lang: ko
  answers: [1:30]
""",
    )
    first, second = evaluate.load_questions(path)
    assert first == Question("a1", "what is a token", "en", 3, (467, 7650, 480))
    assert second.lang == "ko"
    assert second.id == "1"
    # Unquoted 1:30 is a YAML 1.1 sexagesimal integer (90): it must still mean 1:30.
    assert second.answers == (90,)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- q: x\n  answers: [\n", "not valid YAML"),
        ("q: x\nanswers: ['1:00']\n", "list"),
        ("- q: x\n", "[0]"),
        ("- q: x\n  answers: ['1:00']\n- answers: ['1:00']\n", "[1]"),
        ("- q: x\n  answers: ['one minute']\n", "[0]"),
        ("- q: x\n  answers: 5\n", "must be lists"),
        ("- q: x\n  answers: [[1]]\n", "must be lists"),
        ("- q: 5\n  answers: ['1:00']\n", "[0]"),
        ("- q: x\n  answers: ['" + "9" * 5000 + "']\n", "[0]"),
        ("a: &a [x, x]\nb: [*a, *a]\n", "anchors or aliases"),
    ],
)
def test_load_questions_errors_name_the_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(LectureDataError) as caught:
        evaluate.load_questions(path)
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_load_questions_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(LectureDataError) as caught:
        evaluate.load_questions(path)
    assert "not found" in str(caught.value)
    assert str(path) in str(caught.value)


# -- the real eval set -----------------------------------------------------------------------


def test_real_eval_report(real_index: Index, shared_questions: Path) -> None:
    questions = evaluate.load_questions(shared_questions)
    assert {q.lang for q in questions} == {"en", "ko"}
    assert all(q.answers for q in questions)
    outcomes = evaluate.run(
        questions, lambda text: [hit.start for hit in real_index.search(text, k=evaluate.MRR_DEPTH)]
    )
    report = evaluate.report(outcomes)
    assert set(report) == {"all", "en", "ko"}
    for row in report.values():
        assert set(row) == {"questions", "hit@1", "hit@3", "hit@5", "mrr@10"}
        assert 0 <= row["hit@1"] <= row["hit@3"] <= row["hit@5"] <= 1
        assert row["hit@1"] <= row["mrr@10"] <= row["hit@5"] + (1 - row["hit@5"]) / 6
    assert report["all"]["questions"] == len(questions)
    assert report["en"]["questions"] + report["ko"]["questions"] == len(questions)
    # The bar: English hit@3 >= 0.75 (the naive baseline scores 0.71).
    assert report["en"]["hit@3"] >= 0.75
