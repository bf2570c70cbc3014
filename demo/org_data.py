"""Static data for the demo county: categories, unit specifications, names and titles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from org.models import (
    UnitKind,
)

DEMO_PASSWORD = "demo-pass-2026"  # published on the login page and in the README
DEMO_USERS = ("orgadmin", "head", "staff", "inspector")
DEFAULT_OFFICIALS = 200
MIN_OFFICIALS = 30
BATCH_SIZE = 1000
# Average people per section (leaf unit); section sizes are spread around it.
TARGET_LEAF_SIZE = 28

LEADERSHIP_SHARE = 0.10
MIDDLE_SHARE = 0.25
INACTIVE_SHARE = 0.02

# --------------------------------------------------------------------------------------------------
# Catalogue of the county
# --------------------------------------------------------------------------------------------------

CATEGORIES = [
    ("PARTY", "党群部门", 10),
    ("GOV", "政府部门", 20),
    ("TOWN", "乡镇街道", 30),
    ("PARK", "园区", 40),
    ("INST", "事业单位", 50),
]


@dataclass(frozen=True)
class TopSpec:
    """A unit directly under the county: a department, a town or street, or a park."""

    code: str
    name: str
    short: str  # prefix for section names, so "办公室" reads "文旅局办公室" in flat lists
    kind: str
    category: str
    leaders: tuple[str, ...]  # titles of the leadership team; the first is the principal
    deputy: str  # the deputy title, for teams larger than ``leaders``
    sections: tuple[str, ...]  # in the order they are added as the county grows
    institutions: tuple[str, ...] = ()  # subordinate institutions (二级单位), full names
    base: bool = False  # always present
    min_sections: int = 2


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _bureau(code: str, name: str, short: str, sections: str, *, category: str = "GOV", head: str = "局长",
            deputy: str = "副局长", institutions: str = "", base: bool = False, min_sections: int = 2,
            extra: tuple[str, ...] = ()) -> TopSpec:
    if category == "GOV":
        leaders = (head, f"党组成员、{deputy}", deputy, deputy, *extra, "四级调研员")
    else:  # party departments have no 党组
        leaders = (head, *extra, deputy, deputy, "四级调研员")
    return TopSpec(code, name, short, UnitKind.BUREAU, category, leaders, deputy, _words(sections),
                   _words(institutions), base, min_sections)


BUREAUS: list[TopSpec] = [
    _bureau("ORG", "县委组织部", "组织部", "办公室 干部科 组织科 干部监督科 人才工作科 公务员管理科",
            category="PARTY", head="部长", deputy="副部长", base=True, extra=("常务副部长", "部务会成员")),
    _bureau("JW", "县纪委监委", "纪委监委",
            "办公室 党风政风监督室 信访室 第一纪检监察室 第二纪检监察室 案件审理室 案件监督管理室",
            category="PARTY", head="书记", deputy="副书记", base=True, extra=("副书记、监委副主任", "常委")),
    _bureau("WL", "县文化和旅游局", "文旅局",
            "办公室 文化艺术科 旅游发展科 文物和非物质文化遗产科 市场管理科 公共服务科",
            institutions="县图书馆 县文化馆 县博物馆 县文化市场综合执法大队", base=True, min_sections=3),
    _bureau("FG", "县发展和改革局", "发改局",
            "办公室 综合规划科 投资科 政策法规科 价格科 能源科 粮食和物资储备科", base=True),
    _bureau("JY", "县教育局", "教育局", "办公室 基础教育科 人事科 计划财务科 安全稳定科 教育督导室",
            institutions="县教育考试中心 县学生资助管理中心 县教师发展中心", base=True),
    _bureau("CZ", "县财政局", "财政局", "办公室 预算科 国库科 综合科 农业科 社会保障科 政府采购管理科",
            institutions="县财政国库支付中心", base=True),
    _bureau("ZR", "县自然资源局", "自然资源局", "办公室 国土空间规划科 耕地保护科 调查确权登记科 执法监察大队",
            institutions="县不动产登记中心", base=True),
    _bureau("ZJ", "县住房和城乡建设局", "住建局", "办公室 建筑业管理科 城市建设科 房地产市场监管科 村镇建设科",
            institutions="县住房保障服务中心", base=True),
    _bureau("NY", "县农业农村局", "农业农村局",
            "办公室 乡村产业发展科 种植业管理科 畜牧兽医科 农田建设管理科 农村合作经济指导科",
            institutions="县农业技术推广中心 县动物疫病预防控制中心", base=True),
    # Added as the county grows, in this order (interleaved with towns).
    _bureau("XWB", "县委办公室", "县委办", "秘书科 综合科 督查室 信息科 机要科",
            category="PARTY", head="主任", deputy="副主任"),
    _bureau("ZFB", "县人民政府办公室", "政府办", "秘书科 综合科 督查科 信息科 政务公开科",
            head="主任", deputy="副主任"),
    _bureau("GA", "县公安局", "公安局",
            "指挥中心 政治处 治安管理大队 刑事侦查大队 交通警察大队 法制大队 经济犯罪侦查大队 城关派出所",
            extra=("政治委员",)),
    _bureau("XC", "县委宣传部", "宣传部", "办公室 宣传科 理论科 网信办 文明办",
            category="PARTY", head="部长", deputy="副部长"),
    _bureau("RS", "县人力资源和社会保障局", "人社局", "办公室 就业促进科 劳动关系科 社会保险科 人事科",
            institutions="县就业服务中心 县社会保险事业中心"),
    _bureau("WJ", "县卫生健康委员会", "卫健委", "办公室 医政医管科 疾病预防控制科 基层卫生科 人口家庭科",
            head="主任", deputy="副主任", institutions="县疾病预防控制中心 县妇幼保健院"),
    _bureau("SC", "县市场监督管理局", "市场监管局",
            "办公室 登记注册科 食品安全科 药品医疗器械科 特种设备科 价格监督检查科"),
    _bureau("MZ", "县民政局", "民政局", "办公室 社会救助科 养老服务科 社会事务科"),
    _bureau("TZ", "县委统战部", "统战部", "办公室 民族宗教科 党派科",
            category="PARTY", head="部长", deputy="副部长"),
    _bureau("JT", "县交通运输局", "交通局", "办公室 规划建设科 运输管理科 安全监督科"),
    _bureau("SL", "县水利局", "水利局", "办公室 水资源管理科 水利工程建设科 河湖管理科",
            institutions="县水利工程服务中心"),
    _bureau("ZFW", "县委政法委", "政法委", "办公室 综治科 执法监督科",
            category="PARTY", head="书记", deputy="副书记"),
    _bureau("SF", "县司法局", "司法局", "办公室 法治督察科 人民参与和促进法治科 公共法律服务科"),
    _bureau("YJ", "县应急管理局", "应急局", "办公室 安全生产综合协调科 应急救援科 防灾减灾科"),
    _bureau("SJ", "县审计局", "审计局", "办公室 财政审计科 经济责任审计科 固定资产投资审计科"),
    _bureau("KJ", "县科学技术局", "科技局", "办公室 科技创新科 成果转化科"),
    _bureau("GXJ", "县工业和信息化局", "工信局", "办公室 运行监测科 中小企业科 信息化科"),
    _bureau("SW", "县商务局", "商务局", "办公室 商贸流通科 对外贸易科 招商服务科"),
    _bureau("TJ", "县统计局", "统计局", "办公室 综合科 农村统计科 工业交通统计科"),
    _bureau("TYJ", "县退役军人事务局", "退役军人局", "办公室 移交安置科 优抚科",
            institutions="县退役军人服务中心"),
    _bureau("YB", "县医疗保障局", "医保局", "办公室 待遇保障科 基金监管科"),
    _bureau("LY", "县林业局", "林业局", "办公室 生态保护修复科 森林资源管理科",
            institutions="县林业技术推广站"),
    _bureau("CGJ", "县城市管理局", "城管局", "办公室 市容环境卫生科 市政公用科 综合执法大队"),
    _bureau("XF", "县信访局", "信访局", "办公室 来访接待科 督查督办科"),
    _bureau("ZS", "县政务服务和数据管理局", "政数局", "办公室 政务服务科 数据资源科",
            institutions="县政务服务中心"),
]

_TOWN_SECTIONS = ("党政综合办公室 经济发展办公室 社会事务办公室 平安建设办公室 党建工作办公室 "
                  "自然资源和规划建设办公室 农业农村办公室 财政所 综合行政执法队 便民服务中心 退役军人服务站")
_STREET_SECTIONS = ("党政综合办公室 社区建设办公室 平安建设办公室 城市管理办公室 党建工作办公室 "
                    "经济服务办公室 便民服务中心 综合行政执法队")


def _town(code: str, name: str, *, base: bool = False) -> TopSpec:
    leaders: tuple[str, ...]
    if name.endswith("街道"):
        leaders = ("党工委书记", "办事处主任", "党工委副书记", "人大工委主任", "办事处副主任", "办事处副主任",
                   "纪工委书记", "党工委委员、武装部长", "办事处副主任", "党工委委员", "四级调研员")
        sections, deputy = _STREET_SECTIONS, "办事处副主任"
    else:
        town_word = "乡" if name.endswith("乡") else "镇"
        leaders = ("党委书记", f"{town_word}长", "党委副书记", "人大主席", f"副{town_word}长", f"副{town_word}长",
                   "纪委书记", "党委委员、组织委员", "党委委员、宣传委员", "党委委员、武装部长",
                   f"副{town_word}长", "党委委员、统战委员", "四级调研员")
        sections, deputy = _TOWN_SECTIONS, f"副{town_word}长"
    return TopSpec(code, name, name, UnitKind.TOWN, "TOWN", leaders, deputy, _words(sections), (), base, 2)


TOWNS: list[TopSpec] = [
    _town("CG", "城关街道", base=True),
    _town("DH", "东湖镇", base=True),
    _town("QS", "青山镇", base=True),
    _town("LH", "柳河乡", base=True),
    _town("XG", "西关街道"),
    _town("SQ", "石桥镇"),
    _town("BM", "白马镇"),
    _town("XJ", "新集镇"),
    _town("BC", "北城街道"),
    _town("LQ", "龙泉镇"),
    _town("HK", "河口镇"),
    _town("TYX", "桃源乡"),
    _town("MF", "马坊镇"),
    _town("SH", "三合镇"),
    _town("GM", "高庙乡"),
    _town("JS", "金沙镇"),
    _town("DY", "大营镇"),
    _town("WZ", "王庄乡"),
    _town("SJZ", "双井镇"),
    _town("YL", "杨柳镇"),
    _town("HQ", "红旗乡"),
    _town("QQ", "清泉镇"),
    _town("XL", "兴隆镇"),
    _town("CL", "长乐乡"),
]

_PARK_LEADERS = ("党工委书记", "管委会主任", "党工委副书记", "管委会副主任", "管委会副主任", "党工委委员",
                 "管委会副主任", "四级调研员")
PARKS: list[TopSpec] = [
    TopSpec("KFQ", "清河经济开发区", "开发区", UnitKind.PARK, "PARK", _PARK_LEADERS, "管委会副主任",
            _words("党政办公室 招商服务部 规划建设部 企业服务部 财政金融部 安全生产和环境保护部"), (), True, 2),
    TopSpec("GXQ", "高新技术产业园", "高新园", UnitKind.PARK, "PARK", _PARK_LEADERS, "管委会副主任",
            _words("党政办公室 招商服务部 科技创新部 企业服务部 规划建设部"), (), True, 2),
    TopSpec("NYY", "现代农业产业园", "农业园", UnitKind.PARK, "PARK", _PARK_LEADERS, "管委会副主任",
            _words("党政办公室 招商服务部 产业发展部 规划建设部"), (), False, 2),
]

ROOT_CODE, ROOT_NAME = "QH", "清河县"
HEAD_UNIT_CODE = "WL"

# Middle-level titles by the ending of the unit's name: (chief, deputy).
_MIDDLE_TITLES = [
    ("派出所", ("所长", "副所长")), ("大队", ("大队长", "副大队长")), ("队", ("队长", "副队长")),
    ("科", ("科长", "副科长")), ("所", ("所长", "副所长")), ("站", ("站长", "副站长")), ("馆", ("馆长", "副馆长")),
    ("院", ("院长", "副院长")), ("部", ("部长", "副部长")),
]

# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------

# Common surnames with rough relative frequencies (per mille of the population).
SURNAMES: list[tuple[str, float]] = [
    ("王", 71), ("李", 70), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 23), ("赵", 22),
    ("吴", 20), ("周", 19), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("高", 11), ("林", 11), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6),
    ("田", 6), ("董", 6), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5),
    ("叶", 5), ("程", 5), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4),
    ("卢", 4), ("姜", 4), ("崔", 4), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3),
    ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3),
    ("孟", 3), ("熊", 3), ("秦", 3), ("邱", 3), ("江", 3), ("尹", 3), ("薛", 2), ("闫", 2), ("段", 2),
    ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2),
    ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("武", 2), ("戴", 2), ("孔", 1),
    ("向", 1), ("汤", 1), ("常", 1), ("葛", 1), ("温", 1), ("康", 1), ("欧阳", 0.5), ("司马", 0.1),
    ("诸葛", 0.1), ("上官", 0.1),
]
MALE_CHARS = _words("伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 旭 宁 龙 林 阳 建 国 志 "
              "文 东 海 峰 亮 成 晨 博 豪 毅 彬 兵 睿 泽 然 松 坤 红 春 立 永 新 德 家 振 荣 庆 忠 光 锋 "
              "晓 子 天 一 思 宏 少 学 卫 云 山 江 元 洪 金 世")
FEMALE_CHARS = _words("芳 娜 敏 静 丽 艳 娟 霞 秀 燕 玲 婷 雪 慧 红 梅 琳 颖 倩 晶 洁 欣 悦 萍 璐 佳 怡 雯 琪 晓 冰 "
                "月 莉 蕾 丹 妍 薇 媛 岚 琴 云 凤 兰 英 华 春 文 雅 思 梦 子 诗 嘉 雨 晨 欢 露 茜 瑶 蓉 "
                "爱 玉 丽 珊 娇 彤 楠 宁 洁 美 翠 桂")

PHONE_PREFIXES = _words("130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 166 173 175 176 177 "
                  "178 180 181 182 183 185 186 187 188 189 191 198 199")

ORDINARY_TITLES_JUNIOR = ("二级科员", "一级科员", "科员", "办事员")
ORDINARY_TITLES_MID = ("四级主任科员", "三级主任科员", "科员")
ORDINARY_TITLES_SENIOR = ("二级主任科员", "一级主任科员", "三级主任科员")
CONTRACT_TITLES = ("聘用人员", "综合岗工作人员", "辅助岗工作人员")

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """Chinese numeral for 1–99 (一, 十二, 二十, 三十五); larger numbers stay in digits."""
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _middle_titles(unit_name: str) -> tuple[str, str]:
    for ending, titles in _MIDDLE_TITLES:
        if unit_name.endswith(ending):
            return titles
    return ("主任", "副主任")


def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


_SURNAME_LIST = [s for s, _w in SURNAMES]
_SURNAME_WEIGHTS = [w for _s, w in SURNAMES]
