"""Similar answers together (grading/marking/similarity.py, order.arrange, ItemQueue's arrangement), issue #17 point 5."""
from pathlib import Path

import pytest

from grading.config import Layout
from grading.marking import scoring
from grading.marking.order import UnknownArrangement, arrange, order
from grading.marking.queue import ItemQueue
from grading.marking.similarity import grams, similarities, together
from tests.grading.conftest import written_answers

REPO = Path(__file__).resolve().parents[3]
MODULE, ITEM, GRADE_ID = "m00-orientation", "m00.q8", "m00-q8"

#: a tiny cohort whose neighbours are obvious: four pairs making the same point in the same language; each Arabic
#: pair differs in diacritics, alef/ya forms, shadda and punctuation, each English pair in wording
COHORT = {
    "t-ar-reports": ("ar", "عدد البلاغات ليس عدد الضحايا، فالطفل الواحد قد يظهر في بلاغات كثيرة."),
    "t-ar-reports-vowelled": ("ar", "عَدَدُ البَلاغاتِ لَيْسَ عَدَدَ الضَّحايا؛ فالطِّفلُ الواحدُ قد يَظهرُ في بلاغاتٍ كثيرةٍ"),
    "t-ar-detection": ("ar", "أدوات الاكتشاف لدى المنصات تغيّرت فازداد الإبلاغ، لا الأذى."),
    "t-ar-detection-plain": ("ar", "ادوات الاكتشاف لدي المنصات تغيرت فازداد الابلاغ لا الاذي"),
    "t-en-reports": ("en", "A count of reports is not a count of victims: one child can appear in many reports."),
    "t-en-reports-reworded": ("en", "Reports are not victims; the same child can appear in many, many reports."),
    "t-en-denominator": ("en", "Ask for a denominator: how many users each platform has, and how many victims were identified."),
    "t-en-denominator-reworded": ("en", "I would want the denominator (users per platform) and the victims identified."),
}
TEXTS = {t: text for t, (_, text) in COHORT.items()}
PAIRS = [("t-ar-reports", "t-ar-reports-vowelled"), ("t-ar-detection", "t-ar-detection-plain"),
         ("t-en-reports", "t-en-reports-reworded"), ("t-en-denominator", "t-en-denominator-reworded")]
GRADERS = [f"grader-{n}" for n in range(12)]


def twin(trainee: str) -> str:
    return next(b if a == trainee else a for a, b in PAIRS if trainee in (a, b))


def test_the_courses_normalisation_makes_spelling_variants_one_answer():
    names = [a for pair in PAIRS[:2] for a in pair]
    sim = similarities(tuple(TEXTS[t] for t in names))
    assert grams(TEXTS["t-ar-reports"]) == grams(TEXTS["t-ar-reports-vowelled"])  # diacritics, ؛ and ، folded
    assert sim[0, 1] == pytest.approx(1.0)
    assert sim[2, 3] == pytest.approx(1.0)                   # أ/ا, إ/ا, ى/ي, shadda, punctuation
    assert sim[0, 0] == 1.0 and similarities(("", "x"))[0, 0] == 0.0
    assert sim[0, 2] < 0.3 and sim[1, 3] < 0.3               # different points stay apart


def test_each_answer_sits_beside_the_one_making_the_same_point_for_every_grader():
    for grader in GRADERS:
        shown = arrange(TEXTS, grader, ITEM, "similar")
        assert sorted(shown) == sorted(TEXTS)
        for i in range(0, len(shown), 2):                    # the chain walks pair by pair
            assert shown[i + 1] == twin(shown[i]), (grader, shown)
        assert shown[0] == order(list(TEXTS), grader, ITEM)[0]  # it starts where the grader's random order does


def test_the_order_is_stable_for_a_grader_and_differs_between_graders():
    alice = arrange(TEXTS, "alice", ITEM, "similar")
    assert arrange(dict(reversed(list(TEXTS.items()))), "alice", ITEM, "similar") == alice   # same on every visit
    assert len({arrange(TEXTS, g, ITEM, "similar")[0] for g in GRADERS}) > 2                # no one always first
    # equal answers keep the grader's own random order
    same = {f"t-{n}": "Reports are not victims." for n in range(6)}
    assert together(same, order(list(same), "alice", ITEM)) == order(list(same), "alice", ITEM)


def test_random_stays_the_default_and_an_unknown_order_is_named():
    for grader in GRADERS:
        assert arrange(TEXTS, grader, ITEM) == order(list(TEXTS), grader, ITEM)
    assert arrange(TEXTS, "alice", ITEM, "similar") != arrange(TEXTS, "alice", ITEM)
    with pytest.raises(UnknownArrangement, match="unknown order 'alphabetical': choose random or similar"):
        arrange(TEXTS, "alice", ITEM, "alphabetical")


@pytest.fixture
def layout(tmp_path) -> Layout:
    """m00's source notebook and a gradebook holding the tiny cohort's autograded answers to m00.q8."""
    return written_answers(tmp_path, MODULE, ITEM, 3, COHORT)


def test_next_ungraded_and_leases_follow_the_similar_order(layout):
    alice = ItemQueue(layout, MODULE, ITEM, "alice", arrangement="similar")
    bob = ItemQueue(layout, MODULE, ITEM, "bob", arrangement="similar")
    assert ItemQueue(layout, MODULE, ITEM, "alice").ordered() == order(list(COHORT), "alice", ITEM)  # default
    planned = alice.ordered()
    assert planned == arrange(TEXTS, "alice", ITEM, "similar")
    first = alice.next_ungraded()
    assert first == planned[0] and alice.next_ungraded() == first          # leased: she resumes on it
    taken = bob.next_ungraded()
    assert taken not in (None, first)                                      # never the answer alice holds
    alice.save(first, scoring.Marks(frozenset({1})))
    second = alice.next_ungraded()
    expected = next(t for t in planned[1:] if t != taken)                  # her chain goes on, skipping bob's
    assert second == expected
    if taken != twin(first):
        assert second == twin(first)                                       # the same point, straight after
    with pytest.raises(UnknownArrangement, match="choose random or similar"):
        ItemQueue(layout, MODULE, ITEM, "alice", arrangement="length")
