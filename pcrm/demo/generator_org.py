"""The demo bank's organisation: the bank, a parent branch with sub-branches, staff per role.

A handful of rows, so they go through the org services (audited like any other
change). Passwords and second factors are set by pcrm.demo.logins.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from pcrm.demo.generator_people import draw_phone
from pcrm.demo.profile import section
from pcrm.org.models import Bank, Branch, Staff
from pcrm.org.services import branch_save, staff_save

_STAFF_NAMES = (
    "周明", "吴芳", "陈磊", "林静", "郑强", "王丽", "黄伟", "何平", "高远", "马兰",
    "罗欣", "梁宇", "宋洁", "唐斌", "许婷", "韩冰", "冯涛", "邓敏", "曹阳", "彭莉",
    "曾凡", "萧然", "田甜", "董浩", "袁媛", "潘峰", "蒋琳", "蔡军", "余敏", "杜鹃",
)  # fmt: skip


@dataclass
class DemoBranch:
    """One sub-branch (plain ids, so chunks can be drawn in worker processes)."""

    pk: int
    code: str
    district: str
    holders: list[int] = field(default_factory=list)  # customer managers
    advisors: list[int] = field(default_factory=list)
    lobby: list[int] = field(default_factory=list)
    head: int | None = None


@dataclass
class DemoOrg:
    bank: Bank
    parent: Branch
    branches: list[DemoBranch]
    staff: list[Staff]


def org_generate(*, rng: random.Random, branches: int) -> DemoOrg:
    """Create (or update) the bank, its branches and staff; return who holds customers where."""
    spec = section("bank")
    if branches < 1 or branches > len(spec["branches"]):
        raise ValueError(f"--branches must be between 1 and {len(spec['branches'])}")
    bank = Bank.objects.first() or Bank.objects.create(name=spec["name"])
    parent = branch_save(actor=None, code=spec["parent"]["code"], name=spec["parent"]["name"])
    names = iter(_STAFF_NAMES * 50)
    staff: list[Staff] = []
    demo_branches = []
    for entry in spec["branches"][:branches]:
        branch = branch_save(actor=None, code=entry["code"], name=entry["name"], parent=parent)
        demo_branch = DemoBranch(pk=branch.pk, code=branch.code, district=entry["district"])
        for role_spec in section("staff")["per_branch"]:
            member = _staff(rng, names, f"{entry['code']}{role_spec['suffix']}", role_spec, branch)
            staff.append(member)
            _place(demo_branch, member)
        demo_branches.append(demo_branch)
    for role_spec in section("staff")["bank_wide"]:
        staff.append(_staff(rng, names, role_spec["code"], role_spec, None))
    return DemoOrg(bank=bank, parent=parent, branches=demo_branches, staff=staff)


def _staff(
    rng: random.Random,
    names: Iterator[str],
    code: str,
    role_spec: dict[str, str],
    branch: Branch | None,
) -> Staff:
    name = next(names)
    return staff_save(
        actor=None,
        staff_code=code,
        name=name,
        role=role_spec["role"],
        branch=branch,
        phone=draw_phone(rng),
        email=f"{code.lower()}@bank.example",
    )


def _place(demo_branch: DemoBranch, member: Staff) -> None:
    if member.role == "customer_manager":
        demo_branch.holders.append(member.pk)
    elif member.role == "wealth_advisor":
        demo_branch.advisors.append(member.pk)
    elif member.role == "lobby_manager":
        demo_branch.lobby.append(member.pk)
    elif member.role == "branch_head":
        demo_branch.head = member.pk
