"""Train the churn model on the bank's own history, and score every customer.

Rows are (customer, cut-off) pairs: features from data up to the cut-off, the label from
the horizon after it (see features.py). Held-out customers (by id, never split across
cut-offs) give the AUC and the precision of the top share on the model card.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from pcrm.retention.features import FEATURES, frame_at
from pcrm.retention.policy import section
from pcrm.retention.scoring import matrix


@dataclass
class Fitted:
    """What a training run produced (before it is stored as a ChurnModel)."""

    kind: str
    window_start: dt.date
    window_end: dt.date
    rows: int
    positives: int
    auc: float | None = None
    top_precision: float | None = None
    pipeline: Any = None


def cutoffs(today: dt.date) -> list[dt.date]:
    """The cut-off dates: the latest is one horizon before today, then every step earlier."""
    tr, horizon = section("training"), section("label")["horizon_days"]
    last = today - dt.timedelta(days=horizon)
    return [last - dt.timedelta(days=k * tr["cutoff_step_days"]) for k in range(tr["cutoffs"])]


def history_since(today: dt.date) -> dt.date:
    """The earliest transaction day the training needs (AUM window before the first cut-off)."""
    return min(cutoffs(today)) - dt.timedelta(days=section("signals")["aum_window_days"] + 1)


def dataset(con: Any, today: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, customer ids) over every cut-off, eligible rows only."""
    xs, ys, ids = [], [], []
    for t in cutoffs(today):
        f = frame_at(con, t=t, today=today)
        keep = f["eligible"].astype(bool)
        xs.append(matrix(f)[keep])
        ys.append(f["label"][keep].astype(int))
        ids.append(f["id"][keep])
    if not xs:
        return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ids)


def held_out(ids: np.ndarray) -> np.ndarray:
    """A fixed share of customers, chosen by a hash of the id, held out of training."""
    share = section("training")["held_out_share"]
    return ((ids.astype(np.int64) * 2654435761) % 1000) < int(share * 1000)


def top_precision(y: np.ndarray, p: np.ndarray) -> float:
    """Share of churners among the highest-scored top share of customers."""
    n = max(1, int(np.ceil(section("training")["top_share"] * len(p))))
    order = np.argsort(-p, kind="stable")[:n]
    return float(y[order].mean())


def fit(con: Any, today: dt.date) -> Fitted:
    """Fit a standardised logistic regression, or fall back to rules with too little history."""
    tr = section("training")
    x, y, ids = dataset(con, today)
    dates = cutoffs(today)
    out = Fitted("rules", min(dates), today, len(y), int(y.sum()))
    if len(y) < tr["min_rows"] or y.sum() < tr["min_positives"]:
        return out
    # scikit-learn takes seconds to import: only the monthly training pays for it, not
    # every web process that merely routes to a retention page.
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    test = held_out(ids)
    pipeline = Pipeline(
        [("scale", StandardScaler()), ("model", LogisticRegression(max_iter=1000, C=1.0))]
    )
    pipeline.fit(x[~test], y[~test])
    out.kind, out.pipeline = "learned", pipeline
    if test.any() and 0 < y[test].sum() < test.sum():
        p = pipeline.predict_proba(x[test])[:, 1]
        out.auc = float(roc_auc_score(y[test], p))
        out.top_precision = top_precision(y[test], p)
    return out


def dumps(pipeline: Any) -> bytes:
    import joblib  # type: ignore[import-untyped]  # deferred with scikit-learn, see fit()

    buf = io.BytesIO()
    joblib.dump(pipeline, buf)
    return buf.getvalue()


def loads(blob: bytes | memoryview) -> Any:
    import joblib  # deferred with scikit-learn, see fit()

    return joblib.load(io.BytesIO(bytes(blob)))


def predict(pipeline: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, contributions) — contribution = coefficient × standardised value."""
    scale, model = pipeline.named_steps["scale"], pipeline.named_steps["model"]
    z = scale.transform(x)
    contributions = z * model.coef_[0]
    logits = contributions.sum(axis=1) + model.intercept_[0]
    return 1 / (1 + np.exp(-logits)), contributions


def coefficients(pipeline: Any) -> dict[str, float]:
    coef = pipeline.named_steps["model"].coef_[0]
    return {name: round(float(c), 4) for name, c in zip(FEATURES, coef, strict=True)}
