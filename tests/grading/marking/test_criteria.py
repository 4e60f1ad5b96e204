"""Rubrics read as criteria (grading/marking/criteria.py): every rubric of the course, and rubrics written wrong."""
from pathlib import Path

import pytest

from grading.marking import criteria
from grading.marking.criteria import RubricProblem
from grading.marking.queue import written_items

REPO = Path(__file__).resolve().parents[3]
ITEMS = criteria.items()

RUBRIC = """# m99.q1 — a test item

**Rubric (3 points; accept Arabic or English) · معايير التقييم (3 درجات)**

1. **1 pt — first.** English one.
   درجة واحدة: العربية الأولى.
2. **2 pts — second.** English *two*.
   درجتان: العربية الثانية.

A note for graders.
ملاحظة للمقيّمين.
"""
COMMENTS = """1:
  met: {ar: "أحسنت 1", en: "Well done 1"}
  missed: {ar: "ينقص 1", en: "Missing 1"}
2:
  met: {ar: "أحسنت 2", en: "Well done 2"}
  missed: {ar: "ينقص 2", en: "Missing 2"}
"""


def write(folder: Path, rubric: str = RUBRIC, comments: str | None = COMMENTS) -> Path:
    (folder / "m99.q1.md").write_text(rubric, encoding="utf-8")
    if comments is not None:
        (folder / "m99.q1.comments.yaml").write_text(comments, encoding="utf-8")
    return folder


def test_the_course_has_eleven_rubrics():
    assert len(ITEMS) == 11


@pytest.mark.parametrize("item", ITEMS)
def test_each_rubric_and_its_comments_agree(item):
    """The .md's criteria and the .comments.yaml's entries: same count, same numbers, both languages."""
    rubric = criteria.load(item)
    assert [c.number for c in rubric.criteria] == list(range(1, len(rubric.criteria) + 1))
    for c in rubric.criteria:
        assert c.title and c.en and c.ar and c.points > 0
        assert all(c.met[lang] and c.missed[lang] and c.met[lang] != c.missed[lang] for lang in ("ar", "en"))


@pytest.mark.parametrize("item", ITEMS)
def test_each_rubric_gives_the_points_its_item_is_worth(item):
    module = next(p.name for p in (REPO / "notebooks").iterdir() if p.name.startswith(item.split(".")[0] + "-"))
    found = [w for w in written_items(REPO / "notebooks", module) if w.item == item]
    assert found, f"{item}: no written item in {module}"
    assert criteria.load(item).max_points == found[0].points
    assert found[0].prompt.get("ar") and found[0].prompt.get("en")


def test_a_rubric_reads_as_numbered_criteria(tmp_path):
    rubric = criteria.load("m99.q1", write(tmp_path))
    assert rubric.title == "a test item" and rubric.max_points == 3
    first, second = rubric.criteria
    assert (first.number, first.points, first.title, first.en, first.ar) == (1, 1, "first", "English one.",
                                                                              "درجة واحدة: العربية الأولى.")
    assert second.points == 2 and second.met == {"ar": "أحسنت 2", "en": "Well done 2"}
    assert rubric.notes == ("A note for graders.", "ملاحظة للمقيّمين.")


def test_comments_for_fewer_criteria_than_the_rubric_fail_naming_both(tmp_path):
    with pytest.raises(RubricProblem, match=r"m99\.q1\.comments\.yaml: comments for criteria \[1\], but m99\.q1\.md "
                                            r"has criteria \[1, 2\]"):
        criteria.load("m99.q1", write(tmp_path, comments=COMMENTS.split("2:")[0]))


def test_a_criterion_added_to_the_rubric_without_its_comments_fails(tmp_path):
    added = RUBRIC.replace("\nA note", "3. **1 pt — third.** English three.\n   درجة واحدة: الثالثة.\n\nA note")
    added = added.replace("(3 points", "(4 points")
    with pytest.raises(RubricProblem, match=r"but m99\.q1\.md has criteria \[1, 2, 3\]"):
        criteria.load("m99.q1", write(tmp_path, added))


def test_a_missing_comments_file_or_language_is_named(tmp_path):
    with pytest.raises(RubricProblem, match="m99.q1.comments.yaml: missing"):
        criteria.load("m99.q1", write(tmp_path, comments=None))
    with pytest.raises(RubricProblem, match="criterion 2 needs 'missed' with both 'ar' and 'en'"):
        criteria.load("m99.q1", write(tmp_path, comments=COMMENTS.replace('ar: "ينقص 2", ', "")))


@pytest.mark.parametrize("broken, message", [
    (RUBRIC.replace("   درجتان: العربية الثانية.\n", ""), r"line 7: criterion 2 has no Arabic line"),
    (RUBRIC.replace("2. **2 pts", "3. **2 pts"), r"numbered \[1, 3\]"),
    (RUBRIC.replace("(3 points", "(4 points"), r"add up to 3, the heading says 4 points"),
    ("# m99.q1 — nothing\n\nNo criteria here.\n", r"no criteria found"),
])
def test_a_rubric_written_wrong_is_named_with_what_to_fix(tmp_path, broken, message):
    with pytest.raises(RubricProblem, match=message):
        criteria.load("m99.q1", write(tmp_path, broken))
