"""Per-customer signals and features at a date, computed set-based in DuckDB.

Everything at date ``t`` uses data up to ``t`` only; the label uses the ``horizon`` days
after ``t`` only (no look-ahead). AUM at a past date is rebuilt from today's AUM:
AUM_then = AUM_now − net asset flows booked since then.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from typing import Any

import numpy as np

from pcrm.retention.policy import section

# Model inputs, in order (names are keys of the frame returned by :func:`frame_at`).
FEATURES = [
    "aum_drop",
    "transfer_out_share",
    "transfer_out_count",
    "maturity_not_reinvested",
    "neglect_ratio",
    "declined",
    "complaint",
    "accounts_closed",
    "tier_downgrade_pending",
    "log_aum",
]


def _regex(patterns: list[str]) -> str:
    return "|".join(re.escape(p) for p in patterns)


def _like_any(column: str, patterns: list[str]) -> str:
    return f"regexp_matches({column}, $re_{column})" if patterns else "false"


def _interval_case() -> str:
    rows = sorted(section("signals")["maintenance"], key=lambda r: -r["aum_floor"])
    whens = " ".join(
        f"WHEN aum_t >= {float(r['aum_floor'])} THEN {int(r['interval_days'])}" for r in rows
    )
    return f"CASE {whens} ELSE {int(rows[-1]['interval_days'])} END"


def _tiers() -> list[dict[str, Any]]:
    """The policy's tiers, lowest floor first (rank 1 = the first tier; 0 = no tier)."""
    return sorted(section("signals")["tiers"], key=lambda r: float(r["floor"]))


def _rank_case(column: str) -> str:
    whens = " ".join(
        f"WHEN {column} >= {float(r['floor'])} THEN {k}"
        for k, r in reversed(list(enumerate(_tiers(), start=1)))
    )
    return f"CASE {whens} ELSE 0 END"


def _next_floor_case(column: str) -> str:
    """The floor of the tier above the one ``column`` reaches (NULL at the top tier)."""
    floors = [float(r["floor"]) for r in _tiers()]
    whens = " ".join(
        f"WHEN {column} >= {lower} THEN {upper}"
        for lower, upper in reversed(list(pairwise(floors)))
    )
    return f"CASE WHEN {column} >= {floors[-1]} THEN NULL {whens} ELSE {floors[0]} END"


def _tier_lasts() -> str:
    """``last_k``: the last day AUM was at tier k's floor, at the end of a flow day (post)
    or of the day before it (pre); NULL when it never was within the grace."""
    return ", ".join(
        f"max(CASE WHEN a.aum_t - l.later >= {float(r['floor'])} THEN l.day"
        f" WHEN a.aum_t - l.later - l.net >= {float(r['floor'])} THEN l.day - 1 END) AS last_{k}"
        for k, r in enumerate(_tiers(), start=1)
    )


def _held_case() -> str:
    whens = " ".join(f"WHEN x.last_{k} IS NOT NULL THEN {k}" for k in range(len(_tiers()), 0, -1))
    return f"CASE {whens} ELSE 0 END"


def _last_of_reached() -> str:
    whens = " ".join(f"WHEN {k} THEN last_{k}" for k in range(1, len(_tiers()) + 1))
    return f"CASE reached {whens} END"


