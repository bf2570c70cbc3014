"""The default rule catalogue and decision kinds. Migration 0002 writes them once; discipline inspection edits
them afterwards. ``ensure_defaults`` puts them back where a test database was flushed.

The rules are seed 001's eight prohibitions (八不准) and its accountability situations (the seed names the
three groups — breaches of rules and discipline, faulty decisions, failures at work — and their number,
thirty-three, but not their text; the text below follows the usual wording of county accountability rules).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PROHIBITIONS = [
    "不准插手项目招投标",
    "不准损害群众利益",
    "不准参与“两违”（违法用地、违法建设）",
    "不准曲解政策乱发言论表态",
    "不准弄虚作假损害国家利益",
    "不准在工作现场打扑克麻将等娱乐活动",
    "不准迟到早退旷工或擅离职守",
    "不准态度蛮横对待群众",
]

SITUATIONS = {
    "violation": [
        "违反政治纪律和政治规矩，造成不良影响的",
        "违反中央八项规定精神，公款吃喝、公车私用的",
        "利用职务便利为本人或他人谋取不正当利益的",
        "违规收受礼品礼金、消费卡的",
        "违规经商办企业或在企业兼职取酬的",
        "违反组织人事纪律，在选人用人中搞不正之风的",
        "泄露国家秘密、工作秘密或因工作掌握的内部信息的",
        "违反财经纪律，截留、挪用、挤占专项资金的",
        "违规干预、插手工程建设和资金审批的",
        "对举报人、控告人打击报复的",
        "工作日午间饮酒或酒后上岗的",
    ],
    "decision_error": [
        "违反民主集中制原则，个人或少数人决定重大事项的",
        "未经调研论证、风险评估擅自决策，造成重大损失的",
        "决策严重失误，造成重大经济损失或恶劣社会影响的",
        "违反规定擅自作出行政许可、审批决定的",
        "拒不执行或擅自改变上级决策部署的",
        "对上级督办事项敷衍塞责、拖延不办的",
        "重大项目推进不力，未按期完成目标任务的",
        "违规举债、违规担保，造成风险的",
    ],
    "work_error": [
        "对职责范围内的事项不作为、慢作为、乱作为的",
        "工作推诿扯皮，造成群众反复上访的",
        "对群众合理诉求不及时处理，造成不良影响的",
        "安全生产监管不力，发生责任事故的",
        "生态环境保护责任落实不力，造成环境污染的",
        "对突发事件处置不力，造成事态扩大的",
        "弄虚作假、虚报浮夸，骗取荣誉或利益的",
        "执法不公、滥用职权，侵害当事人合法权益的",
        "对所属人员疏于管理，多次发生违纪违规问题的",
        "未履行或未正确履行监管职责，造成国有资产流失的",
    ],
    "style": [
        "工作作风漂浮，督查发现问题整改不到位的",
        "无正当理由不参加集中学习、会议等集体活动的",
        "对服务对象态度生硬、吃拿卡要的",
        "在考核、评议中弄虚作假的",
    ],
}


def default_rules() -> list[tuple[str, str, str]]:
    """(code, category, text): BZ-1..8 for the prohibitions, WJ/JC/GZ/ZF-nn for the 33 situations."""
    rules = [(f"BZ-{n}", "prohibition", text) for n, text in enumerate(PROHIBITIONS, start=1)]
    prefixes = {"violation": "WJ", "decision_error": "JC", "work_error": "GZ", "style": "ZF"}
    for category, texts in SITUATIONS.items():
        rules += [(f"{prefixes[category]}-{n:02d}", category, text) for n, text in enumerate(texts, start=1)]
    return rules


# The catalogue as first shipped (migration 0002), with its cap scope ("effective_year" or "in_force"):
# migration 0003 compares the kinds with it to move only those still carrying these values to KINDS.
# code, name, group, severity, months in force, points, grade cap, cap scope, promotion bar months
KINDS_V1: list[tuple[str, str, str, int, int | None, int, str, str, int | None]] = [
    ("reminder_talk", "提醒谈话", "accountability", 1, None, 1, "", "effective_year", None),
    ("criticism_education", "批评教育", "accountability", 2, None, 2, "", "effective_year", None),
    ("self_examination", "责令检查", "accountability", 3, None, 3, "", "effective_year", None),
    ("public_criticism", "通报批评", "accountability", 4, None, 5, "", "effective_year", None),
    ("admonishment", "诫勉", "accountability", 5, 6, 5, "competent", "effective_year", 6),
    ("suspension", "停职检查", "organisational", 6, None, 10, "undetermined", "effective_year", 6),
    ("post_adjustment", "调整职务", "organisational", 7, 12, 8, "competent", "effective_year", 12),
    ("ordered_resignation", "责令辞职", "organisational", 8, 24, 15, "undetermined", "effective_year", 24),
    ("removal", "免职", "organisational", 9, 24, 15, "undetermined", "effective_year", 24),
    ("demotion", "降职", "organisational", 10, 24, 15, "undetermined", "effective_year", 24),
    ("gov_warning", "警告", "government", 11, 6, 5, "competent", "effective_year", None),
    ("gov_demerit", "记过", "government", 12, 12, 10, "undetermined", "in_force", None),
    ("gov_major_demerit", "记大过", "government", 13, 18, 15, "undetermined", "in_force", None),
    ("gov_downgrade", "降级", "government", 14, 24, 20, "undetermined", "in_force", None),
    ("gov_dismissal_from_post", "撤职", "government", 15, 24, 25, "undetermined", "in_force", None),
    ("gov_expulsion", "开除", "government", 16, None, 30, "not_appraised", "effective_year", None),
    ("party_warning", "党内警告", "party", 11, 12, 5, "competent", "effective_year", None),
    ("party_serious_warning", "党内严重警告", "party", 12, 18, 10, "undetermined", "in_force", None),
    ("party_post_removal", "撤销党内职务", "party", 14, 24, 15, "incompetent", "effective_year", None),
    ("party_probation", "留党察看", "party", 15, 24, 20, "incompetent", "effective_year", None),
    ("party_expulsion", "开除党籍", "party", 16, None, 30, "incompetent", "effective_year", None),
]

# The grade caps by appraisal year from the year the decision takes effect (shared/rules.md, "Defaults to
# adopt" 6, 7 and 9): cap, appraisal years it applies to (1 = that year only), cap in the years after the first.
# code, name, group, severity, months in force, points, grade cap, cap years, later cap, promotion bar months
KINDS: list[tuple[str, str, str, int, int | None, int, str, int, str, int | None]] = [
    ("reminder_talk", "提醒谈话", "accountability", 1, None, 1, "", 1, "", None),
    ("criticism_education", "批评教育", "accountability", 2, None, 2, "", 1, "", None),
    ("self_examination", "责令检查", "accountability", 3, None, 3, "", 1, "", None),
    ("public_criticism", "通报批评", "accountability", 4, None, 5, "", 1, "", None),
    ("admonishment", "诫勉", "accountability", 5, 6, 5, "competent", 1, "", 6),
    ("suspension", "停职检查", "organisational", 6, None, 10, "undetermined", 1, "", 6),
    ("post_adjustment", "调整职务", "organisational", 7, 12, 8, "competent", 1, "", 12),
    ("ordered_resignation", "责令辞职", "organisational", 8, 24, 15, "undetermined", 1, "", 24),
    ("removal", "免职", "organisational", 9, 24, 15, "undetermined", 1, "", 24),
    ("demotion", "降职", "organisational", 10, 24, 15, "undetermined", 1, "", 24),
    ("gov_warning", "警告", "government", 11, 6, 5, "competent", 1, "", None),
    ("gov_demerit", "记过", "government", 12, 12, 10, "undetermined", 1, "", None),
    ("gov_major_demerit", "记大过", "government", 13, 18, 15, "undetermined", 2, "", None),
    ("gov_downgrade", "降级", "government", 14, 24, 20, "undetermined", 2, "", None),
    ("gov_dismissal_from_post", "撤职", "government", 15, 24, 25, "undetermined", 2, "", None),
    ("gov_expulsion", "开除", "government", 16, None, 30, "not_appraised", 1, "", None),
    ("party_warning", "党内警告", "party", 11, 12, 5, "competent", 1, "", None),
    ("party_serious_warning", "党内严重警告", "party", 12, 18, 10, "undetermined", 1, "", None),
    ("party_post_removal", "撤销党内职务", "party", 14, 24, 15, "incompetent", 1, "", None),
    ("party_probation_1y", "留党察看（一年）", "party", 15, 12, 18, "incompetent", 2, "undetermined", None),
    ("party_probation", "留党察看（二年）", "party", 15, 24, 20, "incompetent", 3, "undetermined", None),
    ("party_expulsion", "开除党籍", "party", 16, None, 30, "not_appraised", 1, "", None),
]

# The 处分 of 事业单位 staff (事业单位人事管理条例 第28、29条; periods 6, 12, 24 months) with their grade caps
# (shared/rules.md "Defaults to adopt" 10, unconfirmed — "please confirm locally"): 警告 at most 合格 in the year
# of the decision; 记过 at most 基本合格 and 降低岗位等级 不合格 during the period in force, i.e. every appraisal year
# the period touches (``cap_in_force``; the cap years below are the most a period can touch); 开除 not appraised.
# Migration 0004 adds them to a catalogue seeded before; the grade codes are the appraisal's (competent = 合格 for
# these staff).
# code, name, group, severity, months in force, points, grade cap, cap years, later cap, cap in force, promotion bar
INSTITUTION_KINDS: list[tuple[str, str, str, int, int | None, int, str, int, str, bool, int | None]] = [
    ("inst_warning", "警告（事业单位）", "institution", 11, 6, 5, "competent", 1, "", False, None),
    ("inst_demerit", "记过（事业单位）", "institution", 12, 12, 10, "basic", 2, "", True, None),
    ("inst_post_downgrade", "降低岗位等级", "institution", 14, 24, 20, "incompetent", 3, "", True, None),
    ("inst_expulsion", "开除（事业单位）", "institution", 16, None, 30, "not_appraised", 1, "", False, None),
]

# Kinds renamed when the catalogue was split (only where the name is still the old default).
RENAMED = {"party_probation": ("留党察看", "留党察看（二年）")}


def seed_defaults(rule_model: Any, kind_model: Any, *, v1: bool = False) -> None:
    """Create what is missing of the catalogue (models passed in, so migrations can use it); keep edits.

    ``v1``: the catalogue as migration 0002 first wrote it (for the models of that migration's state)."""
    for code, category, text in default_rules():
        rule_model.objects.get_or_create(code=code, defaults={"category": category, "text": text})
    if v1:
        for code, name, group, severity, months, points, cap, scope, bar in KINDS_V1:
            kind_model.objects.get_or_create(code=code, defaults={
                "name": name, "group": group, "severity": severity, "months_in_force": months,
                "points": Decimal(points), "grade_cap": cap, "cap_scope": scope, "promotion_bar_months": bar})
        return
    for code, name, group, severity, months, points, cap, years, later, bar in KINDS:
        kind_model.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "severity": severity, "months_in_force": months,
            "points": Decimal(points), "grade_cap": cap, "cap_years": years, "later_cap": later,
            "promotion_bar_months": bar})
    seed_institution_kinds(kind_model, INSTITUTION_KINDS)


def seed_institution_kinds(kind_model: Any, rows: list[tuple[Any, ...]]) -> None:
    """Create the 事业单位 kinds that are missing (``rows`` as ``INSTITUTION_KINDS``); keep edited ones."""
    for code, name, group, severity, months, points, cap, years, later, in_force, bar in rows:
        kind_model.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "severity": severity, "months_in_force": months,
            "points": Decimal(points), "grade_cap": cap, "cap_years": years, "later_cap": later,
            "cap_in_force": in_force, "promotion_bar_months": bar})


def ensure_defaults() -> None:
    from discipline.models import DecisionKind, DisciplineRule

    seed_defaults(DisciplineRule, DecisionKind)
