"""Synthetic interchange files for the ingest benchmark (fast, deterministic, valid)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from pcrm.lib import idcard

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁"
    "欣怡佳琪子轩雨涵梓晨浩然"
)
HEADER = (
    "customer_no,name,id_type,id_no,gender,birth_date,lunar_birthday,phone,email,address,"
    "work_unit,occupation,family,relatives,branch_code,manager_code,service_established,"
    "red_list,potential,orientation,contact_preference,risk_rating,risk_assessed_on,"
    "marketing_consent\n"
)
ORIENTATIONS = ("relationship", "value", "service", "")
PREFERENCES = ("do_not_disturb", "frequent", "moderate", "")


def write_reference_files(folder: Path) -> tuple[Path, Path]:
    branches = folder / "branches.csv"
    branches.write_text(
        "branch_code,name,parent_code\nBB00,基准分行,\n"
        + "".join(f"BB{i:02d},基准支行{i},BB00\n" for i in range(1, 11)),
        encoding="utf-8",
    )
    staff = folder / "staff.csv"
    staff.write_text(
        "staff_code,name,role,branch_code,phone,email\n"
        + "".join(
            f"BM{i:03d},经理{i},customer_manager,BB{i % 10 + 1:02d},138{i:08d},\n"
            for i in range(100)
        ),
        encoding="utf-8",
    )
    return branches, staff


def write_customers(path: Path, rows: int, *, seed: int = 7, start: int = 0) -> Path:
    """``rows`` valid customers in UTF-8, numbered from ``start``."""
    rng = random.Random(seed)
    base = dt.date(1950, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        lines = []
        for n in range(start, start + rows):
            birth = base + dt.timedelta(days=rng.randrange(20_000))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)[: rng.randrange(2)]
            gender = "男" if n % 2 else "女"
            manager = f"BM{n % 100:03d}"
            branch = f"BB{n % 100 % 10 + 1:02d}"
            lines.append(
                f"K{n:09d},{name},身份证,{idcard.make('310115', birth, n)},{gender},"
                f"{birth.isoformat()},{n % 7 == 0:d},139{n % 100_000_000:08d},c{n}@mail.example,"
                f"上海市浦东新区基准路{n % 999}号,基准公司{n % 50},职员,,,"
                f"{branch},{manager},{n % 3 == 0:d},0,{n % 101},{ORIENTATIONS[n % 4]},"
                f"{PREFERENCES[n % 4]},C{n % 5 + 1},2026-03-01,1\n"
            )
            if len(lines) >= 10_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    return path
