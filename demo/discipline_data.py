"""Chinese texts for the demo's discipline data: case patterns, comments, grounds and talks.

Facts (what an investigation established) and allegations (what the lead alleged: the file of an open or
not-pursued case) use ``{names}`` (the subjects, joined with 、), ``{unit}`` (the unit's name) and ``{when}``
(a month such as "2026年3月"); they read as a discipline inspection file would.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CasePattern:
    title: str
    source: str  # a CaseSource value
    rules: tuple[str, ...]  # DisciplineRule codes (1–3)
    facts: str
    kinds: tuple[str, ...]  # DecisionKind codes that fit, lighter first
    tolerable: bool = False  # an honest mistake at work that error tolerance could cover
    allegation: str = ""  # what the lead alleged, the file of a case not (yet) investigated; "" → ``facts``


PATTERNS: list[CasePattern] = [
    CasePattern(
        "违规收受管理服务对象礼品礼金问题", "report", ("WJ-04", "WJ-03"),
        "经查，{when}前后，{names}在履行监管职责期间，先后收受管理服务对象所送购物卡、土特产等礼品礼金，"
        "折合人民币共计3800元。案发后，当事人主动退缴全部款物，并作出书面检讨。",
        ("party_warning", "gov_warning", "gov_demerit"),
        allegation="信访举报反映，{names}在履行监管职责期间，{when}前后多次收受管理服务对象所送购物卡等礼品礼金。"),
    CasePattern(
        "工作日午间饮酒问题", "supervision", ("WJ-11", "BZ-7"),
        "{when}，县纪委监委作风督查组在明察暗访中发现，{names}于工作日中午在单位附近餐馆饮酒，"
        "下午上班时间未按时到岗。经核实，饮酒系私人聚会，未使用公款。",
        ("criticism_education", "public_criticism", "admonishment"),
        allegation="作风督查组反映，{when}有工作人员于工作日中午在{unit}附近餐馆饮酒，"
                   "经辨认涉及{names}，下午上班时间未按时到岗。"),
    CasePattern(
        "公车私用问题", "complaint", ("WJ-02",),
        "群众通过12345热线反映，{unit}公务用车在节假日出现在景区停车场。经调取公务用车平台轨迹核实，"
        "{when}，{names}驾驶单位公务用车办理私事，往返里程约140公里，相关费用已由本人承担。",
        ("party_warning", "gov_warning", "admonishment"),
        allegation="群众通过12345热线反映，{unit}公务用车于{when}节假日出现在景区停车场，"
                   "疑似{names}公车私用。"),
    CasePattern(
        "群众办事推诿扯皮问题", "complaint", ("GZ-02", "GZ-03", "BZ-8"),
        "群众反映在{unit}办理相关事项时多次往返未果。经查，{when}，{names}对符合条件的申请以材料不全为由"
        "多次退回，且未一次性告知所需材料，导致群众三次上访。",
        ("reminder_talk", "criticism_education", "public_criticism"),
        allegation="群众反映在{unit}办理相关事项时多次往返未果，{names}对申请材料多次退回且未一次性告知所需材料。"),
    CasePattern(
        "项目审批未经集体研究问题", "inspection", ("JC-01", "JC-04"),
        "县委巡察组移交问题线索反映，{unit}在{when}审批一项专项补助项目时，未按规定提交党组会集体研究。"
        "经查，{names}为赶在申报截止前完成审批，先行签批、事后补会，未造成资金损失，且已主动纠正。",
        ("self_examination", "admonishment", "gov_warning"), tolerable=True,
        allegation="县委巡察组移交问题线索反映，{unit}在{when}审批一项专项补助项目时未经党组会集体研究，"
                   "经办人为{names}。"),
    CasePattern(
        "安全生产监管不力问题", "supervision", ("GZ-04", "GZ-01"),
        "{when}，辖区内一家小型加工企业发生一般生产安全事故，造成一人轻伤。经调查，{names}在此前的"
        "检查中已发现该企业消防通道堵塞等隐患，但未督促整改到位，存在监管不力问题。",
        ("admonishment", "gov_warning", "gov_demerit"), tolerable=True,
        allegation="{when}，辖区内一家小型加工企业发生一般生产安全事故，反映{names}此前检查中已发现隐患但未督促整改。"),
    CasePattern(
        "专项资金拨付进度滞后问题", "supervision", ("JC-07", "GZ-01"),
        "县审计局在专项审计中发现，{unit}负责的专项资金截至{when}拨付率不足40%。经查，{names}对资金拨付"
        "跟踪督促不力，但滞后主要因项目前期手续调整，未发现截留挪用。",
        ("self_examination", "public_criticism", "admonishment"), tolerable=True,
        allegation="县审计局移交线索反映，{unit}负责的专项资金截至{when}拨付率不足40%，"
                   "{names}负有跟踪督促责任。"),
    CasePattern(
        "迟到早退、擅离职守问题", "supervision", ("BZ-7", "ZF-02"),
        "{when}，县委组织部、县纪委监委联合开展工作纪律专项检查，发现{names}多次迟到早退，"
        "其中两次上班时间擅自离岗且未履行请假手续。",
        ("reminder_talk", "criticism_education", "public_criticism"),
        allegation="工作纪律专项检查发现，{names}在{when}考勤记录多次异常，反映存在迟到早退、擅自离岗问题。"),
    CasePattern(
        "插手工程招投标问题", "report", ("BZ-1", "WJ-09", "WJ-03"),
        "根据信访举报线索，经立案调查查明：{when}，{names}利用职务便利，向某工程项目招标代理机构打招呼，"
        "要求为其亲属所在公司提供帮助，事后收受该公司负责人所送现金2万元。",
        ("gov_major_demerit", "party_serious_warning", "gov_demerit"),
        allegation="信访举报反映，{names}于{when}向某工程项目招标代理机构打招呼，为其亲属所在公司提供帮助并收受财物。"),
    CasePattern(
        "考核材料弄虚作假问题", "inspection", ("ZF-04", "GZ-07"),
        "巡察发现，{unit}报送的{when}工作台账中，部分入户走访记录系事后补录、内容雷同。经核实，"
        "{names}为应付考核安排补写台账，虚报走访户数37户。",
        ("self_examination", "public_criticism", "gov_warning"),
        allegation="巡察反映，{unit}报送的{when}工作台账中部分入户走访记录疑似事后补录、内容雷同，涉及{names}。"),
    CasePattern(
        "生态环境整治责任落实不力问题", "supervision", ("GZ-05", "GZ-01"),
        "{when}，省生态环境督察反馈问题整改“回头看”中发现，{unit}辖区一处河道垃圾堆放问题反弹。经查，"
        "{names}对整改情况跟踪不到位，整改销号材料与实际不符。",
        ("admonishment", "public_criticism", "gov_warning"), tolerable=True,
        allegation="省生态环境督察整改“回头看”反映，{unit}辖区一处河道垃圾堆放问题反弹，"
                   "整改销号材料疑与实际不符，涉及{names}。"),
    CasePattern(
        "违规发放津贴补贴问题", "other", ("WJ-08",),
        "县审计局审计发现，{unit}在{when}以加班补助名义向在职人员违规发放补贴，共计4.2万元。"
        "{names}作为经办负责人，未按规定审核把关。目前违规发放款项已全部清退。",
        ("party_warning", "gov_warning", "gov_demerit"),
        allegation="县审计局移交线索反映，{unit}在{when}以加班补助名义向在职人员发放补贴，{names}为经办负责人。"),
    CasePattern(
        "对群众诉求敷衍塞责问题", "complaint", ("JC-06", "GZ-03"),
        "{when}，县委督查室交办一件群众反映小区供水不稳定的诉求。{names}在办理中未实地核查即作出"
        "“已解决”的答复，导致群众再次投诉，造成不良影响。",
        ("reminder_talk", "criticism_education", "self_examination"),
        allegation="群众再次投诉反映，{when}县委督查室交办的小区供水不稳定诉求，{names}未实地核查即答复“已解决”。"),
]

# The staff login's light matter and the head's bureau's heavier one are fixed, so the demo tells a story.
STAFF_PATTERN = CasePattern(
    "工作日无故缺席集中学习问题", "supervision", ("ZF-02",),
    "{when}，{unit}机关党委在检查集中学习考勤时发现，{names}当月两次无故缺席周五集中学习，"
    "且未向科室负责人请假。经谈话了解，当事人系因手头工作较多未合理安排时间，认识态度较好。",
    ("reminder_talk",))
DEMERIT_PATTERN = CasePattern(
    "文物保护工程验收把关不严问题", "inspection", ("GZ-10", "WJ-08"),
    "县委巡察组移交问题线索反映，{unit}负责的一处县级文物保护单位修缮工程存在虚增工程量问题。"
    "经查，{when}，{names}在工程验收中未按规定现场核实，签字同意多支付工程款6.8万元，造成国有资金损失，"
    "相关款项现已追回。",
    ("gov_demerit",))

REFERENCES = {
    "supervision": "督查通报〔{year}〕{n}号",
    "complaint": "12345热线工单 QH{year}{n:06d}",
    "inspection": "县委巡察组移交问题线索 XC-{year}-{n:02d}",
    "report": "信访举报件 JB-{year}-{n:03d}",
    "other": "县审计局审计报告〔{year}〕{n}号",
}

REGISTER_COMMENTS = ["经初步核实，反映问题属实，予以立案。", "问题线索具体、可查，经委务会研究同意立案。",
                     "根据督查移交线索立案调查。"]
INVESTIGATE_COMMENTS = ["成立调查组，调取相关资料并开展谈话。", "已向当事人送达立案通知，开展调查核实。",
                        "调查组进驻开展核查，同步调取相关账目。"]
DECIDE_COMMENTS = ["经案件审理室审理、委务会集体研究，作出处理决定。", "事实清楚、证据确凿，依规依纪作出处理。"]
CLOSE_COMMENTS = ["处理决定已送达本人并在一定范围内宣布，执行到位，案件办结归档。",
                  "处理决定已执行，整改情况已回访，予以结案。"]
NOT_PURSUED_REASONS = [
    "经初步核实，反映问题与事实不符，不予立案，已向反映人反馈核实情况。",
    "所反映问题已由行业主管部门依法处理到位，不予立案。",
    "反映问题不具体、缺乏可查性，经谈话提醒后予以了结，不予立案。",
]

TOLERANCE_STATEMENTS = [
    "当事人系为加快推进民生项目、赶在申报期限前完成审批，出发点是为了公共利益；事前向分管领导作了汇报，"
    "事后及时补办集体研究程序，未谋取任何私利，问题发现后已主动纠正，未造成损失。",
    "当事人在先行先试中探索创新，履行了请示报告程序，未谋取私利，发现问题后立即整改，符合容错情形。",
]
TOLERANCE_REVIEW_YES = ("经核查，当事人出于推动工作的公心，未谋取私利，且已及时纠正，符合“三个区分开来”要求，"
                        "建议予以容错免责。")
TOLERANCE_REVIEW_NO = "经核查，当事人在明知规定的情况下仍违规操作，且整改不及时，不符合容错免责条件，建议不予容错。"
TOLERANCE_DECISION_YES = "经部务会研究，同意对当事人予以容错免责，免除对其年度考核、评先评优和选拔任用的影响。"
TOLERANCE_DECISION_NO = "经部务会研究，不予容错免责，维持原处理决定。"
RECTIFICATION = "完善重大事项集体决策程序，建立审批事项台账，每月由分管领导审核签字。"
RECTIFICATION_NOTE = "已修订单位“三重一大”事项决策规则，审批台账建立并运行两个月，经回访检查整改到位。"

APPEAL_GROUNDS = [
    "本人对事实认定无异议，但认为处理过重：问题发生后本人主动退还款项并如实说明情况，请求从轻处理。",
    "本人认为处理决定认定的部分事实与实际不符，相关审批系按分管领导意见办理，请求重新审查。",
]
APPEAL_CHANGED_NOTE = "经复查，申诉人具有主动交代、积极退赃等从轻情节，原处理偏重，决定予以变更。"

TALKERS = ["县纪委监委派驻第一纪检监察组组长 赵明", "县纪委监委党风政风监督室主任 孙丽",
           "县委组织部干部监督科科长 周建国", "县委组织部副部长 陈晓"]

# occasion → (topic, follow-up) pairs
CARE_TALKS: dict[str, list[tuple[str, str]]] = {
    "job_change": [
        ("岗位交流后的思想状态和工作适应情况，介绍新岗位职责和廉政风险点。",
         "一个月后回访适应情况，协调安排业务培训。"),
        ("新提任后的角色转变，提醒严守纪律规矩、尽快熟悉分管工作。", "督促制定个人履职计划，三个月后再谈一次。"),
    ],
    "setback": [
        ("年度考核等次不理想后的思想疙瘩，帮助分析原因、鼓励放下包袱。", "安排业务骨干结对帮带，季度跟踪工作表现。"),
        ("项目推进受挫后的情绪疏导，肯定前期付出，明确下一步改进方向。", "协调分管领导帮助解决项目用地问题。"),
    ],
    "family": [
        ("家属重病住院，了解家庭困难，转达组织关心。", "协调工会送去慰问金，工作上适当调整出差安排。"),
        ("子女升学和夫妻两地分居问题，听取个人诉求。", "已将诉求报干部科备案，研究交流时统筹考虑。"),
    ],
    "retirement": [
        ("即将退休，感谢多年付出，听取对单位工作的意见建议，做好工作交接。",
         "办理退休手续，邀请参加离退休干部党支部活动。"),
    ],
}
REMINDER_TALKS = [
    ("群众反映工作作风简单生硬，提醒改进服务态度、耐心做好解释工作。", "一个月内回访服务对象，了解改进情况。"),
    ("近期多次参加非工作关系人员宴请，提醒严守中央八项规定精神、净化社交圈。", "本人作出书面说明，三个月内跟踪了解。"),
    ("分管领域项目较多，提醒严格执行招投标规定，不得插手干预。", "本人签订廉政承诺书，纳入季度廉政谈话。"),
    ("月度实绩报告多次迟交，提醒增强纪律意识、按时报送。", "连续三个月按时报送后销号。"),
]
