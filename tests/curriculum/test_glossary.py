"""One Arabic term per concept (curriculum/glossary.yaml), in every module notebook and rubric (#15 §5).

Every text a trainee or an instructor reads is checked: a notebook's prose cells (Arabic and English divs), the
``{"ar", "en"}`` texts of its widget calls and its keys' explanations, and each rubric file.  A rejected variant
fails the file's test, naming the cell, the variant found and the term to use.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "curriculum" / "glossary.yaml"
NOTEBOOKS = sorted((REPO / "notebooks").glob("m*/*.ipynb")) + sorted((REPO / "notebooks").glob("kc-*/*.ipynb"))  # with the knowledge check
RUBRICS = sorted((REPO / "grading" / "rubrics").glob("*.md"))

DIACRITICS = re.compile("[\u064B-\u065F\u0670\u0640]")  # harakat, shadda, sukun, superscript alef, tatweel
QUOTED = re.compile(r"«[^»]*»|\"[^\"\n]*\"|“[^”]*”")
AR_BLOCK = re.compile(r'<div dir="rtl" lang="ar">(.*?)</div>', re.S)
EN_BLOCK = re.compile(r'<div dir="ltr" lang="en">(.*?)</div>', re.S)


def plain(text: str) -> str:
    """Arabic text without diacritics, so «مسبَّب» and «مسبب» are one spelling."""
    return DIACRITICS.sub("", text)


@dataclass(frozen=True)
class Term:
    id: str
    ar: str
    note: str
    reject: tuple
    reject_en: tuple
    allow: tuple
    en_cue: re.Pattern | None
    mentions_ok: bool

    @classmethod
    def read(cls, entry: dict) -> "Term":
        compiled = lambda key, flags=0: tuple(re.compile(plain(p), flags) for p in entry.get(key, []))  # noqa: E731
        cue = entry.get("en_cue")
        return cls(entry["id"], entry["ar"], " ".join(entry["note"].split()), compiled("reject"),
                   compiled("reject_en", re.I), compiled("allow"), re.compile(cue, re.I) if cue else None,
                   bool(entry.get("mentions_ok")))

    def variants(self, ar: str, en: str) -> list[str]:
        """The rejected variants used in one bilingual text (``ar`` with its ``en``)."""
        ar = plain(ar)
        if self.en_cue is not None and not self.en_cue.search(en):
            return []
        allowed = [m.span() for p in self.allow for m in p.finditer(ar)]
        if self.mentions_ok:
            allowed += [m.span() for m in QUOTED.finditer(ar)]
        found = [m.group(0) for p in self.reject for m in p.finditer(ar)
                 if not any(a <= m.start() and m.end() <= b for a, b in allowed)]
        return found + [m.group(0) for p in self.reject_en for m in p.finditer(en)]


def glossary() -> list[Term]:
    return [Term.read(e) for e in yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"]]


TERMS = glossary()


# -- the texts of a notebook or a rubric, as bilingual units ----------------------------------------------

def _pairs(source: str) -> list[tuple[str, str]]:
    """The {"ar": …, "en": …} literals of a code cell, and any other Arabic string in it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [(source, source)]
    units, paired = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if "ar" in keys and "en" in keys:
                ar, en = (node.values[keys.index(k)] for k in ("ar", "en"))
                if isinstance(ar, ast.Constant) and isinstance(en, ast.Constant):
                    units.append((str(ar.value), str(en.value)))
                    paired.update({id(ar), id(en)})
    units += [(n.value, "") for n in ast.walk(tree)
              if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in paired
              and re.search("[\u0600-\u06FF]", n.value)]
    return units


def units(path: Path) -> list[tuple[str, str, str]]:
    """(where, Arabic, English) for every text of a module notebook or a rubric."""
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        return [(path.name, text, text)]
    out = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        where = f"{path.parent.name}/{path.name} cell '{cell.metadata.get('nbgrader', {}).get('grade_id') or index}'"
        if cell.cell_type == "markdown":
            ar, en = "\n".join(AR_BLOCK.findall(cell.source)), "\n".join(EN_BLOCK.findall(cell.source))
            out.append((where, ar or cell.source, en or cell.source))
        else:
            out += [(where, ar, en) for ar, en in _pairs(cell.source)]
    return out


def problems(path: Path) -> list[str]:
    return [f"{where}: «{variant}» ({term.id}): write «{term.ar}». {term.note}"
            for where, ar, en in units(path) for term in TERMS for variant in term.variants(ar, en)]


# -- the tests ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS + RUBRICS, ids=lambda p: p.parent.name if p.suffix == ".ipynb" else p.name)
def test_one_term_per_concept(path):
    found = problems(path)
    assert not found, f"{len(found)} glossary variant(s) (curriculum/glossary.yaml):\n" + "\n".join(found)


def test_the_glossary_covers_the_concepts_of_the_review():
    assert {"accuracy", "acquisition", "custodian", "reasoned-decision", "shaming", "csam"} <= {t.id for t in TERMS}
    assert any(t.id.startswith("grooming-") for t in TERMS)
    for term in TERMS:
        assert term.ar.strip() and term.note and term.reject, f"{term.id}: needs ar, reject and note"


@pytest.mark.parametrize("entry", yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"], ids=lambda e: e["id"])
def test_each_entry_flags_its_bad_examples_and_passes_its_good_ones(entry):
    """The examples in the glossary keep each pattern honest: "ar | en" gives the English of an en_cue term."""
    term = Term.read(entry)
    split = lambda s: tuple(s.split(" | ", 1)) if " | " in s else (s, s)  # noqa: E731
    for example in entry["examples"]["bad"]:
        assert term.variants(*split(example)), f"{term.id}: should flag {example!r}"
    for example in entry["examples"]["good"] + [term.ar]:
        assert not term.variants(*split(example)), f"{term.id}: should not flag {example!r}"


def test_a_variant_is_reported_with_its_file_cell_and_the_term_to_use(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell('<div dir="rtl" lang="ar">\n\nثم الاقتناء (صنع نسخة).\n\n</div>\n\n'
                                         '<div dir="ltr" lang="en">\n\nThen acquisition.\n\n</div>')
    cell.metadata["nbgrader"] = {"grade_id": "evidence"}
    nb.cells.append(cell)
    path = tmp_path / "m99-x" / "m99-x.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    (message,) = problems(path)
    assert "m99-x/m99-x.ipynb cell 'evidence'" in message and "«الاقتناء»" in message and "«التحصيل (النسخ الجنائي)»" in message
