"""The one alias table of header names, English or Chinese, as banks' systems and staff write them.

Headers are compared after :func:`header_key` (half-width, lower case, no
spaces, no bracketed unit such as "金额（元）"), so "Customer No", "客户号 " and
"客户编号" all find ``customer_no``.
"""

from __future__ import annotations

import re

from pcrm.ingest.values import half_width

ALIASES: dict[str, tuple[str, ...]] = {
    "branch_code": ("网点代码", "网点号", "网点编号", "机构号", "机构代码", "所属网点", "归属网点"),
    "name": ("姓名", "客户姓名", "客户名称", "员工姓名", "网点名称", "机构名称", "名称"),
    "parent_code": ("上级网点", "上级网点代码", "上级机构", "上级机构号"),
    "staff_code": ("员工号", "员工编号", "工号", "柜员号", "员工代码", "联系人员工号"),
    "role": ("岗位", "角色", "职位"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话", "移动电话"),
    "email": ("电子邮箱", "邮箱", "电子邮件", "e-mail", "mail"),
    "customer_no": ("客户号", "客户编号", "客户代码", "客户id", "客户内码", "cif", "cif号"),
    "id_type": ("证件类型", "证件种类"),
    "id_no": ("证件号码", "证件号", "身份证号", "身份证号码", "证件编号"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "生日", "出生年月日"),
    "lunar_birthday": ("农历生日", "过农历生日", "是否农历生日"),
    "address": ("联系地址", "地址", "住址", "家庭住址", "通讯地址"),
    "work_unit": ("工作单位", "单位", "单位名称"),
    "occupation": ("职业",),
    "family": ("家庭情况", "家庭"),
    "relatives": ("亲属关系", "亲属"),
    "manager_code": ("客户经理", "客户经理号", "客户经理工号", "管户经理", "管户员工号"),
    "service_established": ("已确立服务关系", "服务关系已确立", "是否确立服务关系"),
    "red_list": ("红名单", "是否红名单"),
    "potential": ("增长潜力", "潜力", "潜力评分"),
    "orientation": ("客户取向", "取向", "服务取向类型"),
    "contact_preference": ("联系偏好", "偏好", "联系频率偏好"),
    "risk_rating": ("风险评级", "客户风险评级", "风险承受能力"),
    "risk_assessed_on": ("风险评估日期", "评估日期", "风评日期"),
    "marketing_consent": ("营销同意", "同意营销", "是否同意营销"),
    "account_no": ("账号", "帐号", "账户", "账户号", "卡号", "卡号/账号"),
    "product_code": ("产品代码", "产品编号", "产品号"),
    "product_name": ("产品名称", "产品名"),
    "product_type": ("产品类型", "产品类别", "产品种类"),
    "risk_level": ("风险等级", "产品风险等级"),
    "principal": ("本金", "购买金额", "余额"),
    "market_value": ("市值", "当前市值", "参考市值"),
    "opened_on": ("开户日期", "购买日期", "起息日"),
    "matures_on": ("到期日", "到期日期"),
    "status": ("状态", "账户状态"),
    "txn_id": ("流水号", "交易流水号", "交易编号"),
    "booked_at": ("交易时间", "记账时间", "交易日期"),
    "amount": ("金额", "交易金额", "发生额"),
    "channel": ("渠道", "交易渠道", "联系渠道", "联系方式"),
    "counterparty": ("对手方", "对方户名", "交易对手"),
    "memo": ("摘要", "用途", "附言"),
    "occurred_at": ("联系时间", "联系日期", "接触时间"),
    "purpose": ("目的", "联系目的", "事由"),
    "outcome": ("结果", "联系结果"),
    "notes": ("备注", "说明"),
}

_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")


def header_key(header: str) -> str:
    """A header as compared: '客户编号（必填）' → '客户编号', ' Customer No ' → 'customer_no'."""
    value = _BRACKETED.sub("", half_width(header).replace("\ufeff", "")).strip().lower()
    return re.sub(r"[\s\-]+", "_", value).strip("_*")


_LOOKUP: dict[str, str] = {}
for _canonical, _names in ALIASES.items():
    _LOOKUP[header_key(_canonical)] = _canonical
    _LOOKUP[_canonical.replace("_", "")] = _canonical
    for _name in _names:
        _LOOKUP[header_key(_name)] = _canonical


def canonical_header(header: str) -> str | None:
    """The canonical column a header names, or None when it is not known."""
    key = header_key(header)
    return _LOOKUP.get(key) or _LOOKUP.get(key.replace("_", ""))
