"""Module m08's synthetic data: seeded per trainee, hashes computed right, keys consistent with the figures."""
from __future__ import annotations

import ast
import hashlib
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from curriculum.datasets import m08  # noqa: E402
from curriculum.settings import settings  # noqa: E402
from grading.keys import notebook_keys  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / m08.MODULE / f"{m08.MODULE}.ipynb"
TRAINEES = [f"officer-{n}" for n in range(40)]


def _summary(pics):
    return (pics["kinds"], pics["distances"], pics["original"]["sha256"], pics["cropped_distance"])


# ---------------------------------------------------------------- seeding

def test_same_trainee_gets_the_same_data():
    assert _summary(m08.pictures(trainee="officer-1")) == _summary(m08.pictures(trainee="officer-1"))
    assert m08.triage(trainee="officer-1") == m08.triage(trainee="officer-1")
    one, two = m08.lab_pictures(trainee="officer-1"), m08.lab_pictures(trainee="officer-1")
    assert [q["id"] for q in one["queries"]] == [q["id"] for q in two["queries"]]
    assert all(np.array_equal(a["pixels"], b["pixels"]) for a, b in zip(one["queries"], two["queries"]))


def test_different_trainees_get_different_data():
    pictures = [m08.pictures(trainee=t) for t in TRAINEES[:8]]
    assert len({p["original"]["sha256"] for p in pictures}) == 8
    assert len({tuple(p["kinds"].values()) for p in pictures}) >= 6
    pilots = {(t["abuse"], t["tp"], t["fp"], t["capacity"]) for t in (m08.triage(trainee=x) for x in TRAINEES[:8])}
    assert len(pilots) == 8


def test_default_trainee_is_the_settings_trainee():
    assert m08.triage() == m08.triage(trainee="t-test")
    settings.trainee = "officer-7"
    assert _summary(m08.pictures()) == _summary(m08.pictures(trainee="officer-7"))


# ---------------------------------------------------------------- the hashing functions

def test_difference_bits_on_a_tiny_example():
    small = np.array([[1, 2, 2, 0], [5, 4, 6, 7]])
    assert m08.difference_bits(small).tolist() == [True, False, False, False, True, True]


def test_dhash_has_64_bits_and_ignores_uniform_brightening():
    gen = np.random.default_rng(0)
    picture = gen.integers(0, 200, (40, 50)).astype(np.uint8)
    bits = m08.dhash(picture)
    assert bits.shape == (64,) and bits.dtype == bool
    assert m08.hamming(bits, m08.dhash(picture + 20)) == 0


def test_hamming_and_hex():
    assert m08.hamming([1, 0, 1, 1], [1, 1, 0, 1]) == 2
    with pytest.raises(ValueError):
        m08.hamming([1, 0], [1, 0, 1])
    assert m08.hex_hash([True] * 4 + [False] * 56 + [True, False, True, False]) == "f00000000000000a"


def test_grey_uses_pillow_luma():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], dtype=np.uint8)
    assert m08.grey(rgb).tolist() == [[76, 150, 29, 255]]


# ---------------------------------------------------------------- the trainee's pictures

@pytest.mark.parametrize("trainee", TRAINEES)
def test_pictures_keep_copies_and_different_pictures_apart(trainee):
    pics = m08.pictures(trainee=trainee)
    kinds, files = pics["kinds"], pics["files"]
    assert sorted(kinds) == m08.LETTERS and sorted(kinds.values()) == sorted(m08.FILE_KINDS)
    assert pics["copies"] == [x for x in m08.LETTERS if kinds[x] in m08.COPIES]
    assert len(pics["copies"]) == 4 and len(pics["different"]) == 3
    # SHA-256 matches the exact copy and nothing else
    assert pics["sha_matches"] == [x for x in m08.LETTERS if kinds[x] == "exact"]
    assert len({files[x]["sha256"] for x in m08.LETTERS}) == 7
    assert all(files[x]["sha256"][:m08.SHA_SHOWN] != pics["original"]["sha256"][:m08.SHA_SHOWN]
               for x in m08.LETTERS if kinds[x] != "exact")
    # the distances the table shows are the hashes' Hamming distances
    for x in m08.LETTERS:
        assert files[x]["distance"] == m08.hamming(files[x]["bits"], pics["original"]["bits"])
        assert files[x]["distance"] != m08.THRESHOLD
    assert pics["hash_matches"] == [x for x in m08.LETTERS if files[x]["distance"] <= m08.THRESHOLD]
    assert set(pics["copies"]) <= set(pics["hash_matches"])  # at threshold 10 every copy matches
    # a range of thresholds separates every copy from every different picture, at least 3 wide
    low = max(files[x]["distance"] for x in pics["copies"])
    high = min(files[x]["distance"] for x in pics["different"]) - 1
    assert (pics["threshold_low"], pics["threshold_high"]) == (low, high)
    assert high - low >= 2
    for t in range(0, 65):
        separates = all(files[x]["distance"] <= t for x in pics["copies"]) and \
            not any(files[x]["distance"] <= t for x in pics["different"])
        within = abs(t - pics["threshold_mid"]) <= pics["threshold_tolerance"] + 1e-9
        assert separates == within, t
    # the cropped copy: counted in the bits figure
    assert 3 <= pics["cropped_distance"] <= 16 and pics["cropped_distance"] != m08.THRESHOLD
    assert pics["cropped_distance"] == int(np.count_nonzero(pics["original"]["bits"] != pics["cropped"]["bits"]))