def _sql() -> str:
    s = section("signals")
    other = (
        f"({_like_any('counterparty', s['other_bank_counterparty'])}"
        f" OR {_like_any('memo', s['other_bank_memo'])})"
        " AND NOT list_contains($own, counterparty)"
    )
    # Only policy numbers (cast to int/float) are formatted in; every string is a parameter.
    return f"""
WITH flows AS (
  SELECT t.* FROM txns t LEFT JOIN holdings h ON h.id = t.holding_id WHERE coalesce(h.asset, true)
), aum AS (
  SELECT c.id, c.branch_id, c.manager_id,
    c.aum - coalesce(sum(f.amount) FILTER (WHERE f.day > $t), 0) AS aum_t,
    c.aum - coalesce(sum(f.amount) FILTER (WHERE f.day > $t - $aw), 0) AS aum_then,
    c.aum - coalesce(sum(f.amount) FILTER (WHERE f.day > $t + $h), 0) AS aum_after,
    coalesce(sum(-f.amount) FILTER (
      WHERE f.amount < 0 AND f.day > $t - $tdw AND f.day <= $t), 0) AS tier_out
  FROM customers c LEFT JOIN flows f ON f.customer_id = c.id
  GROUP BY c.id, c.branch_id, c.manager_id, c.aum
), out AS (
  SELECT customer_id, count(*) AS n, sum(-amount) AS total, max(-amount) AS biggest
  FROM txns WHERE amount < 0 AND day > $t - $tw AND day <= $t AND {other} GROUP BY 1
), mat AS (
  SELECT h.customer_id, count(*) AS n FROM holdings h
  WHERE list_contains($term, h.ptype) AND h.status <> 'active'
    AND h.matures_on > $t - $ml AND h.matures_on <= $t - $grace
    AND NOT EXISTS (
      SELECT 1 FROM txns x JOIN holdings h2 ON h2.id = x.holding_id
      WHERE x.customer_id = h.customer_id AND x.amount > 0 AND h2.asset AND h2.id <> h.id
        AND h2.ptype <> 'demand_deposit'
        AND x.day >= h.matures_on AND x.day <= h.matures_on + $grace)
  GROUP BY 1
), reach AS (
  SELECT customer_id, max(day) AS last_day FROM contacts
  WHERE outcome = 'reached' AND day <= $t GROUP BY 1
), decl AS (
  SELECT customer_id, count(*) AS n FROM contacts
  WHERE outcome = 'declined' AND day > $t - $dw AND day <= $t GROUP BY 1
), comp AS (
  SELECT customer_id, count(*) AS n FROM (
    SELECT customer_id FROM contacts
    WHERE list_contains($purposes, purpose) AND day > $t - $cw AND day <= $t
    UNION ALL
    SELECT customer_id FROM complaints
    WHERE received <= $t AND (received > $t - $cw OR closed IS NULL OR closed > $t)
  ) GROUP BY 1
), tday AS (  -- net asset flow per day within the downgrade grace before t
  SELECT customer_id, day, sum(amount) AS net FROM flows
  WHERE day > $t - $tdw AND day <= $t AND customer_id IN (
    -- only customers whose AUM may have been at a higher floor: aum_t + outflows bound it
    SELECT id FROM aum WHERE aum_t + tier_out >= {_next_floor_case("aum_t")})
  GROUP BY 1, 2
), tlev AS (  -- flows after each such day: AUM at its end = aum_t − later, before it − net
  SELECT customer_id, day, net, coalesce(sum(net) OVER (PARTITION BY customer_id
    ORDER BY day DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS later
  FROM tday
), tlast AS (  -- per tier: the last day within the grace the AUM was at its floor
  SELECT l.customer_id, {_tier_lasts()}
  FROM tlev l JOIN aum a ON a.id = l.customer_id GROUP BY 1
), theld AS (  -- fast up, slow down: the tier held is the highest one reached in the grace
  SELECT a.id, {_rank_case("a.aum_t")} AS tier_now, {_held_case()} AS reached, x.*
  FROM aum a LEFT JOIN tlast x ON x.customer_id = a.id
), tier AS (
  SELECT id, tier_now, greatest(tier_now, reached) AS tier_held,
    CASE WHEN reached > tier_now THEN {_last_of_reached()} END AS last_day
  FROM theld
), hold AS (
  SELECT customer_id, count(*) AS n_all,
    count(*) FILTER (WHERE cday <= $t) AS closed_by_t,
    count(*) FILTER (WHERE cday > $t - $clw AND cday <= $t) AS closed_recent,
    count(*) FILTER (WHERE status <> 'active') = count(*)
      AND max(cday) > $t AND max(cday) <= $t + $h AS all_close_in_horizon
  FROM (SELECT *, CASE WHEN status <> 'active'
          THEN coalesce(last_txn, matures_on, $today) END AS cday FROM holdings) GROUP BY 1
)
SELECT a.id, a.branch_id, a.manager_id, a.aum_t, a.aum_then, a.aum_after,
  coalesce(o.n, 0) AS transfer_out_count, coalesce(o.total, 0) AS transfer_out_total,
  coalesce(o.biggest, 0) AS transfer_out_max, coalesce(m.n, 0) AS maturity_not_reinvested,
  least(coalesce($t - r.last_day, $cap), $cap) AS days_since_reached,
  {_interval_case()} AS interval_days,
  coalesce(d.n, 0) AS declined, coalesce(q.n, 0) AS complaint,
  coalesce(k.closed_recent, 0) AS accounts_closed,
  coalesce(k.n_all, 0) AS n_accounts, coalesce(k.closed_by_t, 0) AS closed_by_t,
  coalesce(k.all_close_in_horizon, false) AS all_close_in_horizon,
  tr.tier_now, tr.tier_held, coalesce($t - (tr.last_day + 1), 0) AS tier_days_below,
  tr.last_day IS NOT NULL AS tier_pending
FROM aum a LEFT JOIN out o ON o.customer_id = a.id LEFT JOIN mat m ON m.customer_id = a.id
  LEFT JOIN tier tr ON tr.id = a.id
  LEFT JOIN reach r ON r.customer_id = a.id LEFT JOIN decl d ON d.customer_id = a.id
  LEFT JOIN comp q ON q.customer_id = a.id LEFT JOIN hold k ON k.customer_id = a.id
ORDER BY a.id
"""  # noqa: S608


