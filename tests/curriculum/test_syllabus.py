"""The syllabus is the one record of outcomes: it loads, and the README's module list is drawn from it."""
from pathlib import Path

from curriculum import syllabus
from grading.cli import readme_with_modules

REPO = Path(__file__).resolve().parent.parent.parent


def test_every_module_has_outcomes_in_both_languages():
    modules = syllabus.load()
    assert "m00-orientation" in modules
    for module in modules.values():
        assert module.title["ar"] and module.title["en"] and module.minutes > 0
        assert 1 <= len(module.outcomes)
        for outcome in module.outcomes:
            assert outcome.id.startswith(module.id.split("-")[0] + ".o") and outcome.items
            assert outcome.text["ar"] and outcome.text["en"]


def test_the_readme_module_list_is_generated_from_the_syllabus():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_modules(readme), "run `python -m grading readme` and commit README.md"
    for module in syllabus.load().values():
        assert f"**{module.id}**" in readme
        for outcome in module.outcomes:
            assert outcome.text["en"] in readme


def test_labs_are_marked_optional_in_the_module_list():
    modules = syllabus.load()
    labs = [m for m in modules.values() if m.lab]
    assert {m.id.split("-")[0] for m in labs} >= {"m04a", "m06a", "m08a"}
    assert not modules["m04-crime-patterns"].lab
    text = syllabus.markdown()
    for lab in labs:
        assert f"**{lab.id}** — {lab.title['en']}" in text
        assert text.split(f"**{lab.id}**")[1].splitlines()[0].endswith("*optional analyst lab (Python code)*")