def test_files_are_what_they_claim():
    from PIL import Image

    pics = m08.pictures(trainee="officer-3")
    by_kind = {kind: pics["files"][x] for x, kind in pics["kinds"].items()}
    assert by_kind["recompressed"]["format"] == "JPEG"
    assert by_kind["resized"]["width"] < m08.SIZE
    assert np.array_equal(by_kind["exact"]["pixels"], pics["original"]["pixels"])
    assert by_kind["brightened"]["pixels"].astype(int).mean() > pics["original"]["pixels"].astype(int).mean()
    assert not np.array_equal(by_kind["lookalike"]["pixels"], pics["original"]["pixels"])
    # the table's SHA-256 is the hash of the file's bytes
    buffer = io.BytesIO()
    Image.fromarray(pics["original"]["pixels"]).save(buffer, "PNG")
    assert hashlib.sha256(buffer.getvalue()).hexdigest() == pics["original"]["sha256"]


def test_hash_matches_vary_between_trainees():
    lookalike_matched = {m08.pictures(trainee=t)["distances"][x] <= m08.THRESHOLD
                         for t in TRAINEES[:20]
                         for x, kind in m08.pictures(trainee=t)["kinds"].items() if kind == "lookalike"}
    assert lookalike_matched == {True, False}


# ---------------------------------------------------------------- the classifier's pilot

@pytest.mark.parametrize("trainee", TRAINEES)
def test_pilot_is_consistent_and_has_one_right_threshold(trainee):
    tri = m08.triage(trainee=trainee)
    assert tri["tp"] + tri["fn"] + tri["fp"] + tri["tn"] == tri["files"] == 10_000
    assert 1 <= tri["base_rate"] <= 3
    assert tri["precision"] == round(100 * tri["tp"] / (tri["tp"] + tri["fp"]), 1)
    assert tri["recall"] == round(100 * tri["tp"] / (tri["tp"] + tri["fn"]), 1)
    assert tri["precision"] < 50 <= tri["recall"]  # most flags false, most abuse caught: the base-rate item
    rows = tri["rows"]
    assert [r["threshold"] for r in rows] == m08.THRESHOLDS
    default = rows[m08.THRESHOLDS.index(0.5)]
    assert default["flagged"] == tri["flagged_default"] == tri["tp"] + tri["fp"]
    assert all(b["flagged"] < a["flagged"] and b["recall"] < a["recall"] for a, b in zip(rows, rows[1:]))
    fitting = [r for r in rows if r["flagged"] <= tri["capacity"]]
    best = max(fitting, key=lambda r: r["recall"])
    assert tri["answer"] == f"t{round(best['threshold'] * 100)}" and tri["answer_threshold"] == best["threshold"]
    assert tri["answer"] not in ("t30", "t90")
    k = m08.THRESHOLDS.index(best["threshold"])
    assert rows[k]["flagged"] * 1.05 <= tri["capacity"] <= rows[k - 1]["flagged"] * 0.95  # clearly between


def test_right_threshold_varies_between_trainees():
    assert len({m08.triage(trainee=t)["answer"] for t in TRAINEES}) >= 4


def test_threshold_table_hides_the_default_row():
    tri = m08.triage(trainee="officer-2")
    rows = m08.threshold_rows(tri, "en")
    assert rows[2] == ["0.5", "see the figure", "see the figure", "see the figure"]
    assert rows[0][1] == f"{tri['rows'][0]['flagged']:,}"
    html = m08.threshold_table(tri, "ar").data
    assert 'dir="rtl"' in html and "العتبة" in html and "انظر الشكل" in html
    assert 'dir="ltr"' in m08.threshold_table(tri, "en").data


# ---------------------------------------------------------------- figures and tables