def _params(t: dt.date, today: dt.date) -> dict[str, Any]:
    s, lab = section("signals"), section("label")
    params: dict[str, Any] = {
        "t": t,
        "today": today,
        "aw": s["aum_window_days"],
        "h": lab["horizon_days"],
        "tw": s["transfer_window_days"],
        "own": list(s["own_bank_names"]),
        "term": list(s["term_product_types"]),
        "ml": s["maturity_lookback_days"],
        "grace": s["reinvest_grace_days"],
        "cap": s["neglect_cap_days"],
        "dw": s["declined_window_days"],
        "cw": s["complaint_window_days"],
        "purposes": list(s["complaint_purposes"]),
        "clw": s["closed_window_days"],
        "tdw": s["tier_downgrade_days"],
    }
    if s["other_bank_counterparty"]:
        params["re_counterparty"] = _regex(s["other_bank_counterparty"])
    if s["other_bank_memo"]:
        params["re_memo"] = _regex(s["other_bank_memo"])
    return params


def frame_at(con: Any, *, t: dt.date, today: dt.date) -> dict[str, np.ndarray]:
    """Columns (numpy arrays, one row per customer) of raw facts, features and the label."""
    raw: dict[str, Any] = con.execute(_sql(), _params(t, today)).fetchnumpy()
    f = {k: np.asarray(v) for k, v in raw.items()}
    derive(f)
    _label(f)
    return f


def derive(f: dict[str, np.ndarray]) -> None:
    """Model features from raw facts (also used by the synthetic benchmark)."""
    then = f["aum_then"].astype(float)
    base = np.maximum(then, 1.0)
    f["aum_drop"] = np.where(then > 0, np.clip(1 - f["aum_t"] / base, -1, 1), 0.0)
    f["transfer_out_share"] = np.clip(f["transfer_out_total"] / base, 0, 2)
    f["neglect_ratio"] = f["days_since_reached"] / np.maximum(f["interval_days"], 1)
    f["log_aum"] = np.log1p(np.maximum(f["aum_t"].astype(float), 0))
    f["tier_downgrade_pending"] = np.asarray(f["tier_pending"], dtype=float)


def _label(f: dict[str, np.ndarray]) -> None:
    """label: AUM falls by the policy share, or every account closes, within the horizon.

    Eligible: still a customer at t (AUM at least the policy minimum, not every account closed).
    """
    lab = section("label")
    aum_t = f["aum_t"]
    all_closed = (f["n_accounts"] > 0) & (f["closed_by_t"] == f["n_accounts"])
    f["eligible"] = (aum_t >= lab["min_aum"]) & ~all_closed
    fell = f["aum_after"] <= (1 - lab["aum_fall_share"]) * aum_t
    f["label"] = f["eligible"] & (fell | f["all_close_in_horizon"].astype(bool))
