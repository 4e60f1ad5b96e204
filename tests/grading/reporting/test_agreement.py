"""Two graders' agreement on double-marked answers (grading/reporting/agreement.py), against values worked by hand."""
import re

import pytest

from grading.marking.store import Saved, Store
from grading.reporting import agreement
from grading.reporting.agreement import Agreement, kappa

Y, N = True, False


@pytest.mark.parametrize("pairs, expected", [
    # p_o = 7/10; first says Y 6 times, second 5 times: p_e = .6·.5 + .4·.5 = .5; κ = (.7 − .5)/(1 − .5) = .4
    ([(Y, Y)] * 4 + [(Y, N)] * 2 + [(N, Y)] + [(N, N)] * 3, 0.4),
    # three score levels, n = 8: p_o = 7/8; margins 2/4/2 and 2/3/3: p_e = (4 + 12 + 6)/64 = 22/64; κ = 17/21
    ([(0, 0)] * 2 + [(1, 1)] * 3 + [(2, 2)] * 2 + [(1, 2)], 17 / 21),
    ([(Y, N), (N, Y)], -1.0),                      # always opposite: p_o = 0, p_e = .5
    ([(Y, Y), (Y, N)], 0.0),                       # one grader always Y: p_o = .5 = p_e
    ([(Y, Y), (N, N)], 1.0),
])
def test_cohens_kappa_worked_by_hand(pairs, expected):
    assert kappa(pairs) == pytest.approx(expected)


def test_kappa_is_undefined_when_every_answer_is_in_one_category():
    """Both graders mark all alike: p_e = 1, κ = 0/0. Agreement is 100 %, kappa says nothing, and is not 0 or 1."""
    assert kappa([(Y, Y)] * 5) is None and kappa([]) is None
    same = Agreement.of([(2.0, 2.0)] * 3)
    assert same.percent == 100 and same.kappa is None
    assert Agreement.of([]).percent is None


def mark(grader, met, score):
    return Saved(grader, {"met": met, "adjustment": 0, "reason": "", "comment": ""}, score, 0.0)


def test_an_items_agreement_per_score_and_per_criterion_and_what_is_left_to_settle():
    first = {"t1": mark("a", [1, 2], 2), "t2": mark("a", [1], 1), "t3": mark("a", [], 0), "t4": mark("a", [1, 2], 2),
             "t5": mark("a", [2], 1)}                                  # t5: no second mark, not counted
    second = {"t1": mark("b", [1, 2], 2), "t2": mark("b", [1, 2], 2), "t3": mark("b", [], 0), "t4": mark("b", [1], 1)}
    settled = {"t2": mark("c", [1, 2], 2)}
    got = agreement.item_agreement("m00-orientation", "m00.q8", first, second, settled, [(1, "one"), (2, "two")],
                                   code=str.upper)
    # scores: (2,2) (1,2) (0,0) (2,1): p_o = 2/4; margins first 0:1 1:1 2:2, second 0:1 1:1 2:2: p_e = 6/16; κ = 0.2
    assert (got.score.pairs, got.score.agreed) == (4, 2) and got.score.kappa == pytest.approx(0.2)
    criteria = {number: a for number, _, a in got.criteria}
    assert criteria[1].percent == 100 and criteria[1].kappa == pytest.approx(1.0)   # 1: Y Y, Y Y, N N, Y Y
    # criterion 2: (Y,Y) (N,Y) (N,N) (Y,N): p_o = .5, margins 2/4 and 2/4: p_e = .5, κ = 0
    assert criteria[2].percent == 50 and criteria[2].kappa == pytest.approx(0.0)
    assert got.settled == 1 and [d.code for d in got.to_settle] == ["T4"]
    assert got.to_settle[0].first.score == 2 and got.to_settle[0].second.grader == "b"


def test_gathering_reads_the_grading_pages_tables_and_leaves_a_gradebook_without_them_alone(tmp_path):
    from sqlalchemy import create_engine, inspect

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert agreement.gather(url) == []
    assert not inspect(create_engine(url)).has_table("himaya_double_marks")   # the report created nothing
    store = Store(url)
    store.save("m00-orientation", "m00.q8", "t1", "a", {"met": [1, 2, 3]}, 3.0)
    store.save("m00-orientation", "m00.q8", "t1", "b", {"met": [1, 2]}, 2.0, role="second")
    store.save("m00-orientation", "m00.q8", "t2", "a", {"met": [1]}, 1.0)          # single-marked: not counted
    [item] = agreement.gather(url, ["m00-orientation"])
    assert (item.module, item.item, item.score.pairs, item.score.agreed) == ("m00-orientation", "m00.q8", 1, 0)
    assert [n for n, _, _ in item.criteria] == [1, 2, 3] and item.criteria[0][1]   # the rubric's criteria, titled
    assert len(item.to_settle) == 1 and len(item.to_settle[0].code) == 5 and item.to_settle[0].code != "t1"
    assert agreement.gather(url, ["m01-digital-world"]) == []


def test_the_cohort_report_shows_the_agreement_and_lists_the_disagreements_by_pseudonym(tmp_path):
    from grading.reporting.cohort import Cohort
    from grading.reporting.report import render

    first = {"t1": mark("alice", [1, 2], 2), "t2": mark("alice", [1], 1), "t3": mark("alice", [1, 2], 2)}
    second = {"t1": mark("bob", [1, 2], 2), "t2": mark("bob", [1], 1), "t3": mark("bob", [1], 1)}
    cohort = Cohort({}, [], {}, {}, {}, [])
    assert "Double marking" not in render(cohort, tmp_path / "none.html").read_text(encoding="utf-8")
    cohort.agreement = [agreement.item_agreement("m00-orientation", "m00.q8", first, second, {},
                                                 [(1, "reports ≠ victims"), (2, "a factor")],
                                                 code={"t1": "AAAAA", "t2": "BBBBB", "t3": "K7Q2M"}.get)]
    html = render(cohort, tmp_path / "report.html").read_text(encoding="utf-8")
    section = html.split("Double marking: graders' agreement")[1].split("Submissions to look at")[0]
    assert "التصحيح المزدوج" in html and "خلافات تنتظر الحسم" in section
    rows = re.findall(r"<tr><td class=\"name\">m00-orientation</td><td class=\"name\">m00.q8</td>(.*?)</tr>",
                      section, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    # score: (2,2) (1,1) (2,1): 2 of 3; p_e = (1·2 + 2·1)/9 = 4/9; κ = (2/3 − 4/9)/(5/9) = 0.40
    assert cells[0] == ["score · الدرجة", "3", "67 %", "0.40"]
    assert cells[1] == ["criterion 1 · المعيار 1: reports ≠ victims", "3", "100 %", "undefined · غير معرَّف"]
    assert cells[2][1:] == ["3", "67 %", "0.40"]
    assert cells[3] == ["K7Q2M", "alice: 2 (criteria 1, 2)", "bob: 1 (criteria 1)"]  # by pseudonym, not by trainee
    assert "t3" not in section
