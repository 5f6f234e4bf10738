"""The option splitter on run-together text: the project's own messy fixtures.

Each fixture is written for the test in the style of scanned banks (options run together
with the next stem, no separators), none copied from a real bank.
"""

from __future__ import annotations

from pcrm.training.parsing.messy import parse_text
from pcrm.training.parsing.splitter import unsure_boundary


def _choices(text: str):  # type: ignore[no-untyped-def]
    result = parse_text(text)
    return [q for q in result.questions if q.qtype != "true_false"], result.ledger


def test_orphan_statement_between_options_and_next_stem_goes_to_the_ledger() -> None:
    # A statement whose answer bracket was lost (``…等。),向…``) sits between the first
    # question's options and the next stem; it must not become an option or a stem.
    text = (
        "一、判断题柜面识别就是柜员在办理存取款时留意大额业务,向理财经理推荐客户。(V)"
        "二、单选题网点晨会通常由谁主持(C)。值班柜员值班会计网点负责人理财经理"
        "柜面识别就是柜员在办理存取款时留意大额业务等。),向理财经理推荐。"
        "存款客户贷款客户代发客户信用卡客户晨会结束后负责整理会议记录的是(A)。"
        "值班柜员大堂经理网点负责人客户经理"
    )
    choices, ledger = _choices(text)
    first, second = choices
    assert first.options == ["值班柜员", "值班会计", "网点负责人", "理财经理"]
    assert first.confidence < 0.6  # doubted, and listed for review
    assert first.options_source.endswith("理财经理")
    orphans = [e for e in ledger if e.kind == "orphan_statement"]
    assert orphans
    assert orphans[0].excerpt.startswith("柜面识别就是")
    assert "),向" not in second.stem
    assert second.stem.endswith("负责整理会议记录的是（ ）。")


def test_cut_off_tail_after_the_last_options_is_a_fragment() -> None:
    # The source stops mid-sentence after the last question's options; the tail opens
    # like a statement seen earlier, so it is set aside rather than glued to option D.
    text = (
        "一、判断题柜员应当按规定核对客户有效身份证件。(V)"
        "在办理挂失业务时,柜员应当先核实客户身份。(V)"
        "二、多选题办理挂失业务需要客户提供的材料有(AB)。"
        "有效身份证件挂失申请书工作证明房产证明在办理挂失业务时"
    )
    choices, ledger = _choices(text)
    assert choices[0].options == ["有效身份证件", "挂失申请书", "工作证明", "房产证明"]
    assert [e.excerpt for e in ledger if e.kind == "cut_off_tail"] == ["在办理挂失业务时"]


def test_general_vocabulary_keeps_words_whole() -> None:
    # Words the document never repeats (厅堂, 秩序, 库存) are still words: a general
    # dictionary keeps the cut from falling inside them.
    text = (
        "二、单选题网点举办的客户活动不包括(。)等。乒乓球赛登山运动书法展览电影欣赏"
        "辅助(B)管理的工具包括排队机、叫号器等。客户服务厅堂秩序现金库存凭证"
    )
    choices, ledger = _choices(text)
    assert choices[-1].options == ["客户服务", "厅堂秩序", "现金库存", "凭证"]
    assert any(e.kind == "missing_answer" for e in ledger)  # the "(。)" answer


def test_stem_start_is_read_from_the_same_clause_elsewhere() -> None:
    # ``…面访为辅个人客户经理与…``: the true/false part has the clause after a comma,
    # which shows the next stem opens on 个人, not on 客户经理 or 与.
    text = (
        "一、判断题客户经理应当定期整理客户资料,个人客户经理与理财经理要共同维护重点客户关系。(V)"
        "二、多选题重点客户的联系方式以(ABCD)为主。电话短信邮件面访为辅"
        "个人客户经理与理财经理要共同维护重点客户,与客户建立(AB)关系。"
        "长期稳定互相信任临时松散互不往来"
    )
    choices, _ = _choices(text)
    assert choices[1].stem.startswith("个人客户经理与理财经理")
    assert choices[1].options == ["长期稳定", "互相信任", "临时松散", "互不往来"]


def test_a_boundary_one_word_off_is_unsure() -> None:
    # The word left on one option opens another option: cut by length, not by words.
    assert unsure_boundary(["城区居民户高档", "城区居民户", "商业街商户", "高档商业街商户"])
    # An option ending on a conjunction continues in the next one.
    assert unsure_boundary(["开立账户", "变更账户", "冻结账户和", "解冻账户"])
    assert not unsure_boundary(["城区居民户", "高档城区居民户", "商业街商户", "高档商业街商户"])
    assert not unsure_boundary(["电话回访", "上门回访", "短信回访", "邮件回访"])
