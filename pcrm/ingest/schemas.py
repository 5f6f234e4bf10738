"""The six interchange files (DESIGN §4.2): their key, columns, value parsers and row checks.

:func:`parse_row` turns one line of cells into clean values or into row
errors; it never raises, whatever the cells hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pcrm.customers.choices import (
    Channel,
    ContactPreference,
    Gender,
    HoldingStatus,
    IdType,
    Orientation,
    Outcome,
    ProductType,
    RiskLevel,
    RiskRating,
)
from pcrm.ingest import values as v
from pcrm.lib import idcard
from pcrm.lib.masking import (
    mask_account,
    mask_address,
    mask_email,
    mask_free_text,
    mask_id_no,
    mask_name,
    mask_phone,
)
from pcrm.org.models import Role


@dataclass(frozen=True)
class Column:
    name: str
    parse: v.Parser
    required: bool = False
    # How the raw cell appears in the error report (personal data never in clear).
    mask: Callable[[str], str] = mask_free_text


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class ParsedRow:
    line: int
    key: str
    values: dict[str, Any]
    digest: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    raw_digest: str = ""


RowCheck = Callable[[dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class FileSpec:
    kind: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    check: RowCheck | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _short(value: str) -> str:
    return mask_free_text(value)[:60]


_ID_TYPE = v.choice(
    IdType,
    {
        "居民身份证": "id_card",
        "身份证件": "id_card",
        "港澳通行证": "hk_macao_permit",
        "台胞证": "taiwan_permit",
        "台湾通行证": "taiwan_permit",
    },
)
_GENDER = v.choice(
    Gender, {"男性": "M", "女性": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
)
_ORIENTATION = v.choice(Orientation, {"关系": "relationship", "价值": "value", "服务": "service"})
_PREFERENCE = v.choice(
    ContactPreference,
    {
        "不打扰": "do_not_disturb",
        "请勿打扰": "do_not_disturb",
        "经常联系": "frequent",
        "适度": "moderate",
    },
)
_RATING = v.choice(
    RiskRating,
    {"保守型": "C1", "稳健型": "C2", "平衡型": "C3", "成长型": "C4", "进取型": "C5"},
)
_LEVEL = v.choice(
    RiskLevel,
    {"低风险": "R1", "中低风险": "R2", "中风险": "R3", "中高风险": "R4", "高风险": "R5"},
)
_PRODUCT_TYPE = v.choice(
    ProductType,
    {"活期": "demand_deposit", "定期": "time_deposit", "黄金": "gold", "积存金": "gold"},
)
_STATUS = v.choice(HoldingStatus, {"正常": "active", "销户": "closed", "已关闭": "closed"})
_ROLE = v.choice(
    Role, {"网点主任": "branch_head", "行长": "branch_head", "理财经理": "wealth_advisor"}
)
_CHANNEL = v.choice(Channel, {"电话联系": "phone", "上门": "visit", "拜访": "visit"})
_OUTCOME = v.choice(Outcome, {"联系上": "reached", "未接通": "not_reached", "拒绝": "declined"})


def _enum_required(parse: v.Parser) -> v.Parser:
    def required(value: str) -> str:
        result = parse(value)
        if not result:
            raise v.BadValue("不能为空")
        return str(result)

    return required


def _customer_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The ID number is checked against its type; a resident ID also gives the birth date."""
    problems: list[tuple[str, str]] = []
    number = row.get("id_no") or ""
    id_type = row.get("id_type") or IdType.ID_CARD
    if "id_type" in row:
        row["id_type"] = id_type
    if number and id_type == IdType.ID_CARD:
        problem = v.resident_id_problem(number)
        if problem:
            problems.append(("id_no", problem))
        elif "birth_date" in row and row["birth_date"] is None:
            row["birth_date"] = idcard.birth_date_of(number)
    elif number and not (5 <= len(number) <= 20 and number.isalnum()):
        problems.append(("id_no", "证件号码格式无效"))
    return problems


def _holding_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    opened, matures = row.get("opened_on"), row.get("matures_on")
    if opened and matures and matures < opened:
        return [("matures_on", "到期日早于开户日期")]
    return []


def _code_required(value: str) -> str:
    result = v.code(value)
    if not result:
        raise v.BadValue("不能为空")
    return result


def _name_required(value: str) -> str:
    result: str = v.limited(64)(value)
    if not result:
        raise v.BadValue("不能为空")
    return result


