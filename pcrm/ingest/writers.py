"""Per-file writers: clean rows → references resolved, scope checked → database tuples.

A writer turns a chunk of :class:`ParsedRow` into (tuples to upsert, row
errors). References (branch, manager, customer, account) are resolved in
bulk per chunk; a row whose reference is missing or outside the actor's
branches is reported, never written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pcrm.ingest import bulk
from pcrm.ingest.bulk import UpsertPlan
from pcrm.ingest.schemas import ParsedRow, RowError
from pcrm.ingest.sealing import Sealer
from pcrm.lib.masking import mask_email, mask_phone
from pcrm.org.models import Branch, Role, Staff

OUT_OF_SCOPE = "无权导入其他网点的数据"
# Roles only a system import or an admin may give: a branch head cannot promote anyone.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.BRANCH_HEAD})


@dataclass
class Context:
    """What every writer needs: the branches and staff, and the actor's reach."""

    scope: frozenset[int] | None  # branch ids the actor may write to; None = every branch
    sealer: Sealer
    branches: dict[str, int]
    staff: dict[str, tuple[int, int | None]]

    @classmethod
    def load(cls, *, scope: frozenset[int] | None, sealer: Sealer) -> Context:
        context = cls(scope, sealer, {}, {})
        context.refresh()
        return context

    def refresh(self) -> None:
        self.branches = dict(Branch.objects.values_list("code", "id"))
        self.staff = {
            code: (pk, branch_id)
            for code, pk, branch_id in Staff.objects.values_list("staff_code", "id", "branch_id")
        }

    def allowed(self, branch_id: int | None) -> bool:
        return self.scope is None or branch_id in self.scope


Prepared = tuple[list[tuple[Any, ...]], list[ParsedRow], list[RowError]]


def _err(row: ParsedRow, column: str, value: str, reason: str) -> RowError:
    return RowError(row.line, column, value, reason)


class Writer:
    """Base: subclasses set ``plan_for`` and implement :meth:`prepare`."""

    def __init__(self, present: frozenset[str], context: Context) -> None:
        self.present = present
        self.context = context
        self.plan = self.plan_for(present)

    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        raise NotImplementedError

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        raise NotImplementedError

    def begin(self, rows: Sequence[ParsedRow]) -> Any:
        """Work on a chunk that may run before the previous chunk is committed.

        The default does nothing ahead: :meth:`finish` prepares the rows in the
        chunk's own transaction. A writer whose preparation reads no state that
        an earlier chunk of the same file writes may start it here (sealing in
        worker processes while the previous chunk is written). For an unscoped
        import it runs in the importer's parsing thread, so it may then use no
        database connection (a scoped import calls it on the importing thread).
        """
        return rows

    def finish(self, begun: Any) -> Prepared:
        """The chunk's (tuples, kept rows, row errors); runs in the chunk's transaction."""
        return self.prepare(begun)

    def write(self, tuples: list[tuple[Any, ...]]) -> tuple[int, int]:
        """Upsert the prepared tuples; (inserted, updated)."""
        return bulk.upsert(self.plan, tuples)

    def after_write(self, written: Sequence[ParsedRow]) -> None:
        """Set-based follow-up work in the chunk's transaction (e.g. AUM)."""

    def _columns(self, base: Sequence[str], optional: dict[str, Sequence[str]]) -> list[str]:
        columns = list(base)
        for source, targets in optional.items():
            if source in self.present:
                columns.extend(targets)
        return columns


# --- branches --------------------------------------------------------------------------


