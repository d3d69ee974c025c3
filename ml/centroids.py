"""Nearest-centroid text classification: how a taxonomy itself words each of its entries.

Both the occupation coder and the skill resolver end with a model of this kind when their rules
find nothing sure: every class (an occupation, a skill) is the weighted sum of its documents (names,
aliases, synonyms, the start of its description), over character 1-3-grams, words (given by the
caller's segmenter) and the last two and three characters (the head of a Chinese compound: 工程师,
客服, 司机). Weights are log counts times an inverse class frequency raised to ``POWER`` (a feature
that many classes share, 经理 or 工程师, says little). A text goes to the class of the most similar
centroid, with the cosine and the margin over the runner-up.

Chosen on the tuning half of the outside titles (docs/evaluation.md): a linear SVM was three points
better there but took 18 s to train and half a gigabyte of weights; this builds in about a second.
Pure Python with numpy and scipy (no scikit-learn: importing it costs a second or two in every
process that needs a model); no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

POWER = 1.5


def centroid_score(similarity: float, margin: float) -> float:
    """A raw score from the cosine to the nearest centroid and its margin over the runner-up (the
    calibration maps turn it into a probability)."""
    return round(max(0.0, min(0.95, 0.7 * similarity + 1.5 * margin)), 4)


class CentroidModel:
    def __init__(
        self,
        docs: Sequence[str],
        classes: Sequence[str],
        weights: Sequence[float],
        *,
        words: Callable[[str], list[str]] | None = None,
    ) -> None:
        self._words = words
        self.classes = sorted(set(classes))
        self._vocabulary: dict[str, int] = {}
        self._built = False
        if not docs:
            return
        position = {c: i for i, c in enumerate(self.classes)}
        counts = self._counts(docs)
        counts.data = np.log1p(counts.data)
        owner = sp.csr_matrix(
            (np.asarray(weights, dtype=np.float64), ([position[c] for c in classes], np.arange(len(docs)))),
            shape=(len(self.classes), len(docs)),
        )
        by_class = (owner @ counts).tocsr()
        spread = np.bincount(by_class.indices, minlength=by_class.shape[1])
        self._icf_values = np.log((len(self.classes) + 1.0) / (spread + 1.0)) ** POWER
        self._icf = sp.diags(self._icf_values)
        # Features x classes: a text's features are rows to gather.
        self._centroids = _l2_rows(by_class @ self._icf).T.tocsr()
        self._built = True

    def _counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Documents x features: how often each feature occurs in each document (the vocabulary is
        every feature seen, numbered in order of first sight)."""
        vocabulary = self._vocabulary
        indptr = [0]
        indices: list[int] = []
        values: list[int] = []
        for doc in docs:
            counted: dict[int, int] = {}
            for feature in self._features(doc):
                j = vocabulary.setdefault(feature, len(vocabulary))
                counted[j] = counted.get(j, 0) + 1
            indices.extend(counted)
            values.extend(counted.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(docs), len(vocabulary)),
        )
        matrix.sort_indices()
        return matrix

    def _features(self, text: str) -> list[str]:
        plain = text.replace(" ", "")
        grams = [plain[i : i + n] for n in (1, 2, 3) for i in range(len(plain) - n + 1)]
        if self._words is not None and not plain.isascii():
            grams += ["W:" + w for w in self._words(plain) if len(w) >= 2]
        if len(plain) >= 2:
            grams.append("H:" + plain[-2:])
        if len(plain) >= 3:
            grams.append("H3:" + plain[-3:])
        return grams

    def nearest(self, text: str) -> tuple[str, float, float] | None:
        """(class, cosine, margin over the runner-up), or None when the text shares nothing.

        One text in tens of microseconds: its few features are weighed in Python and the classes
        gathered from the rows of the (features x classes) centroid matrix, without building a
        sparse matrix per text (scipy's overhead would be most of the cost)."""
        if not self._built or not text.strip():
            return None
        vocabulary = self._vocabulary
        counts: dict[int, int] = {}
        for feature in self._features(text):
            j = vocabulary.get(feature)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return None
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = (
            np.log1p(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) * self._icf_values[columns]
        )
        norm = float(np.sqrt(weights @ weights))
        if norm == 0.0:
            return None
        matrix = self._centroids
        starts, ends = matrix.indptr[columns], matrix.indptr[columns + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return None
        # Where each gathered row starts in the gathered order is the sum of the lengths before it
        # (``cumsum - lengths``: the same integers as ``np.r_[0, cumsum[:-1]]``, which costs more).
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        similarities = np.bincount(
            matrix.indices[offsets],
            weights=matrix.data[offsets] * np.repeat(weights / norm, lengths),
            minlength=len(self.classes),
        )
        top = np.argpartition(-similarities, 1)[:2] if len(similarities) > 1 else np.array([0])
        top = top[np.argsort(-similarities[top])]
        best = float(similarities[top[0]])
        if best <= 0.0:
            return None
        runner = float(similarities[top[1]]) if len(top) > 1 else 0.0
        return self.classes[int(top[0])], best, best - runner


def _l2_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