SPECS: dict[str, FileSpec] = {
    "branches": FileSpec(
        "branches",
        ("branch_code",),
        (
            Column("branch_code", _code_required, True),
            Column("name", v.limited(100), True),
            Column("parent_code", v.code),
        ),
    ),
    "staff": FileSpec(
        "staff",
        ("staff_code",),
        (
            Column("staff_code", _code_required, True),
            Column("name", _name_required, True, mask_name),
            Column("role", _enum_required(_ROLE), True),
            Column("branch_code", v.code),
            Column("phone", v.phone, mask=mask_phone),
            Column("email", v.email, mask=mask_email),
        ),
    ),
    "customers": FileSpec(
        "customers",
        ("customer_no",),
        (
            Column("customer_no", _code_required, True),
            Column("name", _name_required, True, mask_name),
            Column("id_type", _ID_TYPE),
            Column("id_no", v.id_no, mask=mask_id_no),
            Column("gender", _GENDER),
            Column("birth_date", v.date),
            Column("lunar_birthday", v.flag),
            Column("phone", v.phone, mask=mask_phone),
            Column("email", v.email, mask=mask_email),
            Column("address", v.limited(300), mask=mask_address),
            Column("work_unit", v.limited(200), mask=_short),
            Column("occupation", v.limited(100)),
            Column("family", v.limited(500), mask=_short),
            Column("relatives", v.limited(500), mask=_short),
            Column("branch_code", _code_required, True),
            Column("manager_code", v.code),
            Column("service_established", v.flag),
            Column("red_list", v.flag),
            Column("potential", v.potential),
            Column("orientation", _ORIENTATION),
            Column("contact_preference", _PREFERENCE),
            Column("risk_rating", _RATING),
            Column("risk_assessed_on", v.date),
            Column("marketing_consent", v.flag),
        ),
        _customer_check,
    ),
    "holdings": FileSpec(
        "holdings",
        ("account_no",),
        (
            Column("account_no", _code_required, True, mask_account),
            Column("customer_no", _code_required, True),
            Column("product_code", _code_required, True),
            Column("product_name", v.limited(100)),
            Column("product_type", _enum_required(_PRODUCT_TYPE), True),
            Column("risk_level", _LEVEL),
            Column("principal", v.amount),
            Column("market_value", v.amount),
            Column("opened_on", v.date),
            Column("matures_on", v.date),
            Column("status", _STATUS),
        ),
        _holding_check,
    ),
    "transactions": FileSpec(
        "transactions",
        ("txn_id",),
        (
            Column("txn_id", _code_required, True),
            Column("account_no", v.code, mask=mask_account),
            Column("customer_no", _code_required, True),
            Column("booked_at", v.moment, True),
            Column("amount", v.amount, True),
            Column("channel", v.limited(32)),
            Column("counterparty", v.limited(200), mask=_short),
            Column("memo", v.limited(200), mask=_short),
        ),
    ),
    "interactions": FileSpec(
        "interactions",
        ("customer_no", "staff_code", "occurred_at", "channel"),
        (
            Column("customer_no", _code_required, True),
            Column("staff_code", _code_required, True),
            Column("occurred_at", v.moment, True),
            Column("channel", _enum_required(_CHANNEL), True),
            Column("purpose", v.limited(200)),
            Column("outcome", _enum_required(_OUTCOME), True),
            Column("notes", v.limited(2000), mask=_short),
        ),
    ),
}


