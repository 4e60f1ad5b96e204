"""make demo's personas take the knowledge check before the course and after it (#19): the report shows the gain."""
from __future__ import annotations

import pytest

from curriculum import check
from grading import demo, simulate
from grading.reporting import cohort


def test_the_checks_come_first_and_last():
    pre, post = check.load().pre, check.load().post
    assert demo.course_order([post, "m01-digital-world", pre, "m00-orientation"]) == \
        [pre, "m00-orientation", "m01-digital-world", post]


def test_some_personas_improve_and_some_do_not():
    pre, post = check.load().pre, check.load().post
    for persona, (_, style) in simulate.PERSONAS.items():
        assert simulate.style_for(persona, post) == style == simulate.style_for(persona, "m03-bullying-fraud-games")
    assert simulate.style_for("t-perfect", pre) == "partial" and simulate.style_for("t-wrong", pre) == "wrong"
    assert not simulate.takes("t-half", post) and simulate.takes("t-half", pre)
    assert set(simulate.PRE_CHECK) | simulate.SKIPS_POST_CHECK <= set(simulate.PERSONAS)


@pytest.mark.slow
def test_the_demo_takes_both_checks_and_reports_the_gain():
    pre, post = check.load().pre, check.load().post
    result = demo.run(work="build/test-demo-check", personas=["t-perfect", "t-wrong", "t-half"], modules=[post, pre],
                      progress=False, jobs=2)
    assert result.failures == []
    assert set(result.scores[pre]) == {"t-perfect", "t-wrong", "t-half"} and set(result.scores[post]) == {
        "t-perfect", "t-wrong"}   # t-half takes only the check before the course
    gain = cohort.gather(result.course, [pre, post]).gain
    assert gain.missing == [("t-half", "pre only")] and gain.overall.paired == 2
    assert gain.overall.post == pytest.approx(50.0)      # t-perfect right on every slot after, t-wrong on none
    assert gain.overall.pre < gain.overall.post          # t-perfect answered the check before only in part
    html = result.report.read_text(encoding="utf-8")
    assert "Learning gain" in html and "No knowledge check in the gradebook yet" not in html
    assert "t-half</td><td class=\"name\">pre only" in html
