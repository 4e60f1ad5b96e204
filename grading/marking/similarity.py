"""Similar answers together (issue #17 point 5): one item's answers ordered so that answers alike sit side by side.

A grader who reads the answers making the same point one after another applies a
criterion the same way to all of them; spread over 204 answers, the same point
is judged at 9 a.m. and again at 6 p.m.  Each answer is still shown, scored and
saved on its own: only the order changes.

How alike two answers are: each answer is normalised as the course compares
written answers (:func:`curriculum.normalize.normalize_text`: diacritics,
alef/ya/ta marbuta forms, tatweel, digits, case, punctuation), cut into its
character 3-, 4- and 5-grams within words (each word padded with a space, so a
word's start and end count; an Arabic word's prefixes and suffixes still share
most n-grams with its stem), weighted by TF-IDF (sublinear counts, smoothed idf:
n-grams every answer shares weigh little) and compared by cosine.  The order is
a greedy nearest-neighbour chain: it starts at the grader's first answer in
their random order (:func:`.order.order`, so no trainee is always first) and
always goes on to the most similar answer not yet placed, ties going to the
grader's random order: the same order each time the grader comes back to the
same answers.

Everything is computed here, with numpy (already installed for pandas and
matplotlib): no model is downloaded, nothing leaves the machine.
scikit-learn's TfidfVectorizer(analyzer="char_wb") computes the same vectors,
but is a large dependency for these few lines, and scipy is not installed.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np

from curriculum.normalize import normalize_text

SIZES = (3, 4, 5)


def grams(text: str, sizes: tuple[int, ...] = SIZES) -> Counter:
    """The character n-grams of ``text``'s normalised words, each word padded with a space on either side."""
    found: Counter = Counter()
    for word in normalize_text(text).split():
        padded = f" {word} "
        for n in sizes:
            for i in range(len(padded) - n + 1):
                found[padded[i:i + n]] += 1
        if len(padded) < min(sizes):
            found[padded] += 1
    return found


def similarities(texts: tuple[str, ...]) -> np.ndarray:
    """Cosine similarity of every pair of ``texts`` (TF-IDF of their character n-grams); 0 for an empty text."""
    return _similarities(tuple(texts)).copy()


@lru_cache(maxsize=16)
def _similarities(texts: tuple[str, ...]) -> np.ndarray:
    counts = [grams(t) for t in texts]
    n = len(texts)
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
    # every n-gram counts towards an answer's length; only those two answers or more share can make them alike
    shared = sorted(g for g, d in df.items() if d > 1)
    column = {g: j for j, g in enumerate(shared)}
    matrix = np.zeros((n, len(shared)), dtype=np.float64)
    for i, c in enumerate(counts):
        weights = {g: (1 + math.log(k)) * idf[g] for g, k in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            continue
        for g, w in weights.items():
            if g in column:
                matrix[i, column[g]] = w / norm
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, [1.0 if c else 0.0 for c in counts])  # an answer is itself, n-grams shared or not
    return similarity


def chain(similarity: np.ndarray, start: int, rank: list[int]) -> list[int]:
    """Indices in a greedy nearest-neighbour chain from ``start``: each next one the most similar not yet placed.

    ``rank[i]`` is index ``i``'s place in the grader's random order: among equally similar answers, the one the
    grader would have seen first comes first (so equal answers keep the grader's own order)."""
    n = len(rank)
    placed = np.zeros(n, dtype=bool)
    tie = np.asarray(rank, dtype=np.float64) / (n + 1) * 1e-12  # below any real difference of two cosines
    out = [start]
    placed[start] = True
    current = start
    for _ in range(n - 1):
        row = np.where(placed, -np.inf, np.round(similarity[current], 9) - tie)
        current = int(np.argmax(row))
        placed[current] = True
        out.append(current)
    return out


def together(texts: dict[str, str], shuffled: list[str]) -> list[str]:
    """The keys of ``texts`` (trainee → answer) with similar answers side by side, from ``shuffled``'s first one.

    ``shuffled`` is the grader's random order of the same keys (:func:`.order.order`): it picks where the chain
    starts and breaks ties, so the result is stable for a grader whatever order ``texts`` comes in."""
    if len(shuffled) < 3:
        return list(shuffled)
    names = sorted(texts)  # one canonical order: the same matrix (and the same floats) on every visit
    similarity = _similarities(tuple(texts[t] for t in names))
    place = {t: i for i, t in enumerate(shuffled)}
    rank = [place[t] for t in names]
    return [names[i] for i in chain(similarity, names.index(shuffled[0]), rank)]