def _stringify(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


_FAILED = object()
_PLAIN_CODE_MAX = 64  # the longest code v.code accepts
_CACHE_LIMIT = 20_000
_CACHE_TRIAL = 1_000


class ColumnParser:
    """Parses one column of a chunk at a time; remembers the results of repeated cells.

    Most columns of a bank file repeat a handful of values (branch, manager,
    enums, flags, dates), so a dictionary lookup replaces most parser calls.
    """

    def __init__(self, column: Column) -> None:
        self.column = column
        self.cache: dict[str, Any] = {}
        self.caching = True
        # Codes and keys are mostly plain ASCII letters and digits, which parse to themselves.
        self.plain_code = column.parse in (_code_required, v.code)

    def parse(self, raws: Sequence[str]) -> tuple[list[Any], dict[int, str]]:
        """The column's values (a :class:`v.BadValue` where a cell is bad) and its problems.

        Works a column at a time in comprehensions: the common cells (plain codes,
        repeated values) cost a dictionary lookup, the rest one parser call each.
        """
        cache, caching = self.cache, self.caching
        values: list[Any]
        if self.plain_code:
            limit = _PLAIN_CODE_MAX
            values = [
                raw if len(raw) <= limit and raw.isalnum() and raw.isascii() else _FAILED
                for raw in raws
            ]
        elif caching:
            get = cache.get
            values = [get(raw, _FAILED) for raw in raws]
        else:
            parse = self.column.parse
            try:
                values = [parse(raw) for raw in raws]
            except (ValueError, TypeError, ArithmeticError):
                values = [_FAILED] * len(raws)
        if _FAILED in values:
            one = self._one
            for index, value in enumerate(values):
                if value is _FAILED:
                    raw = raws[index]
                    values[index] = value = one(raw)
                    if caching:
                        cache[raw] = value
        problems = {i: str(x) for i, x in enumerate(values) if type(x) is v.BadValue}
        if self.column.required:
            problems.update((i, "不能为空") for i, x in enumerate(values) if x is None or x == "")
        if self.caching and len(cache) > _CACHE_TRIAL:
            # A column of mostly distinct values (names, ID numbers) gains nothing from a cache.
            self.caching = len(cache) * 4 < len(raws) and len(cache) < _CACHE_LIMIT
            if not self.caching:
                cache.clear()
        return values, problems

    def _one(self, raw: str) -> Any:
        try:
            return self.column.parse(raw)
        except v.BadValue as exc:
            return exc
        except (ValueError, TypeError, ArithmeticError):
            return v.BadValue("无法识别的取值")


class ChunkParser:
    """Turns chunks of raw lines into clean rows and row errors; never raises on cell content."""

    def __init__(self, spec: FileSpec, positions: Sequence[tuple[int, Column]]) -> None:
        self.spec = spec
        self.positions = list(positions)
        self.names = tuple(c.name for _, c in positions)
        self.parsers = [ColumnParser(c) for _, c in positions]
        self.key_at = [self.names.index(k) for k in spec.key]
        self.salt = "|".join(self.names)
        self.key_positions = [(i, c) for i, c in self.positions if c.name in spec.key]
        self.key_positions.sort(key=lambda p: spec.key.index(p[1].name))

    def raw_digest(self, cells: Sequence[str]) -> str:
        """The hash of a line exactly as written: the same line again is unchanged at once."""
        joined = self.salt + "\x1f".join(cells)
        return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()

    def quick_keys(self, rows: Sequence[Sequence[str]]) -> list[str | None]:
        """:meth:`quick_key` of each row; a single plain-code key costs no parser call."""
        if len(self.key_positions) != 1:
            return [self.quick_key(cells) for cells in rows]
        index, column = self.key_positions[0]
        if column.parse not in (_code_required, v.code):
            return [self.quick_key(cells) for cells in rows]
        limit, slow = _PLAIN_CODE_MAX, self.quick_key
        return [
            raw
            if len(cells) > index
            and len(raw := cells[index]) <= limit
            and raw.isalnum()
            and raw.isascii()
            else slow(cells)
            for cells in rows
        ]

    def quick_key(self, cells: Sequence[str]) -> str | None:
        """The row's key from its key cells alone, or None when they do not parse."""
        parts = []
        for index, column in self.key_positions:
            raw = cells[index] if index < len(cells) else ""
            if (
                len(raw) <= _PLAIN_CODE_MAX
                and raw.isalnum()
                and raw.isascii()
                and column.parse in (_code_required, v.code)
            ):
                parts.append(raw)
                continue
            try:
                value = column.parse(raw)
            except (ValueError, TypeError, ArithmeticError):
                return None
            if value in (None, ""):
                return None
            parts.append(_stringify(value))
        return "|".join(parts)

    def parse(
        self, lines: Sequence[int], rows: Sequence[Sequence[str]]
    ) -> tuple[list[ParsedRow], list[RowError]]:
        width = max((i for i, _ in self.positions), default=-1) + 1
        padded = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in rows]
        columns = list(zip(*padded, strict=False)) if padded else []
        parsed_columns: list[list[Any]] = []
        bad: dict[int, list[RowError]] = {}
        for (index, column), parser in zip(self.positions, self.parsers, strict=True):
            raws = columns[index] if columns else ()
            values, problems = parser.parse(raws)
            parsed_columns.append(values)
            for at, reason in problems.items():
                bad.setdefault(at, []).append(
                    RowError(lines[at], column.name, column.mask(raws[at]), reason)
                )
        rows_out: list[ParsedRow] = []
        errors: list[RowError] = []
        names, check, key_at, salt = self.names, self.spec.check, self.key_at, self.salt
        width, blake2b, raw_digest = len(names), hashlib.blake2b, self.raw_digest
        single_key = key_at[0] if len(key_at) == 1 else None
        for at, cells in enumerate(zip(*parsed_columns, strict=True)):
            if at in bad:
                errors += bad[at]
                continue
            row = dict(zip(names, cells, strict=True))
            if check is not None:
                found = check(row)
                if found:
                    errors += [
                        RowError(lines[at], n, self.spec.column(n).mask(str(row.get(n) or "")), r)
                        for n, r in found
                    ]
                    continue
                # The check may correct values in place (never adds a column): same order.
                cells = tuple(row.values()) if len(row) == width else tuple(row[n] for n in names)
            if single_key is not None and type(cells[single_key]) is str:
                key = cells[single_key]
            else:
                key = "|".join(_stringify(cells[i]) for i in key_at)
            digest = blake2b((salt + repr(cells)).encode(), digest_size=16).hexdigest()
            rows_out.append(ParsedRow(lines[at], key, row, digest, raw_digest=raw_digest(rows[at])))
        return rows_out, errors


def parse_row(
    spec: FileSpec, positions: Sequence[tuple[int, Column]], cells: Sequence[str], line: int
) -> ParsedRow | list[RowError]:
    """Clean one line: the row, or every problem found in it (each with its column)."""
    rows, errors = ChunkParser(spec, positions).parse([line], [cells])
    return rows[0] if rows else errors
