"""Scores read back from a feedback page as the course's template writes it (grading/templates/feedback/himaya.html.j2)."""
from __future__ import annotations

from curriculum.progress import feedback

PAGE = """<html><body dir="{dir}"><div class="container"><div class="panel panel-default"><div class="panel-heading">
<h4>m00-orientation ({score}: 6.5 / 14.0{pending})</h4>
<div id="toc"><ol>
<li><a href="#m00-q1">{test} <code>m00.q1</code></a> ({score}: 1.0 / 1.0)</li>
<li><a href="#m00-q2">{test} <code>m00.q2</code></a> ({score}: 0.5 / 2.0)</li>
<li><a href="#m00-q2">{comment}</a></li>
<li><a href="#m00-q8">{task} <code>m00.q8</code></a> (<span class="himaya-awaiting">{awaiting}</span> … / 5.0)</li>
{late}</ol></div></div></div></div></body></html>"""
AR = dict(dir="rtl", score="الدرجة", test="سؤال مُصحَّح", comment="ملاحظة المدرّب", task="إجابة مكتوبة",
          awaiting="بانتظار تقييم المدرّب", pending="؛ إجابات مكتوبة بانتظار تقييم المدرّب: 1")
EN = dict(dir="ltr", score="Score", test="Graded item", comment="Comment", task="Written answer",
          awaiting="Awaiting your instructor", pending="; written answers awaiting your instructor: 1")


def test_each_items_score_and_the_total_in_either_language(tmp_path):
    for words in (AR, EN):
        page = tmp_path / "m00-orientation.html"
        page.write_text(PAGE.format(late="", **words), encoding="utf-8")
        found = feedback.read(page)
        assert (found.score, found.max_score, found.late_penalty) == (6.5, 14.0, 0.0)
        assert found.items == {"m00.q1": (1.0, 1.0), "m00.q2": (0.5, 2.0), "m00.q8": (None, 5.0)}
        assert found.awaiting == 1


def test_the_late_penalty(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(PAGE.format(late='<li class="late-penalty">Late submission penalty (Score: -0.65)</li>', **EN))
    assert feedback.read(page).late_penalty == 0.65


def test_anything_else_is_not_a_feedback_page(tmp_path):
    assert feedback.read(tmp_path / "missing.html") is None
    other = tmp_path / "other.html"
    other.write_text("<html><h4>Score: 10 / 10</h4></html>")   # no table of contents: not the course's page
    assert feedback.read(other) is None
    (tmp_path / "folder.html").mkdir()
    assert feedback.read(tmp_path / "folder.html") is None


def test_a_page_over_the_limit_is_not_read(tmp_path, monkeypatch):
    page = tmp_path / "p.html"
    page.write_text(PAGE.format(late="", **EN))
    monkeypatch.setattr(feedback, "MAX_BYTES", 100)
    assert feedback.read(page) is None
