"""Writers of the customer files: customers, holdings, transactions, interactions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from pcrm.ingest import bulk
from pcrm.ingest.bulk import UpsertPlan
from pcrm.ingest.schemas import ParsedRow, RowError
from pcrm.ingest.sealing import DERIVED
from pcrm.ingest.writers import (
    OUT_OF_SCOPE,
    Prepared,
    Writer,
    _err,
    lookup_accounts,
    lookup_customers,
)

_PROTECTED = ("id_no", "phone", "email", "address")
# Columns of the file copied to the customer as they are, with the value an absent cell means.
_PLAIN: dict[str, Any] = {
    "id_type": "id_card",
    "gender": "",
    "birth_date": None,
    "lunar_birthday": False,
    "work_unit": "",
    "occupation": "",
    "family": "",
    "relatives": "",
    "service_established": False,
    "red_list": False,
    "potential": None,
    "orientation": "",
    "contact_preference": "",
    "risk_rating": "",
    "risk_assessed_on": None,
    "marketing_consent": True,
}
_DERIVED = {
    "id_no": ("id_no_index", "id_no_masked"),
    "phone": ("phone_index", "phone_masked"),
    "email": ("email_index", "email_masked"),
    "address": ("address_masked",),
}


class CustomerWriter(Writer):
    """Customers: protected columns sealed, index and masked copies from customer_derived."""

    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        self.plain = [c for c in _PLAIN if c in present]
        self.protected = [c for c in _PROTECTED if c in present]
        update = ["name", "name_pinyin", "name_initials", "branch_id", *self.plain]
        if "manager_code" in present:
            update.append("manager_id")
        for column in self.protected:
            update += [column, *_DERIVED[column]]
        update.append("updated_at")
        insert_only = ["aum", "created_at"]
        insert_only += [c for c in _PLAIN if c not in present]
        for column in _PROTECTED:
            if column not in present:
                insert_only += [column, *_DERIVED[column]]
        return UpsertPlan(
            "customers_customer",
            ("customer_no",),
            ("customer_no", *update, *insert_only),
            tuple(update),
            frozenset(_PROTECTED),
        )

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        return self.finish(self.begin(rows))

    def begin(self, rows: Sequence[ParsedRow]) -> Any:
        """References and scope checked, the sealing started (in the pool for large chunks).

        Reads only branches, staff and (for a scoped actor) existing customers'
        branches, none of which an earlier chunk of a customers file changes
        in a way that matters here, so it may run ahead of the previous commit.
        """
        kept, errors = self._resolve(rows)
        pending = self.context.sealer.identities_later(
            [(r.values["name"], *(r.values.get(c) or "" for c in _PROTECTED)) for r in kept]
        )
        return kept, errors, pending

    def finish(self, begun: Any) -> Prepared:
        kept, errors, pending = begun
        identities = pending()
        now = timezone.now()
        absent_plain = [v for c, v in _PLAIN.items() if c not in self.present]
        absent_protected: list[Any] = []
        for column in _PROTECTED:
            if column not in self.present:
                absent_protected += [""] * (1 + len(_DERIVED[column]))
        positions = [
            (_PROTECTED.index(c), [DERIVED.index(d) for d in _DERIVED[c]]) for c in self.protected
        ]
        plain = [(c, _PLAIN[c]) for c in self.plain]
        with_manager = "manager_code" in self.present
        tail = (now, 0, now, *absent_plain, *absent_protected)
        tuples = []
        for row, (derived, sealed) in zip(kept, identities, strict=True):
            values = row.values
            out: list[Any] = [values["customer_no"], values["name"], derived[0], derived[1]]
            out.append(row.extra["branch_id"])
            for column, default in plain:
                value = values.get(column)
                out.append(default if value is None or value == "" else value)
            if with_manager:
                out.append(row.extra["manager_id"])
            for at, derived_at in positions:
                out.append(sealed[at])
                out += [derived[d] for d in derived_at]
            out += tail
            tuples.append(tuple(out))
        return tuples, kept, errors

    def _resolve(self, rows: Sequence[ParsedRow]) -> tuple[list[ParsedRow], list[RowError]]:
        context = self.context
        existing = lookup_customers([r.key for r in rows]) if context.scope is not None else {}
        kept, errors = [], []
        for row in rows:
            code = row.values["branch_code"]
            branch_id = context.branches.get(code)
            if branch_id is None:
                errors.append(_err(row, "branch_code", code, "网点不存在"))
                continue
            before = existing.get(row.key)
            if not context.allowed(branch_id) or (before and not context.allowed(before[1])):
                errors.append(_err(row, "branch_code", code, OUT_OF_SCOPE))
                continue
            manager = row.values.get("manager_code") or ""
            staff = context.staff.get(manager) if manager else None
            if manager and staff is None:
                errors.append(_err(row, "manager_code", manager, "客户经理不存在"))
                continue
            row.extra["branch_id"] = branch_id
            row.extra["manager_id"] = staff[0] if staff else None
            kept.append(row)
        return kept, errors


def _or(value: Any, default: Any) -> Any:
    return default if value is None or value == "" else value


class HoldingWriter(Writer):
    """Holdings by account number (found through its blind index); products upserted first."""

    PRODUCT_PLAN = UpsertPlan(
        "customers_product",
        ("code",),
        ("code", "name", "product_type", "risk_level"),
        ("name", "product_type", "risk_level"),
    )

    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        money: dict[str, Any] = {
            "principal": 0,
            "market_value": 0,
            "opened_on": None,
            "matures_on": None,
            "status": "active",
        }
        self.optional = {c: d for c, d in money.items() if c in present}
        self.absent = [d for c, d in money.items() if c not in present]
        update = ["customer_id", "product_id", *self.optional]
        columns = ("account_no_index", "account_no", "account_no_masked", *update)
        columns += tuple(c for c in money if c not in present)
        return UpsertPlan(
            "customers_holding",
            ("account_no_index",),
            columns,
            tuple(update),
            frozenset({"account_no"}),
        )

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        # pii imports pypinyin (~0.3 s of dictionaries): only the files that need it pay.
        from pcrm.customers.pii import account_derived

        customers = lookup_customers([r.values["customer_no"] for r in rows])
        existing = lookup_accounts([r.key for r in rows])
        kept, errors = [], []
        for row in rows:
            customer = customers.get(row.values["customer_no"])
            if customer is None:
                errors.append(_err(row, "customer_no", row.values["customer_no"], "客户不存在"))
                continue
            before = existing.get(row.key)
            # A branch head may not take over an account held by someone else's customer.
            owner_ok = self.context.scope is None or before is None or before[1] == customer[0]
            if not self.context.allowed(customer[1]) or not owner_ok:
                errors.append(_err(row, "customer_no", row.values["customer_no"], OUT_OF_SCOPE))
                continue
            row.extra["customer_id"] = customer[0]
            row.extra["previous_owner"] = before[1] if before else None
            kept.append(row)
        products = self._write_products(kept)
        sealed = iter(self.context.sealer.seal_many([r.key for r in kept]))
        tuples = []
        for row in kept:
            derived = account_derived(account_no=row.key)
            out: list[Any] = [derived["account_no_index"], next(sealed)]
            out += [derived["account_no_masked"], row.extra["customer_id"]]
            out.append(products[row.values["product_code"]])
            out += [_or(row.values.get(c), d) for c, d in self.optional.items()]
            tuples.append((*out, *self.absent))
        return tuples, kept, errors

    def _write_products(self, rows: Sequence[ParsedRow]) -> dict[str, int]:
        latest: dict[str, tuple[Any, ...]] = {}
        for row in rows:
            code = row.values["product_code"]
            name = row.values.get("product_name") or code
            latest[code] = (
                code,
                name,
                row.values["product_type"],
                row.values.get("risk_level") or "",
            )
        bulk.upsert(self.PRODUCT_PLAN, list(latest.values()))
        found = bulk.lookup("customers_product", "code", latest, "id")
        return {code: value[0] for code, value in found.items()}

    def after_write(self, written: Sequence[ParsedRow]) -> None:
        from pcrm.customers.services import customer_aum_refresh  # imports pypinyin: see above

        # A holding that moved to another customer changes the AUM of both.
        owners = {row.extra["customer_id"] for row in written}
        owners |= {row.extra["previous_owner"] for row in written if row.extra["previous_owner"]}
        customer_aum_refresh(customer_ids=owners)


class TransactionWriter(Writer):
    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        self.text = [c for c in ("channel", "counterparty", "memo") if c in present]
        absent = [c for c in ("channel", "counterparty", "memo") if c not in present]
        update = ["holding_id", "customer_id", "booked_at", "amount", *self.text]
        self.absent = [""] * len(absent)
        return UpsertPlan(
            "customers_transaction", ("txn_id",), ("txn_id", *update, *absent), tuple(update)
        )

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        customers = lookup_customers([r.values["customer_no"] for r in rows])
        accounts = lookup_accounts([r.values.get("account_no") or "" for r in rows])
        tuples, kept, errors = [], [], []
        for row in rows:
            number = row.values["customer_no"]
            customer = customers.get(number)
            if customer is None:
                errors.append(_err(row, "customer_no", number, "客户不存在"))
                continue
            if not self.context.allowed(customer[1]):
                errors.append(_err(row, "customer_no", number, OUT_OF_SCOPE))
                continue
            account = row.values.get("account_no") or ""
            holding = accounts.get(account) if account else None
            if account and holding is None:
                errors.append(_err(row, "account_no", _mask_acct(account), "账号不存在"))
                continue
            if holding and holding[1] != customer[0]:
                errors.append(_err(row, "account_no", _mask_acct(account), "账号不属于该客户"))
                continue
            out = [row.key, holding[0] if holding else None, customer[0]]
            out += [row.values["booked_at"], row.values["amount"]]
            out += [row.values.get(c) or "" for c in self.text]
            tuples.append((*out, *self.absent))
            kept.append(row)
        return tuples, kept, errors


def _mask_acct(account: str) -> str:
    from pcrm.lib.masking import mask_account

    return mask_account(account)


class InteractionWriter(Writer):
    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        self.text = [c for c in ("purpose", "notes") if c in present]
        absent = [c for c in ("purpose", "notes") if c not in present]
        self.absent = ["" for _ in absent]
        key = ("customer_id", "staff_id", "occurred_at", "channel")
        update = ["outcome", *self.text]
        return UpsertPlan(
            "customers_interaction",
            key,
            (*key, *update, *absent, "method", "work_item_key", "created_at"),
            tuple(update),
        )

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        customers = lookup_customers([r.values["customer_no"] for r in rows])
        tuples, kept, errors = [], [], []
        now = timezone.now()
        for row in rows:
            values = row.values
            customer = customers.get(values["customer_no"])
            if customer is None:
                errors.append(_err(row, "customer_no", values["customer_no"], "客户不存在"))
                continue
            staff = self.context.staff.get(values["staff_code"])
            if staff is None:
                errors.append(_err(row, "staff_code", values["staff_code"], "员工不存在"))
                continue
            if not self.context.allowed(customer[1]):
                errors.append(_err(row, "customer_no", values["customer_no"], OUT_OF_SCOPE))
                continue
            out = [customer[0], staff[0], values["occurred_at"], values["channel"]]
            out += [values["outcome"], *(values.get(c) or "" for c in self.text)]
            tuples.append((*out, *self.absent, "", "", now))
            kept.append(row)
        return tuples, kept, errors