class BranchWriter(Writer):
    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        update = ["name"] + (["parent_id"] if "parent_code" in present else [])
        return UpsertPlan("org_branch", ("code",), ("code", *update), tuple(update))

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        known = self.context.branches
        in_file = {r.values["branch_code"] for r in rows}
        tuples, kept, errors = [], [], []
        for row in rows:
            code, parent = row.values["branch_code"], row.values.get("parent_code") or ""
            if parent == code:
                errors.append(_err(row, "parent_code", parent, "上级网点不能是本网点"))
                continue
            if parent and parent not in known and parent not in in_file:
                errors.append(_err(row, "parent_code", parent, "上级网点不存在"))
                continue
            anchor = known.get(code) or known.get(parent)
            if self.context.scope is not None and not self.context.allowed(anchor):
                errors.append(_err(row, "branch_code", code, OUT_OF_SCOPE))
                continue
            kept.append(row)
            values: list[Any] = [code, row.values["name"]]
            if "parent_code" in self.present:
                values.append(parent)  # replaced by the id once parents are written
            tuples.append(tuple(values))
        return tuples, kept, errors

    def write(self, tuples: list[tuple[Any, ...]]) -> tuple[int, int]:
        """Parents before children: write in rounds, resolving parent ids as they appear."""
        inserted = updated = 0
        pending = tuples
        while pending:
            known = self.context.branches
            ready = [t for t in pending if len(t) < 3 or not t[2] or t[2] in known]
            if not ready:  # a cycle inside the file: write without parents, report nothing lost
                ready = [(t[0], t[1], None) for t in pending]
            ids = [t if len(t) < 3 else (t[0], t[1], known.get(t[2])) for t in ready]
            done_i, done_u = bulk.upsert(self.plan, ids)
            inserted, updated = inserted + done_i, updated + done_u
            written = {t[0] for t in ready}
            pending = [t for t in pending if t[0] not in written]
            self.context.refresh()
        return inserted, updated


# --- staff -----------------------------------------------------------------------------


class StaffWriter(Writer):
    def plan_for(self, present: frozenset[str]) -> UpsertPlan:
        update = self._columns(
            ["name", "role", "is_staff"],
            {
                "branch_code": ["branch_id"],
                "phone": ["phone", "phone_masked"],
                "email": ["email", "email_masked"],
            },
        )
        insert_only = ["password", "is_active", "is_superuser", "date_joined"]
        self.absent = [c for c in ("phone", "email") if c not in present]
        for column in self.absent:
            insert_only += [column, f"{column}_masked"]
        return UpsertPlan(
            "org_staff",
            ("staff_code",),
            ("staff_code", *update, *insert_only),
            tuple(update),
            frozenset({"phone", "email"}),
        )

    def prepare(self, rows: Sequence[ParsedRow]) -> Prepared:
        tuples, kept, errors = [], [], []
        now = timezone.now()
        seal = self.context.sealer.seal_one
        for row in rows:
            values = row.values
            code = values.get("branch_code") or ""
            branch_id = self.context.branches.get(code) if code else None
            if code and branch_id is None:
                errors.append(_err(row, "branch_code", code, "网点不存在"))
                continue
            if not code and values["role"] not in {Role.ADMIN, Role.AUDITOR}:
                errors.append(_err(row, "branch_code", "", "该岗位必须填写所属网点"))
                continue
            if self.context.scope is not None and values["role"] in PRIVILEGED_ROLES:
                errors.append(_err(row, "role", values["role"], "无权设置该岗位"))
                continue
            existing = self.context.staff.get(values["staff_code"])
            if not self.context.allowed(branch_id) or (
                existing and not self.context.allowed(existing[1])
            ):
                errors.append(_err(row, "branch_code", code, OUT_OF_SCOPE))
                continue
            out: list[Any] = [values["staff_code"], values["name"], values["role"]]
            out.append(values["role"] == Role.ADMIN)
            if "branch_code" in self.present:
                out.append(branch_id)
            if "phone" in self.present:
                out += [seal(values["phone"]), mask_phone(values["phone"])]
            if "email" in self.present:
                out += [seal(values["email"]), mask_email(values["email"])]
            # Imported staff sign in only after a password is set for them.
            out += [make_password(None), True, False, now]
            out += [""] * (2 * len(self.absent))
            tuples.append(tuple(out))
            kept.append(row)
        return tuples, kept, errors

    def after_write(self, written: Sequence[ParsedRow]) -> None:
        self.context.refresh()


def lookup_customers(numbers: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    return bulk.lookup("customers_customer", "customer_no", numbers, "id", "branch_id")


def lookup_accounts(numbers: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """{account_no: (holding id, customer id)} through the blind index."""
    # pii imports pypinyin (~0.3 s of dictionaries): only the files that need it pay.
    from pcrm.customers.pii import account_index

    by_index = {account_index(n): n for n in numbers if n}
    found = bulk.lookup("customers_holding", "account_no_index", by_index, "id", "customer_id")
    return {by_index[index]: value for index, value in found.items()}
