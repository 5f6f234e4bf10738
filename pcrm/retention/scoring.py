"""Signals fired, their facts in Chinese, the rules-only score, and model explanations."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from pcrm.retention.features import FEATURES
from pcrm.retention.policy import section

SIGNALS = [
    "aum_drop",
    "transfer_out",
    "maturity_not_reinvested",
    "neglect",
    "declined",
    "complaint",
    "accounts_closed",
    "tier_downgrade",
]
# Which signal a model feature speaks for (for the reasons of a learned score).
FEATURE_SIGNAL = {
    "aum_drop": "aum_drop",
    "transfer_out_share": "transfer_out",
    "transfer_out_count": "transfer_out",
    "maturity_not_reinvested": "maturity_not_reinvested",
    "neglect_ratio": "neglect",
    "declined": "declined",
    "complaint": "complaint",
    "accounts_closed": "accounts_closed",
    "tier_downgrade_pending": "tier_downgrade",
    "log_aum": "",
}


def signal_labels() -> dict[str, str]:
    return {
        "aum_drop": _("资产大幅下降"),
        "transfer_out": _("大额转出至他行"),
        "maturity_not_reinvested": _("到期未续投"),
        "neglect": _("长期未联系上"),
        "declined": _("拒绝联系"),
        "complaint": _("近期投诉"),
        "accounts_closed": _("账户销户"),
        "tier_downgrade": _("客户等级待下调"),
    }


def tier_labels() -> list[str]:
    """Tier names by rank (0 = below every tier), lowest floor first as in the policy."""
    names = {"gold": _("金卡"), "platinum": _("白金"), "diamond": _("钻石")}
    tiers = sorted(section("signals")["tiers"], key=lambda r: float(r["floor"]))
    return [_("普通客户")] + [names.get(r["tier"], r["tier"]) for r in tiers]


def fired(f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One boolean array per signal: the signal is on at its policy threshold."""
    s = section("signals")
    return {
        "aum_drop": (f["aum_then"] > 0) & (f["aum_drop"] >= s["aum_drop_share"]),
        "transfer_out": f["transfer_out_max"] >= s["large_transfer_amount"],
        "maturity_not_reinvested": f["maturity_not_reinvested"] >= 1,
        "neglect": f["days_since_reached"] > s["neglect_factor"] * f["interval_days"],
        "declined": f["declined"] >= s["declined_min"],
        "complaint": f["complaint"] >= 1,
        "accounts_closed": f["accounts_closed"] >= s["closed_min"],
        # The grace of the policy is applied in the SQL (features.py): pending = within it.
        "tier_downgrade": np.asarray(f["tier_pending"], dtype=bool),
    }


def rules_score(on: dict[str, np.ndarray]) -> np.ndarray:
    """The rules-only score: policy weights of the fired signals, summed, capped at 1."""
    weights = section("rules")
    total = np.zeros(len(next(iter(on.values()))), dtype=float)
    for name, flags in on.items():
        total += weights[name] * flags
    return np.minimum(total, 1.0)


def _wan(x: float) -> str:
    return f"{x / 10000:,.1f}" + _("万元")


def fact(name: str, f: dict[str, np.ndarray], i: int) -> str:
    """The facts behind one signal for row ``i``, in Chinese."""
    s = section("signals")
    if name == "aum_drop":
        return _("近%(d)s天资产下降%(p)d%%（%(a)s → %(b)s）") % {
            "d": s["aum_window_days"],
            "p": round(100 * float(f["aum_drop"][i])),
            "a": _wan(float(f["aum_then"][i])),
            "b": _wan(float(f["aum_t"][i])),
        }
    if name == "transfer_out":
        return _("近%(d)s天转出至他行%(n)d笔，合计%(t)s，最大一笔%(m)s") % {
            "d": s["transfer_window_days"],
            "n": int(f["transfer_out_count"][i]),
            "t": _wan(float(f["transfer_out_total"][i])),
            "m": _wan(float(f["transfer_out_max"][i])),
        }
    if name == "maturity_not_reinvested":
        return _("%(n)d笔到期产品%(g)s天内未续投") % {
            "n": int(f["maturity_not_reinvested"][i]),
            "g": s["reinvest_grace_days"],
        }
    if name == "neglect":
        return _("已%(d)d天未联系上（维护周期%(v)d天）") % {
            "d": int(f["days_since_reached"][i]),
            "v": int(f["interval_days"][i]),
        }
    if name == "declined":
        return _("近%(d)s天拒绝联系%(n)d次") % {
            "d": s["declined_window_days"],
            "n": int(f["declined"][i]),
        }
    if name == "complaint":
        return _("近%(d)s天有投诉或投诉未办结（%(n)d件）") % {
            "d": s["complaint_window_days"],
            "n": int(f["complaint"][i]),
        }
    if name == "tier_downgrade":
        return _tier_fact(f, i)
    return _("近%(d)s天销户%(n)d个账户") % {
        "d": s["closed_window_days"],
        "n": int(f["accounts_closed"][i]),
    }


def _tier_fact(f: dict[str, np.ndarray], i: int) -> str:
    s, names = section("signals"), tier_labels()
    held, now = int(f["tier_held"][i]), int(f["tier_now"][i])
    floor = sorted(float(r["floor"]) for r in s["tiers"])[held - 1]
    below = int(f["tier_days_below"][i])
    return _("资产%(a)s低于%(tier)s门槛%(f)s已%(d)d天，%(r)d天内未回升将降为%(to)s") % {
        "a": _wan(float(f["aum_t"][i])),
        "tier": names[held],
        "f": _wan(floor),
        "d": below,
        "r": int(s["tier_downgrade_days"]) - below,
        "to": names[now],
    }


def matrix(f: dict[str, np.ndarray], names: list[str] | None = None) -> np.ndarray:
    """The model inputs in order: ``names`` (a stored model's features) or today's FEATURES."""
    return np.column_stack([np.asarray(f[name], dtype=float) for name in names or FEATURES])


def reasons_for(
    f: dict[str, np.ndarray],
    on: dict[str, np.ndarray],
    i: int,
    contributions: np.ndarray | None,
    features: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Top signals of row ``i``: by model contribution when learned, else by rule weight."""
    labels, shown = signal_labels(), section("win_back")["reasons_shown"]
    ranked: dict[str, float] = {}
    if contributions is not None:
        for j, feature in enumerate(features or FEATURES):
            name = FEATURE_SIGNAL[feature]
            if name and on[name][i] and contributions[j] > 0:
                ranked[name] = ranked.get(name, 0.0) + float(contributions[j])
    else:
        weights = section("rules")
        ranked = {n: float(weights[n]) for n in SIGNALS if on[n][i]}
    top = sorted(ranked.items(), key=lambda kv: -kv[1])[:shown]
    return [
        {"signal": n, "label": labels[n], "fact": fact(n, f, i), "weight": round(w, 3)}
        for n, w in top
    ]