@pytest.mark.parametrize("lang", ["ar", "en"])
def test_files_figure_shows_the_original_and_seven_labelled_files(lang):
    pics = m08.pictures(trainee="officer-4")
    fig = m08.files_figure(pics, lang=lang)
    titles = [ax.get_title() for ax in fig.axes]
    original = {"ar": "الأصل", "en": "Original"}[lang]
    assert sorted(titles) == sorted([original] + m08.LETTERS)
    for ax in fig.axes:
        shown = ax.images[0].get_array()
        f = pics["original"] if ax.get_title() == original else pics["files"][ax.get_title()]
        assert np.array_equal(np.asarray(shown), f["pixels"])
        assert ax.get_xlabel() == f"{f['width']}×{f['height']} · {f['format']}"
    # Arabic reads right to left: the original is the top-right panel
    fig.canvas.draw()
    first = next(ax for ax in fig.axes if ax.get_title() == original)
    positions = [ax.get_position().x0 for ax in fig.axes[:4]]
    assert (first.get_position().x0 == max(positions)) == (lang == "ar")
    assert fig._suptitle.get_text().startswith({"ar": "صورتك", "en": "Your original"}[lang])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_hash_table_in_the_trainee_language(lang):
    pics = m08.pictures(trainee="officer-4")
    rows = m08.hash_rows(pics, lang)
    assert [r[0] for r in rows] == [{"ar": "الأصل", "en": "Original"}[lang]] + m08.LETTERS
    assert [r[5] for r in rows[1:]] == [str(pics["distances"][x]) for x in m08.LETTERS]
    html = m08.hash_table(pics, lang).data
    for x in m08.LETTERS:
        assert pics["files"][x]["sha256"][:m08.SHA_SHOWN] in html and pics["files"][x]["dhash"] in html
    assert m08.TABLE_HEADINGS["distance"][lang] in html
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in html


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_bits_figure_marks_exactly_the_differing_bits(lang):
    pics = m08.pictures(trainee="officer-6")
    fig = m08.bits_figure(pics, lang=lang)
    differ = {"ar": "البتات المختلفة (باللون البرتقالي)", "en": "Bits that differ (orange)"}[lang]
    ax = next(a for a in fig.axes if a.get_title() == differ)
    assert int(np.asarray(ax.images[0].get_array()).sum()) == pics["cropped_distance"]
    fig.canvas.draw()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_confusion_figure_shows_the_four_counts(lang):
    tri = m08.triage(trainee="officer-8")
    fig = m08.confusion_figure(tri, lang=lang)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    for count in (tri["tp"], tri["fn"], tri["fp"], tri["tn"]):
        assert f"{count:,}" in texts
    labels = [t.get_text() for t in ax.get_xticklabels()]
    if lang == "ar":
        assert "إيجابية صحيحة" in texts and labels[1].startswith("أشّرت عليه")
    else:
        assert "True positives" in texts and labels[0].startswith("Flagged")
    fig.canvas.draw()


def test_figures_follow_the_settings_language():
    pics = m08.pictures(trainee="officer-4")
    assert "الأصل" in [ax.get_title() for ax in m08.files_figure(pics).axes]
    settings.language = "en"
    assert "Original" in [ax.get_title() for ax in m08.files_figure(pics).axes]


# ---------------------------------------------------------------- the analyst lab's data

def test_lab_data_and_reference_answers():
    data = m08.lab_pictures(trainee="officer-1")
    assert sorted(data["originals"]) == [f"O{n}" for n in range(1, 7)]
    assert len(data["queries"]) == 6 * 3 + 12
    assert [q["id"] for q in data["queries"]] == [f"Q{n:02d}" for n in range(1, 31)]
    hashes = m08.lab_hashes(data)
    assert all(h.shape == (64,) for h in hashes.values())
    matches = m08.lab_matches(data)
    right = sum(matches[q["id"]] == q["source"] for q in data["queries"])
    assert right >= 26  # the simple hash sorts most, not always all
    distances = m08.lab_distances(data)
    assert len(distances["same"]) == 18 and len(distances["different"]) == 30 * 6 - 18
    assert np.median(distances["same"]) < np.median(distances["different"])


# ---------------------------------------------------------------- the notebook's keys

@pytest.mark.parametrize("trainee", ["officer-1", "officer-2", "check"])
def test_data_keys_pick_the_fields_the_figures_show(trainee):
    keys = {item: k.for_trainee(trainee).key for item, k in notebook_keys(NOTEBOOK).items()}
    pics, tri = m08.pictures(trainee=trainee), m08.triage(trainee=trainee)
    assert keys["m08.q5"]["answer"] == pics["sha_matches"]
    assert keys["m08.q6"]["answer"] == pics["hash_matches"]
    assert keys["m08.q5"]["options"] == keys["m08.q6"]["options"] == m08.LETTERS
    assert keys["m08.q7"]["answer"] == pics["cropped_distance"]
    assert keys["m08.q8"]["answer"] == pics["threshold_mid"]
    assert keys["m08.q8"]["tolerance"] == pics["threshold_tolerance"]
    assert keys["m08.q10"]["answer"] == tri["precision"]
    assert keys["m08.q11"]["answer"] == tri["recall"]
    assert keys["m08.q13"]["answer"] == tri["answer"]


def test_threshold_options_are_the_pilot_thresholds():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "m08-q13-widget")
    call = ast.parse(cell.source).body[0].value
    options = next(k.value for k in call.keywords if k.arg == "options")
    assert [ast.literal_eval(k) for k in options.keys] == m08.THRESHOLD_IDS
