"""The demo city: 潍坊市 and its twelve county-level divisions, as pure data.

Reproduces the seed article's figures (292 → 133 city-level bodies in the 2019 clean-up; 17 joint
meetings and 2 coordination mechanisms; the 2022 campaign's 9 abolished, 8 renamed, 7 re-affiliated)
and enough history since 2019 for every journey in ``spec/journeys.md``.

No Django imports: ``yixie.demo.loader`` turns these specs into rows through the ledger services.
Everything is built at import time, deterministically (one ``random.Random(2019)``).

Contract notes beyond the brief:
- ``history`` never contains the ``establish`` event: the loader records it from ``established_on`` and
  ``established_doc`` (``None`` = basis document missing).
- ``split`` events carry ``{"into": [key of the body split off]}``; the new body is established the
  same day by the same document.
- ``derecognise`` ends a body's life as a coordinating body just like ``abolish`` does.
- Posts are keyed by name within a region; department and post names are resolved here, so every
  reference in a spec is a display name of the same region.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass, field

DEMO_TODAY = "2026-11-25"


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    parent: str | None
    level: str  # "city" | "county" | "township"


@dataclass(frozen=True)
class DepartmentSpec:
    region: str
    name: str
    short_name: str
    kind: str  # "party" | "government" | "other"
    order: int
    duties: str = ""
    uscc: str = ""


@dataclass(frozen=True)
class PostSpec:
    region: str
    name: str
    order: int
    holders: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class EventSpec:
    on: str
    kind: str
    doc: str | None
    changes: dict = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    number: str
    issuer: str
    issued_on: str
    title: str


@dataclass(frozen=True)
class BodySpec:
    key: str
    region: str
    name: str
    category: str
    form: str
    sequence: str
    legal_ground: str
    lead: str
    office: str
    leader: str
    deputies: tuple[str, ...]
    members: tuple[tuple[str, str], ...]
    duties: str
    established_on: str
    established_doc: str | None
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    temporary: bool = False
    ends_on: str | None = None
    end_condition: str = ""
    upper_counterpart: str = ""
    task_scope: str = "single"
    history: tuple[EventSpec, ...] = ()


CITY = "370700"
_rng = random.Random(2019)

# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------


def _weekday(d: _dt.date) -> _dt.date:
    """Documents are issued on working days: Saturday → Friday, Sunday → Monday."""
    if d.weekday() == 5:
        return d - _dt.timedelta(days=1)
    if d.weekday() == 6:
        return d + _dt.timedelta(days=1)
    return d


def _rand_date(start: str, end: str) -> str:
    a, b = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    d = a + _dt.timedelta(days=_rng.randint(0, (b - a).days))
    d = _weekday(d)
    d = min(max(d, a), b)
    return d.isoformat()


def _in_year(year: int, last: str | None = None) -> str:
    end = f"{year}-12-26"
    if last and last < end:
        end = last
    return _rand_date(f"{year}-01-08", end)


# ---------------------------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------------------------

# code, name, type, short name, document-number prefix
_COUNTIES = [
    ("370702", "潍城区", "district", "潍城", "潍城"),
    ("370703", "寒亭区", "district", "寒亭", "寒"),
    ("370704", "坊子区", "district", "坊子", "坊"),
    ("370705", "奎文区", "district", "奎文", "奎"),
    ("370724", "临朐县", "county", "临朐", "朐"),
    ("370725", "昌乐县", "county", "昌乐", "乐"),
    ("370781", "青州市", "city", "青州", "青"),
    ("370782", "诸城市", "city", "诸城", "诸"),
    ("370783", "寿光市", "city", "寿光", "寿"),
    ("370784", "安丘市", "city", "安丘", "安"),
    ("370785", "高密市", "city", "高密", "高"),
    ("370786", "昌邑市", "city", "昌邑", "昌"),
]
_LEVEL_CHAR = {"district": "区", "county": "县", "city": "市"}

REGIONS: list[RegionSpec] = [RegionSpec(CITY, "潍坊市", None, "city")]
REGIONS += [RegionSpec(code, name, CITY, "county") for code, name, *_ in _COUNTIES]
REGIONS += [
    RegionSpec("370702001", "城关街道", "370702", "township"),
    RegionSpec("370781001", "王府街道", "370781", "township"),
]

_REGION_NAME = {r.code: r.name for r in REGIONS}
_COUNTY_META = {code: (name, typ, short, pfx) for code, name, typ, short, pfx in _COUNTIES}


def _issuers(code: str) -> dict[str, tuple[str, str]]:
    """Issuer and document-number prefix per issuing organ: 委, 政府, 委办, 政府办."""
    if code == CITY:
        return {
            "fa": ("中共潍坊市委", "潍发"),
            "zhengzi": ("潍坊市人民政府", "潍政字"),
            "banfa": ("中共潍坊市委办公室", "潍办发"),
            "zhengbanzi": ("潍坊市人民政府办公室", "潍政办字"),
        }
    name, typ, _short, pfx = _COUNTY_META[code]
    full = "潍坊市" + name if typ == "district" else name
    return {
        "fa": (f"中共{full}委", f"{pfx}发"),
        "zhengzi": (f"{full}人民政府", f"{pfx}政字"),
        "banfa": (f"中共{full}委办公室", f"{pfx}办发"),
        "zhengbanzi": (f"{full}人民政府办公室", f"{pfx}政办字"),
    }


# ---------------------------------------------------------------------------------------------
# departments
# ---------------------------------------------------------------------------------------------

# key, name, short name, kind, 三定-style duties (the important ones)
_CITY_DEPTS: list[tuple[str, str, str, str, str]] = [
    ("party_office", "市委办公室", "市委办", "party",
     "负责市委日常运转，协助市委领导处理日常工作，组织安排市委重要会议和活动。负责市委文电、机要、档案和信息工作，"
     "承担市委重大决策部署的督促检查。负责市委序列议事协调机构设立、调整申请的受理和发文公布工作。"),
    ("org", "市委组织部", "", "party",
     "负责全市党的组织建设、干部队伍建设和人才队伍建设的规划、指导和协调。负责市管领导班子和领导干部的考察、任免、"
     "管理监督，指导全市基层党组织建设和党员教育管理。牵头抓总全市人才工作，负责公务员综合管理，审核议事协调机构领导人员的职务和职级。"),
    ("prop", "市委宣传部", "", "party",
     "负责全市理论武装、意识形态、新闻舆论、精神文明建设和文化建设的指导协调。统筹全市新闻出版、电影工作和对外宣传，"
     "管理市级新闻媒体。指导全市文明城市创建、新时代文明实践、未成年人思想道德建设和志愿服务工作。"),
    ("uf", "市委统战部", "", "party",
     "负责全市统一战线工作的调查研究和统筹协调，联系民主党派、工商联和无党派人士。统一领导全市民族宗教工作，"
     "负责党外代表人士队伍建设、非公有制经济人士和新的社会阶层人士统战工作。负责对台、港澳和侨务工作。"),
    ("plc", "市委政法委员会", "市委政法委", "party",
     "统筹协调全市政法单位工作，指导推进平安潍坊建设和社会治理现代化。负责维护社会稳定、扫黑除恶、防范处理邪教、"
     "矛盾纠纷排查化解的组织协调，指导基层社会治理和网格化服务管理。承担国家安全工作的日常协调。"),
    ("staffing", "市委机构编制委员会办公室", "市委编办", "party",
     "负责全市党政群机构、事业单位机构编制的综合管理，拟订机构改革方案，审核各部门职能配置、内设机构和人员编制（三定规定）。"
     "负责议事协调机构设立、调整、撤销的审核和清理规范，建立议事协调机构管理台账。负责机关职能运行监管和部门间职责分工协调。"),
    ("policy", "市委政策研究室", "市委研究室", "party",
     "负责围绕市委中心工作开展调查研究，起草市委重要文稿。承担全面深化改革重大问题研究，"
     "负责市委全面深化改革委员会的日常工作，督促落实改革任务。"),
    ("cyber", "市委网络安全和信息化委员会办公室", "市委网信办", "party",
     "负责全市网络安全、信息化和网络内容管理的统筹协调，推进网络意识形态工作和网络舆情处置。"
     "指导全市关键信息基础设施安全保护，协调网络违法有害信息治理。"),
    ("foreign", "市委外事工作委员会办公室", "市委外办", "party",
     "负责全市外事工作的归口管理和统筹协调，管理因公出国（境）和外国人来访事务。推动国际友好城市交流合作，承担市委外事工作委员会的日常工作。"),
    ("secrecy", "市委机要保密局", "", "party",
     "负责全市保密工作、机要密码工作的组织协调和监督管理。承担市委保密委员会、市委密码工作领导小组的日常工作，组织保密检查和密码安全管理。"),
    ("veteran_cadre", "市委老干部局", "", "party", ""),
    ("discipline", "市纪委监委", "", "party",
     "负责维护党章和其他党内法规，监督检查党的路线方针政策和决议执行情况，协助市委推进全面从严治党、加强党风廉政建设和组织协调反腐败工作。"
     "依照法律对所有行使公权力的公职人员进行监察，调查职务违法和职务犯罪。负责市委巡察工作的组织协调。"),
    ("gov_office", "市政府办公室", "市政府办", "government",
     "负责市政府日常运转，协助市政府领导组织起草或审核以市政府、市政府办公室名义发布的公文。负责督促检查市政府重要决策部署和领导批示落实，"
     "推进政务公开工作。负责市政府序列议事协调机构设立、调整申请的受理和发文公布工作。"),
    ("dev", "市发展和改革委员会", "市发展改革委", "government",
     "拟订并组织实施全市国民经济和社会发展战略、中长期规划和年度计划，统筹协调经济社会发展。负责全市投资综合管理，审批、核准、备案重大项目，"
     "推进重点项目建设。推进经济体制改革和新旧动能转换，组织拟订综合性产业政策，协调推动服务业、现代物流、粮食和物资储备、能源发展。"
     "负责社会信用体系建设和价格管理工作。"),
    ("edu", "市教育局", "", "government",
     "贯彻执行教育方针政策，拟订全市教育发展规划并组织实施，统筹管理学前教育、义务教育、普通高中教育和职业教育。"
     "负责全市教育督导、学校安全和学生资助工作，指导学校思想政治工作。负责教师队伍建设和语言文字工作。"),
    ("sci", "市科学技术局", "市科技局", "government",
     "拟订全市科技创新规划和政策，统筹推进创新型城市建设和科技体制改革。负责高新技术企业培育、科技成果转化和科技创新平台建设，"
     "组织科学技术普及工作。牵头管理全市科技项目和科技经费。"),
    ("ind", "市工业和信息化局", "市工信局", "government",
     "拟订全市工业和信息化发展规划，推进制造强市建设和产业结构优化升级。负责中小企业和民营经济发展的指导，推进工业互联网、数字经济和两化深度融合。"
     "负责工业节能、技术改造、化工产业转型升级和食品工业等行业管理。"),
    ("pol", "市公安局", "", "government",
     "负责全市公共安全、社会治安管理和打击违法犯罪工作，组织开展反恐怖、禁毒、打击电信网络诈骗工作。"
     "负责道路交通安全管理、治安管理、户政和出入境管理，承担大型群众性活动安全管理。"),
    ("civil", "市民政局", "", "government",
     "负责全市社会救助、养老服务、儿童福利、殡葬管理和社会事务管理工作。负责社会组织登记管理、城乡社区治理和行政区划、地名管理。"
     "指导慈善事业发展和志愿服务。"),
    ("justice", "市司法局", "", "government",
     "负责全市法治建设的统筹规划，承担市委全面依法治市委员会办公室日常工作。负责行政规范性文件审查、行政复议和行政执法监督，"
     "指导人民调解、社区矫正、安置帮教、法律援助和公共法律服务体系建设。组织实施普法工作。"),
    ("fin", "市财政局", "", "government",
     "负责全市财政收支、预算管理和国库集中收付，拟订财政政策和财务制度。负责政府采购、政府债务和非税收入管理，"
     "承担预算绩效管理和行政事业单位国有资产管理。负责会计管理工作，协同推进综合治税。"),
    ("hr", "市人力资源和社会保障局", "市人力资源社会保障局", "government",
     "负责全市就业创业、人才队伍建设和职称改革工作，统筹城乡社会保险体系建设。负责劳动关系协调、劳动保障监察和根治拖欠农民工工资工作。"
     "负责技能人才培养和事业单位人事管理。"),
    ("land", "市自然资源和规划局", "市自然资源规划局", "government",
     "负责全市自然资源调查监测评价和统一确权登记，编制国土空间规划并监督实施。负责耕地保护和土地用途管制，"
     "统筹林业、湿地保护和国土绿化工作，承担地质灾害防治和测绘地理信息管理。"),
    ("eco", "市生态环境局", "", "government",
     "负责全市生态环境监督管理，组织实施大气、水、土壤污染防治。负责生态环境保护督察整改、环境影响评价、排污许可和核与辐射安全监管。"
     "统筹应对气候变化和减污降碳工作，承担市生态环境保护委员会日常工作。"),
    ("housing", "市住房和城乡建设局", "市住房城乡建设局", "government",
     "负责全市住房保障、房地产市场监管和城镇老旧小区改造、棚户区改造工作。负责建筑市场、工程质量安全监管和城镇燃气安全监管，"
     "推进城市更新和建筑节能。指导物业管理和城市地下管线管理。"),
    ("transport", "市交通运输局", "", "government",
     "负责全市公路、水路交通运输规划、建设和行业管理，推进“四好农村路”和综合交通运输体系建设。"
     "负责道路运输、出租汽车和城市公共交通行业管理，组织实施治理车辆超限超载和交通战备工作。"),
    ("water", "市水利局", "", "government",
     "负责全市水资源管理、节约用水和河湖管理保护，承担河长制湖长制日常工作。负责水利工程建设管理、农村供水和水土保持，"
     "承担水旱灾害防御的技术支撑。"),
    ("agri", "市农业农村局", "", "government",
     "负责全市乡村振兴战略实施和农业农村发展的统筹协调，承担市委农村工作领导小组日常工作。负责农产品质量安全监管和农业产业化经营的指导，"
     "推进农村集体产权制度改革和农村人居环境整治。负责动物疫病防控、种植业、畜牧业和农业机械化管理。"),
    ("ocean", "市海洋发展和渔业局", "市海洋渔业局", "government",
     "负责全市海洋经济发展、海域海岛管理和渔业发展的统筹规划，推进海洋强市建设。负责渔船渔港安全监管和水产品质量安全监管。"),
    ("commerce", "市商务局", "", "government",
     "负责全市国内贸易和对外贸易、外商投资管理，推进跨境电子商务和口岸建设。负责市场运行调节和重要商品供应保障，"
     "承担招商引资综合协调和重大经贸活动的组织服务。"),
    ("culture", "市文化和旅游局", "市文化旅游局", "government",
     "负责全市文化、旅游、文物和广播电视事业发展，推进文化和旅游融合发展。负责文物保护、非物质文化遗产保护和公共文化服务体系建设，"
     "组织重大文化旅游节会活动。"),
    ("health", "市卫生健康委员会", "市卫生健康委", "government",
     "负责全市卫生健康事业发展，推进深化医药卫生体制改革和健康潍坊建设。负责疾病预防控制、突发公共卫生事件应急处置和爱国卫生工作，"
     "承担老龄工作和医养结合的统筹协调。负责中医药发展、职业健康和无偿献血管理。"),
    ("veteran", "市退役军人事务局", "市退役军人局", "government",
     "负责全市退役军人思想政治、管理保障和安置工作，组织开展双拥共建和优抚褒扬工作。负责军队转业干部和退役士兵安置，建设退役军人服务保障体系。"),
    ("emerg", "市应急管理局", "", "government",
     "负责全市应急管理工作，组织编制应急预案和应急体系建设，指导应对安全生产类、自然灾害类突发事件。"
     "负责安全生产综合监督管理和工矿商贸行业安全生产监管，承担市安全生产委员会日常工作。负责防汛抗旱、森林防火、抗震救灾和减灾救灾的组织协调。"),
    ("audit", "市审计局", "", "government",
     "负责全市审计监督，对财政收支、国有企业和重大政策措施落实情况进行审计。负责领导干部经济责任审计和自然资源资产离任审计，"
     "承担市委审计委员会办公室日常工作。"),
    ("soe", "市人民政府国有资产监督管理委员会", "市国资委", "government",
     "负责监管市属国有企业国有资产，推进国有企业改革和国有资本布局优化。负责国有企业负责人经营业绩考核和国有产权管理。"),
    ("market", "市市场监督管理局", "市市场监管局", "government",
     "负责全市市场综合监督管理和市场主体登记，统一负责食品安全监督管理，承担市食品安全委员会日常工作。"
     "负责药品、医疗器械、特种设备安全监管和产品质量监督，组织实施质量强市、标准化和知识产权战略。负责价格监督检查、反不正当竞争和消费者权益保护。"),
    ("sport", "市体育局", "", "government",
     "负责全市群众体育、竞技体育和体育产业发展，推进全民健身公共服务体系建设。负责承办大型体育赛事和运动会的组织保障工作。"),
    ("stats", "市统计局", "", "government",
     "负责全市统计调查和统计数据发布，组织实施人口普查、经济普查、农业普查等重大国情国力普查。负责统计执法监督和统计信用管理。"),
    ("medins", "市医疗保障局", "市医保局", "government",
     "负责全市基本医疗保险、生育保险和医疗救助制度建设，组织实施医保支付方式改革。负责医疗服务价格和药品耗材招采管理，监督管理医保基金使用。"),
    ("approval", "市行政审批服务局", "市审批服务局", "government",
     "负责全市行政审批事项的集中办理，推进“放管服”改革和“一次办好”改革。负责政务服务体系建设和公共资源交易管理，"
     "统筹优化营商环境相关审批服务工作。"),
    ("urban", "市城市管理局", "", "government",
     "负责全市城市管理和综合行政执法的统筹协调，负责市容环境卫生、生活垃圾分类、户外广告和城市照明管理。"
     "负责数字化城市管理平台运行和城市管理相对集中行政处罚。"),
    ("finance", "市地方金融监督管理局", "市金融监管局", "government",
     "负责全市地方金融组织监管和金融风险防范处置，承担防范和处置非法集资工作。推动企业上市和直接融资，优化金融生态环境。"),
    ("data", "市大数据局", "", "government",
     "负责全市大数据发展、数字政府和新型智慧城市建设的统筹推进，负责政务信息资源整合共享和电子政务基础设施建设。推动数字经济与数字社会发展。"),
    ("petition", "市信访局", "", "government",
     "负责全市信访工作的综合协调，受理、交办、转送群众来信来访和网上信访事项。督查督办信访事项办理，推动信访问题源头治理，"
     "承担市信访工作联席会议日常工作。"),
    ("tax", "国家税务总局潍坊市税务局", "市税务局", "other", ""),
    ("pad", "潍坊军分区", "", "other",
     "负责全市民兵预备役建设、征兵和国防教育工作，组织实施国防动员。承担市国防动员委员会日常工作，协调推进军地需求对接和双拥共建。"),
    ("court", "市中级人民法院", "市中院", "other", ""),
    ("procur", "市人民检察院", "市检察院", "other", ""),
    ("union", "市总工会", "", "other", ""),
    ("youth", "团市委", "", "other", ""),
    ("women", "市妇女联合会", "市妇联", "other", ""),
    ("disab", "市残疾人联合会", "市残联", "other", ""),
    ("sa", "市科学技术协会", "市科协", "other", ""),
    ("supply", "市供销合作社", "市供销社", "other", ""),
    ("fire", "市消防救援支队", "", "other",
     "负责全市火灾预防、消防监督执法和火灾扑救，承担综合性应急救援任务。承担市消防安全委员会日常工作。"),
    ("pboc", "中国人民银行潍坊市分行", "人民银行潍坊市分行", "other", ""),
    ("nfra", "国家金融监督管理总局潍坊监管分局", "潍坊金融监管分局", "other", ""),
    ("weather", "市气象局", "", "other", ""),
    ("customs", "潍坊海关", "", "other", ""),
]

# key, name template, short template, kind; {R} region name, {S} short name; None = skipped here
_COUNTY_DEPTS: list[tuple[str, str, str, str]] = [
    ("party_office", "{R}委办公室", "{R}委办", "party"),
    ("org", "{R}委组织部", "", "party"),
    ("prop", "{R}委宣传部", "", "party"),
    ("uf", "{R}委统战部", "", "party"),
    ("plc", "{R}委政法委员会", "{R}委政法委", "party"),
    ("staffing", "{R}委机构编制委员会办公室", "{R}委编办", "party"),
    ("gov_office", "{R}人民政府办公室", "{R}政府办", "government"),
    ("dev", "{R}发展和改革局", "{R}发展改革局", "government"),
    ("edu", "{R}教育和体育局", "{R}教体局", "government"),
    ("ind", "{R}工业和信息化局", "{R}工信局", "government"),
    ("pol", "{R}公安局", "", "government"),
    ("civil", "{R}民政局", "", "government"),
    ("justice", "{R}司法局", "", "government"),
    ("fin", "{R}财政局", "", "government"),
    ("hr", "{R}人力资源和社会保障局", "{R}人社局", "government"),
    ("land", "{R}自然资源和规划局", "{R}自然资源局", "government"),
    ("eco", "潍坊市生态环境局{S}分局", "{S}生态环境分局", "government"),
    ("housing", "{R}住房和城乡建设局", "{R}住建局", "government"),
    ("transport", "{R}交通运输局", "", "government"),
    ("water", "{R}水利局", "", "government"),
    ("agri", "{R}农业农村局", "", "government"),
    ("commerce", "{R}商务局", "", "government"),
    ("culture", "{R}文化和旅游局", "{R}文旅局", "government"),
    ("health", "{R}卫生健康局", "{R}卫健局", "government"),
    ("veteran", "{R}退役军人事务局", "", "government"),
    ("emerg", "{R}应急管理局", "", "government"),
    ("market", "{R}市场监督管理局", "{R}市场监管局", "government"),
    ("stats", "{R}统计局", "", "government"),
    ("approval", "{R}行政审批服务局", "", "government"),
    ("urban", "{R}综合行政执法局", "", "government"),
    ("pad", "{R}人民武装部", "{R}人武部", "other"),
    ("union", "{R}总工会", "", "other"),
    ("youth", "共青团{R}委员会", "团{R}委", "other"),
    ("women", "{R}妇女联合会", "{R}妇联", "other"),
    ("fire", "{R}消防救援大队", "", "other"),
]
# districts have branches of city bureaus instead of their own
_DISTRICT_DEPTS = {
    "pol": ("潍坊市公安局{S}分局", "{S}公安分局"),
    "land": ("潍坊市自然资源和规划局{S}分局", "{S}自然资源分局"),
}

# where a county has no such department, the work sits with another
_DEPT_FALLBACK = {
    "sci": "ind", "sport": "edu", "finance": "fin", "data": "approval", "ocean": "agri", "disab": "civil",
    "cyber": "prop", "secrecy": "party_office", "discipline": "org", "policy": "party_office",
    "foreign": "gov_office", "soe": "fin", "supply": "agri", "court": "plc", "procur": "plc", "pboc": "fin",
    "nfra": "fin", "weather": "emerg", "customs": "commerce", "sa": "ind", "veteran_cadre": "org", "tax": "fin",
    "audit": "fin", "medins": "health", "petition": "plc",
}

DEPARTMENTS: list[DepartmentSpec] = []
_DEPT: dict[str, dict[str, str]] = {}  # region → key → name


def _add_departments(code: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    order = 0
    names: dict[str, str] = {}
    for kind in ("party", "government", "other"):
        for key, name, short, k, duties in rows:
            if k != kind:
                continue
            order += 1
            DEPARTMENTS.append(DepartmentSpec(code, name, short, kind, order, duties))
            names[key] = name
    _DEPT[code] = names


_add_departments(CITY, _CITY_DEPTS)
for _code, _name, _typ, _short, _pfx in _COUNTIES:
    _rows = []
    for _key, _tpl, _stpl, _kind in _COUNTY_DEPTS:
        if _typ == "district" and _key in _DISTRICT_DEPTS:
            _tpl, _stpl = _DISTRICT_DEPTS[_key]
        _rows.append((_key, _tpl.format(R=_name, S=_short), _stpl.format(R=_name, S=_short), _kind, ""))
    _add_departments(_code, _rows)


def _dept(code: str, key: str) -> str:
    names = _DEPT[code]
    if key in names:
        return names[key]
    return names[_DEPT_FALLBACK[key]]


# ---------------------------------------------------------------------------------------------
# posts (leader seats are held by posts; people turn over)
# ---------------------------------------------------------------------------------------------

_CITY_POSTS: list[tuple[str, str, tuple[tuple[str, str, str | None], ...]]] = [
    ("sec", "市委书记", (("刘建国", "2016-12-20", "2021-09-28"), ("张伟", "2021-09-28", None))),
    ("mayor", "市长", (("张伟", "2017-01-16", "2021-09-28"), ("李明", "2021-10-26", None))),
    ("dsec", "市委副书记", (("王志强", "2018-03-12", "2022-06-30"), ("陈海燕", "2022-07-08", None))),
    ("exec", "常务副市长", (("孙国栋", "2016-11-15", "2021-12-30"), ("赵立新", "2022-01-10", None))),
    ("org", "市委常委、组织部部长", (("杨建华", "2018-09-03", None),)),
    ("prop", "市委常委、宣传部部长", (("周红梅", "2017-03-20", None),)),
    ("law", "市委常委、政法委书记", (("马振华", "2016-12-20", "2022-01-14"), ("于晓东", "2022-01-14", None))),
    ("sg", "市委常委、秘书长", (("徐文杰", "2018-06-01", None),)),
    ("uf", "市委常委、统战部部长", (("郭丽华", "2017-08-10", None),)),
    ("dis", "市委常委、市纪委书记", (("韩德胜", "2016-12-20", "2021-09-28"), ("宋永刚", "2021-09-28", None))),
    ("v_ind", "副市长（分管工业和信息化）", (("田俊峰", "2018-01-22", None),)),
    ("v_agr", "副市长（分管农业农村）", (("丁春雷", "2017-01-16", "2022-01-20"), ("董玉兰", "2022-01-20", None))),
    ("v_urb", "副市长（分管城市建设）", (("曹宏伟", "2019-01-18", None),)),
    ("v_soc", "副市长（分管教育卫生）", (("吴秀英", "2017-01-16", None),)),
    ("v_sec", "副市长（分管公安）", (("崔卫东", "2018-07-10", None),)),
    ("npc", "市人大常委会副主任", (("邢光明", "2017-01-10", None),)),
    ("cppcc", "市政协副主席", (("秦桂芳", "2017-01-08", None),)),
]

_SURNAMES = "王张刘李陈杨赵孙徐马于郭高韩宋田丁董周吴朱曹袁邢崔秦尹孟侯葛石谭姜范冯蒋魏贾"
_GIVEN = [
    "伟", "明", "强", "军", "磊", "涛", "勇", "杰", "峰", "斌", "建国", "建华", "志强", "海燕", "红梅", "晓东",
    "立新", "国栋", "春雷", "玉兰", "丽华", "文杰", "振华", "永刚", "庆华", "德胜", "光明", "学军", "卫东", "宏伟",
    "长青", "金龙", "秀英", "桂芳", "文斌", "冬梅", "宝华", "俊峰", "海涛", "建军", "洪亮", "继东", "庆国", "爱华",
    "红霞", "美玲", "国庆", "新民", "向阳", "瑞芳", "志刚", "云飞", "书林", "希望", "同辉", "宪章", "凤英", "晓燕",
]

POSTS: list[PostSpec] = []
_POST: dict[str, dict[str, str]] = {}

_POST[CITY] = {}
for _i, (_key, _name, _holders) in enumerate(_CITY_POSTS, 1):
    POSTS.append(PostSpec(CITY, _name, _i, _holders))
    _POST[CITY][_key] = _name

_used_names = {h[0] for _k, _n, hs in _CITY_POSTS for h in hs}
_name_pool = [s + g for s in _SURNAMES for g in _GIVEN]
_rng.shuffle(_name_pool)
_name_pool = [n for n in _name_pool if n not in _used_names]


def _person() -> str:
    return _name_pool.pop()


for _code, _name, _typ, _short, _pfx in _COUNTIES:
    L = _LEVEL_CHAR[_typ]
    head = {"区": "区长", "县": "县长", "市": "市长"}[L]
    titles = [
        ("sec", f"{L}委书记"), ("mayor", head), ("dsec", f"{L}委副书记"), ("exec", f"常务副{head}"),
        ("org", f"{L}委常委、组织部部长"), ("law", f"{L}委常委、政法委书记"),
        ("v_ind", f"副{head}（分管工业和信息化）"), ("v_agr", f"副{head}（分管农业农村）"),
        ("v_soc", f"副{head}（分管社会事业）"), ("v_sec", f"副{head}（分管公安）"),
    ]
    _POST[_code] = {}
    for _i, (_key, _title) in enumerate(titles, 1):
        start = _rand_date("2016-06-01", "2019-06-28")
        if _rng.random() < 0.4:  # the 2021 换届 brought a new holder
            turn = _rand_date("2021-06-01", "2022-03-31")
            holders = ((_person(), start, turn), (_person(), turn, None))
        else:
            holders = ((_person(), start, None),)
        POSTS.append(PostSpec(_code, _title, _i, holders))
        _POST[_code][_key] = _title

_POST_FALLBACK = {"prop": "dsec", "uf": "dsec", "sg": "dsec", "dis": "dsec", "v_urb": "exec", "npc": None, "cppcc": None}


def _post(code: str, key: str) -> str | None:
    posts = _POST[code]
    if key in posts:
        return posts[key]
    alt = _POST_FALLBACK.get(key)
    return posts[alt] if alt else None


# ---------------------------------------------------------------------------------------------
# documents: requested while bodies are built, numbered chronologically per issuer and year
# ---------------------------------------------------------------------------------------------

_doc_requests: list[dict] = []
_doc_counter = [0]


def _doc(code: str, kind: str, on: str, title: str, pin: int | None = None) -> str:
    """Request a document; returns a provisional id replaced by the final key at the end."""
    _doc_counter[0] += 1
    pid = f"@{_doc_counter[0]}"
    _doc_requests.append({"pid": pid, "region": code, "kind": kind, "on": on, "title": title, "pin": pin})
    return pid


def _drop_doc(pid: str | None) -> None:
    """Forget a requested document (its body turned out to share another one, or to have none)."""
    _doc_requests[:] = [r for r in _doc_requests if r["pid"] != pid]


def _full(name: str, code: str) -> str:
    """The body's name as written in a document title (潍坊市…, 中共潍坊市委…)."""
    if code == CITY:
        if name.startswith("市委"):
            return "中共潍坊市委" + name[2:]
        if name.startswith("市"):
            return "潍坊市" + name[1:]
        return name
    region = _REGION_NAME[code]
    typ = _COUNTY_META[code][1]
    full = "潍坊市" + region if typ == "district" else region
    if name.startswith(region + "委"):
        return "中共" + full + name[len(region):]
    if typ == "district" and name.startswith(region):
        return full + name[len(region):]
    return name


def _title(code: str, kind: str, body: str) -> str:
    issuer = _issuers(code)[kind][0]
    return f"{issuer}{body}"


# ---------------------------------------------------------------------------------------------
# domains: who leads, which sector's departments sit in, whose post leads, duties vocabulary
# ---------------------------------------------------------------------------------------------

# domain: lead, office, sector, party-sequence post, government-sequence post
_DOMAINS: dict[str, tuple[str, str, str, str, str]] = {
    "reform": ("policy", "policy", "party", "sec", "exec"),
    "law": ("justice", "justice", "security", "law", "v_sec"),
    "audit": ("audit", "audit", "econ", "sec", "exec"),
    "econ": ("dev", "dev", "econ", "sec", "exec"),
    "foreign": ("foreign", "foreign", "econ", "sec", "v_ind"),
    "cyber": ("cyber", "cyber", "security", "prop", "exec"),
    "staffing": ("staffing", "staffing", "party", "sec", "exec"),
    "natsec": ("plc", "plc", "security", "sec", "v_sec"),
    "org": ("org", "org", "party", "org", "exec"),
    "mass": ("org", "org", "party", "dsec", "v_soc"),
    "rural": ("agri", "agri", "agri", "dsec", "v_agr"),
    "talent": ("org", "org", "talent", "org", "v_soc"),
    "prop": ("prop", "prop", "culture", "prop", "v_soc"),
    "civ": ("prop", "prop", "culture", "prop", "v_soc"),
    "united": ("uf", "uf", "party", "uf", "v_soc"),
    "stab": ("plc", "plc", "security", "law", "v_sec"),
    "secrecy": ("secrecy", "secrecy", "party", "sg", "exec"),
    "discipline": ("discipline", "discipline", "party", "dis", "exec"),
    "military": ("pad", "pad", "military", "sec", "mayor"),
    "edu": ("edu", "edu", "social", "sec", "v_soc"),
    "sci": ("sci", "sci", "econ", "sec", "v_ind"),
    "ind": ("ind", "ind", "econ", "sec", "v_ind"),
    "pol": ("pol", "pol", "security", "law", "v_sec"),
    "civil": ("civil", "civil", "social", "dsec", "v_soc"),
    "justice": ("justice", "justice", "security", "law", "v_sec"),
    "fin": ("fin", "fin", "econ", "sec", "exec"),
    "hr": ("hr", "hr", "social", "org", "v_soc"),
    "land": ("land", "land", "urban", "sec", "v_urb"),
    "eco": ("eco", "eco", "urban", "sec", "v_urb"),
    "housing": ("housing", "housing", "urban", "sec", "v_urb"),
    "transport": ("transport", "transport", "urban", "sec", "v_urb"),
    "water": ("water", "water", "urban", "sec", "v_agr"),
    "agri": ("agri", "agri", "agri", "dsec", "v_agr"),
    "ocean": ("ocean", "ocean", "agri", "sec", "v_agr"),
    "commerce": ("commerce", "commerce", "econ", "sec", "v_ind"),
    "culture": ("culture", "culture", "culture", "prop", "v_soc"),
    "sport": ("sport", "sport", "culture", "prop", "v_soc"),
    "health": ("health", "health", "social", "dsec", "v_soc"),
    "veteran": ("veteran", "veteran", "military", "sec", "v_soc"),
    "emerg": ("emerg", "emerg", "safety", "sec", "v_sec"),
    "market": ("market", "market", "market", "sec", "exec"),
    "stats": ("stats", "stats", "econ", "sec", "exec"),
    "medins": ("medins", "medins", "social", "sec", "v_soc"),
    "approval": ("approval", "approval", "econ", "sec", "exec"),
    "urban": ("urban", "urban", "urban", "sec", "v_urb"),
    "finance": ("finance", "finance", "econ", "sec", "exec"),
    "soe": ("soe", "soe", "econ", "sec", "exec"),
    "data": ("data", "data", "econ", "sec", "exec"),
    "tax": ("fin", "fin", "econ", "sec", "exec"),
    "gov": ("gov_office", "gov_office", "econ", "sg", "exec"),
    "women": ("women", "women", "social", "dsec", "v_soc"),
    "disab": ("disab", "disab", "social", "dsec", "v_soc"),
    "petition": ("petition", "petition", "security", "law", "v_sec"),
    "fire": ("fire", "fire", "safety", "sec", "v_sec"),
    "union": ("union", "union", "social", "dsec", "v_soc"),
    "youth": ("youth", "youth", "social", "dsec", "v_soc"),
}

_SECTORS: dict[str, list[str]] = {
    "party": ["party_office", "gov_office", "org", "prop", "uf", "plc", "staffing", "discipline", "dev", "fin",
              "hr", "edu", "civil", "union", "youth", "women"],
    "econ": ["dev", "ind", "sci", "fin", "land", "eco", "housing", "commerce", "stats", "finance", "soe", "approval",
             "data", "market", "tax", "pboc", "transport"],
    "social": ["edu", "civil", "fin", "hr", "health", "medins", "culture", "sport", "housing", "veteran", "union",
               "youth", "women", "disab", "pol", "justice"],
    "urban": ["land", "eco", "housing", "transport", "water", "urban", "pol", "fin", "dev", "emerg", "approval",
              "market", "agri"],
    "agri": ["agri", "dev", "fin", "land", "eco", "water", "commerce", "market", "sci", "ind", "supply", "ocean", "hr",
             "finance", "transport"],
    "safety": ["emerg", "pol", "fire", "housing", "transport", "ind", "market", "land", "water", "urban", "agri",
               "health", "weather", "edu", "commerce", "culture", "pad"],
    "security": ["plc", "pol", "justice", "court", "procur", "prop", "cyber", "civil", "edu", "petition", "hr",
                 "market", "pad"],
    "culture": ["prop", "culture", "edu", "fin", "cyber", "youth", "women", "union", "civil", "sport", "housing",
                "urban", "land"],
    "military": ["pad", "veteran", "dev", "fin", "pol", "civil", "hr", "transport", "ind", "edu", "health", "housing"],
    "market": ["market", "agri", "health", "pol", "commerce", "ind", "edu", "ocean", "customs", "fin", "urban", "eco"],
    "talent": ["org", "prop", "uf", "dev", "edu", "sci", "ind", "fin", "hr", "health", "agri", "commerce", "soe",
               "finance", "housing"],
}

_PHRASES: dict[str, list[str]] = {
    "reform": ["研究部署全市经济、政治、文化、社会、生态文明和党的建设领域重大改革", "统筹推进跨领域、跨部门重大改革事项，督促检查改革任务落实和改革试点推进",
               "总结推广改革经验，防范化解改革风险"],
    "law": ["统筹推进科学立法、严格执法、公正司法、全民守法", "推进法治政府建设和依法行政，组织开展普法宣传和法治督察", "协调解决法治建设中的重大问题"],
    "audit": ["研究部署全市审计监督工作，审议年度审计项目计划和审计工作报告", "督促审计发现问题整改，推动审计结果运用"],
    "econ": ["统筹全市国民经济和社会发展重大事项，协调解决经济运行中的突出问题", "推进重大项目、重大平台和重大政策落地实施",
             "研究提出促进高质量发展和新旧动能转换的政策措施"],
    "foreign": ["统筹协调全市外事工作和对外交流合作", "指导国际友好城市建设和因公出国（境）管理"],
    "cyber": ["统筹协调全市网络安全和信息化重大问题，推进网络强市建设", "加强网络意识形态和网络舆情管理，保障关键信息基础设施安全"],
    "staffing": ["研究审议全市机构改革、机构设置和编制配备重大事项", "审核部门职能配置、内设机构和人员编制，统筹使用机构编制资源"],
    "natsec": ["统筹协调全市国家安全工作，健全国家安全风险监测预警和防范化解机制", "组织开展国家安全宣传教育，落实国家安全责任制"],
    "org": ["统筹推进全市党的政治建设、思想建设、组织建设、作风建设和纪律建设", "加强基层党组织建设和党员教育管理，推动党建工作责任制落实",
            "组织开展党建工作考核评价"],
    "mass": ["统筹协调全市工会、共青团、妇联等群团组织改革和建设", "推动群团组织更好联系和服务群众"],
    "rural": ["统筹推进全市乡村振兴战略实施，研究解决农业农村发展重大问题", "推进农村改革、农业产业化和农村人居环境整治",
              "推动巩固拓展脱贫攻坚成果同乡村振兴有效衔接"],
    "talent": ["统筹全市人才工作，制定人才发展规划和重大人才政策", "推进高层次人才引进培养、招才引智和人才服务体系建设"],
    "prop": ["统筹全市宣传思想文化工作，加强意识形态阵地建设和管理", "组织重大理论宣传、新闻宣传和对外宣传", "推动文化事业和文化产业发展"],
    "civ": ["统筹推进全市精神文明建设和文明城市创建", "组织开展群众性精神文明创建活动和志愿服务，加强未成年人思想道德建设"],
    "united": ["统筹协调全市统一战线工作，加强同民主党派、无党派人士和党外知识分子的团结合作",
               "协调推进民族宗教、非公有制经济人士和新的社会阶层人士统战工作"],
    "stab": ["统筹协调全市平安建设和社会治理工作，维护社会大局稳定", "组织开展矛盾纠纷排查化解、社会治安综合治理和重点人群服务管理",
             "协调打击各类违法犯罪活动"],
    "secrecy": ["统筹协调全市保密工作，组织开展保密宣传教育和保密检查", "加强涉密人员、涉密载体和密码安全管理"],
    "discipline": ["统筹协调全市党风廉政建设和反腐败工作，推动全面从严治党主体责任落实", "组织开展巡察监督，督促整改巡察发现的问题"],
    "military": ["统筹协调全市国防动员、民兵预备役和军民融合发展工作", "组织开展国防教育和双拥共建，推进军地需求对接"],
    "edu": ["统筹推进全市教育改革发展和学校思想政治工作", "协调解决教育投入、学校布局、教师队伍建设和学校安全等重大问题"],
    "sci": ["统筹推进全市科技创新和创新型城市建设", "协调推进科技成果转化、高新技术企业培育和科技创新平台建设"],
    "ind": ["统筹推进全市工业经济运行和产业转型升级", "协调推进重点产业链、技术改造和中小企业发展", "推动先进制造业和数字经济融合发展"],
    "pol": ["统筹协调全市相关领域公共安全和社会治安管理", "组织开展专项打击整治行动，协调相关部门落实监管责任"],
    "civil": ["统筹协调全市民政领域相关工作，保障困难群众和特殊群体基本生活", "推进养老服务、社会救助和城乡社区治理"],
    "justice": ["统筹协调全市相关法治工作，推进公共法律服务体系建设", "指导人民调解、社区矫正、安置帮教和法律援助工作"],
    "fin": ["统筹协调全市财政管理相关工作，推进财政体制改革", "加强预算管理、政府债务风险防控和财政资金绩效管理"],
    "hr": ["统筹协调全市就业创业、人才和社会保障工作", "协调解决劳动关系、工资支付和职称评审中的重大问题"],
    "land": ["统筹协调全市自然资源保护利用和国土空间规划管理", "推进耕地保护、国土绿化和地质灾害防治"],
    "eco": ["统筹协调全市生态环境保护和污染防治工作，落实生态环境保护责任清单", "推进大气、水、土壤污染防治和生态环境保护督察反馈问题整改",
            "推动减污降碳协同增效和绿色低碳发展"],
    "housing": ["统筹协调全市住房保障、城市建设和房地产市场管理", "推进棚户区改造、老旧小区改造和城市更新"],
    "transport": ["统筹协调全市综合交通运输体系建设", "推进铁路、机场、公路等重大交通基础设施项目建设"],
    "water": ["统筹协调全市水资源保护、节约用水和河湖管理", "组织开展防汛抗旱和水旱灾害防御，保障重要水源地安全"],
    "agri": ["统筹推进全市农业产业化和现代农业发展", "协调推进农产品加工、农业龙头企业培育和农产品质量安全"],
    "ocean": ["统筹协调全市海洋经济发展和海域海岛管理", "推进港口建设、海洋产业和渔业转型升级"],
    "commerce": ["统筹协调全市商贸流通、对外贸易和招商引资工作", "推进口岸开放、跨境电商和重大经贸活动"],
    "culture": ["统筹协调全市文化和旅游发展、文物保护和公共文化服务", "组织筹办重大文化旅游节会活动"],
    "sport": ["统筹协调全市全民健身和体育事业发展", "组织重大体育赛事和运动会的筹办保障"],
    "health": ["统筹协调全市卫生健康、疾病防控和爱国卫生工作", "推进深化医药卫生体制改革和健康潍坊建设", "协调处置突发公共卫生事件"],
    "veteran": ["统筹协调全市退役军人安置、优抚和服务保障工作", "推进双拥共建和军人军属权益保障"],
    "emerg": ["统筹协调全市安全生产和应急管理工作，督促落实安全生产责任制", "组织开展安全隐患排查整治和突发事件应急处置",
              "协调防灾减灾救灾和应急救援力量建设"],
    "market": ["统筹协调全市市场监管相关工作，落实企业主体责任和部门监管责任", "推进质量强市、标准化和知识产权保护",
               "组织开展打击假冒伪劣和消费者权益保护"],
    "stats": ["统筹组织全市重大国情国力普查工作，协调解决普查中的重大问题", "组织普查数据采集、审核、汇总和成果开发应用"],
    "medins": ["统筹推进全市医疗保障制度改革", "加强医保基金监管和医疗救助"],
    "approval": ["统筹推进全市“放管服”改革和政务服务体系建设", "推进审批制度改革、公共资源交易和营商环境优化"],
    "urban": ["统筹协调全市城市管理和城乡环境综合整治", "推进市容环境卫生、生活垃圾分类和数字化城市管理"],
    "finance": ["统筹协调全市金融工作，推动金融服务实体经济", "防范化解地方金融风险，推进企业上市和直接融资"],
    "soe": ["统筹推进全市国有企业改革和国有资本布局优化", "协调解决国有企业改革发展中的重大问题"],
    "data": ["统筹推进全市数字政府、新型智慧城市和数字经济发展", "推进政务信息资源整合共享和电子政务基础设施建设"],
    "tax": ["统筹协调全市综合治税工作，健全涉税信息共享机制", "加强税源管理和税收保障"],
    "gov": ["统筹协调市政府相关综合性工作", "督促检查各成员单位落实市政府决策部署"],
    "women": ["统筹协调全市妇女儿童工作，组织实施妇女儿童发展规划", "协调解决妇女儿童权益保障中的重大问题"],
    "disab": ["统筹协调全市残疾人事业发展，组织实施残疾人事业发展规划", "协调推进残疾人康复、就业、教育和社会保障"],
    "petition": ["统筹协调全市信访工作，研究解决信访突出问题", "推动信访问题源头治理和信访积案化解"],
    "fire": ["统筹协调全市消防安全工作，督促落实消防安全责任制", "组织开展火灾隐患排查整治和消防宣传教育"],
    "union": ["统筹协调全市职工权益保障工作", "协调推进困难职工帮扶和劳动关系和谐"],
    "youth": ["统筹协调全市青少年工作", "协调推进青少年权益保护和预防青少年违法犯罪"],
}

_OPENINGS = [
    "统筹协调{area}{t}工作，研究解决{t}工作中的重大问题",
    "负责{area}{t}工作的组织领导和统筹协调，研究部署{t}重点任务",
    "贯彻落实上级关于{t}工作的决策部署，统筹推进{area}{t}工作",
    "研究制定{area}{t}工作的政策措施和年度计划，协调解决跨部门重大事项",
]

_FORM_SUFFIXES = [
    ("工作领导小组", "领导小组"), ("领导小组", "领导小组"), ("协调小组", "领导小组"), ("工作委员会", "委员会"),
    ("推进委员会", "委员会"), ("管理委员会", "委员会"), ("委员会", "委员会"), ("工作指挥部", "指挥部"),
    ("指挥部", "指挥部"), ("部门联席会议", "联席会议"), ("工作联席会议", "联席会议"), ("联席会议", "联席会议"),
    ("工作专班", "工作专班"), ("专项小组", "专项小组"), ("工作协调机制", "协调机制"), ("协调机制", "协调机制"),
]


def _form(name: str) -> str:
    for suffix, form in _FORM_SUFFIXES:
        if name.endswith(suffix):
            return form
    raise ValueError(f"no form for {name}")


def _area(code: str) -> tuple[str, str, str, str]:
    """(全市/全县/全区, 市委/县委, 市政府/县政府, lower level) for duties text."""
    if code == CITY:
        return "全市", "市委", "市政府", "各县市区"
    typ = _COUNTY_META[code][1]
    L = _LEVEL_CHAR[typ]
    return f"全{L}", f"{L}委", f"{L}政府", "各镇街"


def _topic(name: str, code: str) -> str:
    if code == CITY:
        t = name[2:] if name.startswith("市委") else name[1:]
    else:
        region = _REGION_NAME[code]
        t = name[len(region):]
        if t.startswith("委"):
            t = t[1:]
    for suffix, _ in _FORM_SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)]
            break
    return t


def _localise(text: str, code: str) -> str:
    if code == CITY:
        return text
    area, party, gov, _lower = _area(code)
    short = _COUNTY_META[code][2]
    return text.replace("全市", area).replace("潍坊", short).replace("市委", party).replace("市政府", gov)


def _duties(name: str, code: str, domain: str, sequence: str, scope: str) -> str:
    area, party, gov, lower = _area(code)
    t = _topic(name, code)
    opening = _rng.choice(_OPENINGS).format(area=area, t=t)
    bigrams = {t[i:i + 2] for i in range(len(t) - 1)}
    phrases = sorted(_PHRASES[domain], key=lambda p: (-sum(b in p for b in bigrams), _rng.random()))
    picks = phrases[: min(2 if scope == "comprehensive" else 1, len(phrases))]
    if _rng.random() < 0.5:
        closing = f"督促检查各成员单位任务落实情况，完成{party if sequence == 'party' else gov}交办的其他事项"
    else:
        closing = f"指导{lower}开展{t}工作，对各成员单位履职情况进行督导"
    return "。".join([opening, *(_localise(p, code) for p in picks), closing]) + "。"


def _members(
    code: str, lead: str, office: str, sector: str, n: int, extra: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> tuple[tuple[str, str], ...]:
    """Member units: lead and office first (主办), a few more 主办, the rest 协办."""
    excluded = {_dept(code, k) for k in exclude}
    base: list[str] = []
    for key in (lead, office, *extra):
        name = _dept(code, key)
        if name not in base:
            base.append(name)
    pool: list[tuple[float, str]] = []
    for i, key in enumerate(_SECTORS[sector]):  # sector lists run from most to least concerned
        name = _dept(code, key)
        if name not in base and name not in excluded and name not in [p[1] for p in pool]:
            pool.append((i + _rng.uniform(0, 5), name))
    pool.sort()
    chosen = base + [name for _score, name in pool[: max(0, n - len(base))]]
    n_principal = len(base) + _rng.randint(1, 3)
    return tuple((d, "principal" if i < n_principal else "assisting") for i, d in enumerate(chosen))


def _counterpart(name: str, code: str, ground: str, sequence: str) -> str:
    if ground == "local":
        return ""
    if code == CITY:
        if name.startswith("市委"):
            return "省级设有中共山东省委" + name[2:]
        return "省级设有山东省" + name[1:]
    region = _REGION_NAME[code]
    short = _COUNTY_META[code][2]
    rest = name[len(region):].replace(short, "潍坊").replace("依法治县", "依法治市").replace("依法治区", "依法治市")
    if rest.startswith("委"):
        return "市级设有中共潍坊市委" + rest[1:]
    return "市级设有潍坊市" + rest


_GROUNDS = {"U": "upper", "C": "counterpart", "E": "emergency", "L": "local"}


# ---------------------------------------------------------------------------------------------
# bodies: a small builder used by city and counties alike
# ---------------------------------------------------------------------------------------------

_raw_bodies: list[dict] = []
_by_name: dict[tuple[str, str], dict] = {}


def _body(
    code: str, key: str, name: str, *, category: str, sequence: str, domain: str, ground: str, imp: str = "",
    established_on: str, doc: str | None | bool = True, lead: str | None = None, office: str | None = None,
    leader: str | None = None, deputies: tuple[str, ...] | None = None, members: tuple | None = None,
    n_members: int | None = None, extra_members: tuple[str, ...] = (), exclude_members: tuple[str, ...] = (),
    duties: str | None = None,
    short_name: str = "", aliases: tuple[str, ...] = (), temporary: bool = False, ends_on: str | None = None,
    end_condition: str = "", scope: str | None = None, upper: str | None = None, sector: str | None = None,
    doc_kind: str | None = None,
) -> dict:
    d_lead, d_office, d_sector, p_post, g_post = _DOMAINS[domain]
    lead = lead or d_lead
    office = office or (lead if lead != d_lead else d_office)
    sector = sector or d_sector
    form = _form(name)
    led_by_posts = category in ("party", "government")
    if scope is None:
        scope = "comprehensive" if (ground == "C" or imp in ("S", "M")) and led_by_posts else "single"
    if leader is None:
        if not led_by_posts:
            leader, deputies = "", ()
        elif imp == "S":
            leader = "sec"
            if deputies is None:
                deputies = ("mayor", "dsec") if ground == "C" else ("dsec",)
        elif imp == "M":
            leader = "mayor"
            if deputies is None:
                deputies = ("exec",) if g_post in ("exec", "mayor") else ("exec", g_post)
        elif sequence == "party":
            leader = p_post if p_post != "sec" else "dsec"
            if deputies is None:
                deputies = (g_post,) if g_post.startswith("v_") and _rng.random() < 0.5 else ()
        else:
            leader = g_post if g_post != "mayor" else "exec"
            if deputies is None:
                deputies = ()
                if domain in ("civil", "health", "women", "disab", "edu", "culture") and _rng.random() < 0.5:
                    deputies = (_rng.choice(["npc", "cppcc"]),)
    deputies = deputies or ()
    leader_name = (_post(code, leader) or "") if leader else ""
    deputy_names: tuple[str, ...] = ()
    for p in (_post(code, k) for k in deputies):
        if p and p != leader_name and p not in deputy_names:
            deputy_names += (p,)
    if members is None:
        if n_members is None:
            n_members = _rng.randint(10, 15) if scope == "comprehensive" else _rng.randint(5, 10)
        members = _members(code, lead, office, sector, n_members, extra_members, exclude_members)
    else:
        members = tuple((_dept(code, k), r) for k, r in members)
    if duties is None:
        duties = _duties(name, code, domain, sequence, scope)
    if doc is True:
        if doc_kind is None:
            if category in ("joint", "taskforce", "mechanism", "special"):
                doc_kind = "banfa" if sequence == "party" else "zhengbanzi"
            elif sequence == "party":
                doc_kind = "fa" if _rng.random() < 0.35 else "banfa"
            else:
                doc_kind = "zhengzi" if _rng.random() < 0.4 else "zhengbanzi"
        verb = "建立" if form == "联席会议" or form == "协调机制" else "成立"
        tail = "制度的通知" if form == "联席会议" else "的通知"
        doc = _doc(code, doc_kind, established_on, _title(code, doc_kind, f"关于{verb}{_full(name, code)}{tail}"))
    elif doc is False:
        doc = None
    raw = {
        "key": key, "region": code, "name": name, "category": category, "form": form, "sequence": sequence,
        "legal_ground": _GROUNDS[ground], "lead": _dept(code, lead), "office": _dept(code, office),
        "leader": leader_name, "deputies": deputy_names, "members": members, "duties": duties,
        "established_on": established_on, "established_doc": doc, "short_name": short_name, "aliases": aliases,
        "temporary": temporary, "ends_on": ends_on, "end_condition": end_condition,
        "upper_counterpart": upper if upper is not None else _counterpart(name, code, _GROUNDS[ground], sequence),
        "task_scope": scope, "history": [], "domain": domain,
    }
    _raw_bodies.append(raw)
    _by_name[(code, name)] = raw
    return raw


def _event(raw: dict, on: str, kind: str, doc: str | None, changes: dict | None = None, note: str = "") -> None:
    raw["history"].append({"on": on, "kind": kind, "doc": doc, "changes": changes or {}, "note": note})


def _city(name: str) -> dict:
    return _by_name[(CITY, name)]


# ---------------------------------------------------------------------------------------------
# the city: 292 party and government bodies at the start of 2019
# ---------------------------------------------------------------------------------------------

# name | sequence (P/G) | domain | ground (U upper, C counterpart, E emergency, L local) | fate in the 2019
# clean-up (K kept, A abolished, M>survivor merged) | flags: S (市委书记 leads), M (市长 leads), lead=/office=/sector=
_CITY_1995_2018 = """
市委全面深化改革领导小组|P|reform|C|K|S
市委全面依法治市委员会|P|law|C|K|S
市委审计委员会|P|audit|C|K|S
市委财经领导小组|P|econ|C|K|S
市委外事工作领导小组|P|foreign|C|K|S
市委网络安全和信息化领导小组|P|cyber|C|K|S
市委机构编制委员会|P|staffing|U|K|S
市国家安全领导小组|P|natsec|C|K|S
市委党建工作领导小组|P|org|C|K|S
市委农村工作领导小组|P|rural|C|K|S
市乡村振兴工作领导小组|P|rural|C|K
市委人才工作领导小组|P|talent|C|K|S
市招才引智工作领导小组|P|talent|L|K
市委宣传思想文化工作领导小组|P|prop|C|K
市精神文明建设委员会|P|civ|C|K|S
市创建全国文明城市工作领导小组|P|civ|L|K|S
市委统一战线工作领导小组|P|united|C|K|S
市委宗教工作领导小组|P|united|C|K
市委平安潍坊建设领导小组|P|stab|C|K|S
市扫黑除恶专项斗争领导小组|P|stab|U|K
市委保密委员会|P|secrecy|C|K
市委密码工作领导小组|P|secrecy|C|K
市委巡察工作领导小组|P|discipline|C|K
市反腐败协调小组|P|discipline|C|K
市委军民融合发展委员会|P|military|C|K|S,lead=dev
市委教育工作领导小组|P|edu|C|K|S
市委对台工作领导小组|P|united|C|K
市委群团工作领导小组|P|mass|U|K
市“扫黄打非”工作领导小组|P|prop|C|K
市非公有制经济组织和社会组织党建工作领导小组|P|org|U|K
市反恐怖工作领导小组|P|pol|C|K
市经济社会发展综合考核工作领导小组|P|org|L|K|S
市委老干部工作领导小组|P|org|L|A|lead=veteran_cadre
市委信访工作领导小组|P|petition|L|A
市党风廉政建设责任制领导小组|P|discipline|L|M>市反腐败协调小组
市委督查工作领导小组|P|reform|L|A|lead=party_office
市机关效能建设领导小组|P|discipline|L|A
市“两学一做”学习教育协调小组|P|org|U|A
市党的群众路线教育实践活动领导小组|P|org|U|A
市“三严三实”专题教育协调小组|P|org|U|A
市纪念改革开放40周年活动领导小组|P|prop|L|A
市委干部教育培训工作领导小组|P|org|U|A
市大学生村官工作领导小组|P|org|L|A
市基层党建工作领导小组|P|org|L|M>市委党建工作领导小组
市对外宣传工作领导小组|P|prop|L|M>市委宣传思想文化工作领导小组
市委意识形态工作领导小组|P|prop|L|M>市委宣传思想文化工作领导小组
市未成年人思想道德建设工作领导小组|P|civ|U|M>市精神文明建设委员会
市民族工作领导小组|P|united|L|M>市委统一战线工作领导小组
市维护稳定工作领导小组|P|stab|U|A
市社会治安综合治理委员会|P|stab|U|A
市防范和处理邪教问题领导小组|P|stab|U|A
市预防青少年违法犯罪工作领导小组|P|stab|U|M>市委平安潍坊建设领导小组
市经济体制改革领导小组|P|reform|L|M>市委全面深化改革领导小组
市法治潍坊建设领导小组|P|law|L|M>市委全面依法治市委员会
市事业单位分类改革工作领导小组|P|staffing|U|A
市新农村建设领导小组|P|rural|L|M>市乡村振兴工作领导小组
市推进依法行政工作领导小组|G|law|U|M>市委全面依法治市委员会
市信息化工作领导小组|G|data|L|M>市委网络安全和信息化领导小组
市人口和计划生育工作领导小组|G|health|U|A
市农村综合改革工作领导小组|G|rural|U|M>市委农村工作领导小组
市新旧动能转换重大工程推进领导小组|G|econ|C|K|M
市重点项目建设领导小组|G|econ|L|K|M
市服务业发展领导小组|G|econ|C|K
市新型城镇化工作领导小组|G|econ|C|K
市社会信用体系建设领导小组|G|econ|C|K
市粮食安全责任制考核工作领导小组|G|econ|U|K
市民营经济发展领导小组|G|ind|C|K
市对口支援工作领导小组|G|econ|U|K
市招商引资工作领导小组|G|commerce|L|K
市潍坊机场迁建工作领导小组|G|transport|L|K|M
市铁路建设工作领导小组|G|transport|L|K
市海洋经济发展领导小组|G|ocean|C|K
市口岸工作领导小组|G|commerce|C|K
市制造强市建设领导小组|G|ind|C|K|M
市中小企业发展工作领导小组|G|ind|C|K
市化工产业安全生产转型升级工作领导小组|G|ind|C|K
市处置“僵尸企业”工作领导小组|G|ind|U|K
市冬季清洁取暖工作领导小组|G|housing|U|K
市食品产业发展领导小组|G|ind|L|K
市科技工作领导小组|G|sci|C|K
市知识产权工作领导小组|G|sci|C|K|extra=market
市教育督导委员会|G|edu|U|K
市语言文字工作委员会|G|edu|U|K
市招生委员会|G|edu|U|K
市全民健身工作领导小组|G|sport|U|K
市禁毒委员会|G|pol|C|K
市打击走私综合治理领导小组|G|pol|C|K|extra=customs
市老龄工作委员会|G|civil|C|K|extra=health
市减灾委员会|G|civil|C|K|extra=emerg
市双拥工作领导小组|G|civil|C|K|sector=military,extra=veteran
市地名委员会|G|civil|U|K
市城乡社区建设工作领导小组|G|civil|U|K
市残疾人工作委员会|G|disab|C|K
市妇女儿童工作委员会|G|women|C|K
市安置帮教工作领导小组|G|justice|U|K
市社区矫正工作领导小组|G|justice|U|K
市防范化解政府债务风险工作领导小组|G|fin|L|K
市农业综合开发领导小组|G|fin|U|K|sector=agri,extra=agri
市综合治税工作领导小组|G|tax|L|K|extra=tax
市根治拖欠农民工工资工作领导小组|G|hr|U|K
市职称改革工作领导小组|G|hr|U|K
市就业工作领导小组|G|hr|U|K
市全民科学素质工作领导小组|G|sci|U|K|lead=sa
市城乡规划委员会|G|land|L|K|M
市耕地保护工作领导小组|G|land|U|K
市地质灾害防治工作领导小组|G|land|U|K
市绿化委员会|G|land|C|K
市森林防火指挥部|G|land|E|K|sector=safety,extra=emerg
市创建国家森林城市工作领导小组|G|land|L|K
市第三次全国国土调查领导小组|G|land|U|K
市生态环境保护委员会|G|eco|C|K|M
市第二次全国污染源普查领导小组|G|eco|U|K|extra=stats
市住房制度改革领导小组|G|housing|U|K
市棚户区改造工作领导小组|G|housing|U|K
市房地产市场平稳健康发展领导小组|G|housing|U|K
市“四好农村路”建设工作领导小组|G|transport|U|K
市防汛抗旱指挥部|G|water|E|K|M,lead=emerg,sector=safety
市全面实行河长制湖长制工作领导小组|G|water|U|K|M
市节约用水工作领导小组|G|water|U|K
市水土保持委员会|G|water|U|K
市峡山水库水源地保护工作领导小组|G|eco|L|K
市农村集体产权制度改革领导小组|G|rural|U|K
市“大棚房”问题专项清理整治领导小组|G|rural|U|K|extra=land
市重大动物疫病防控指挥部|G|agri|E|K|extra=health
市农村人居环境整治工作领导小组|G|rural|U|K
市供销合作社综合改革领导小组|G|agri|U|K|lead=supply
市文化旅游产业发展领导小组|G|culture|L|K
市文物安全工作领导小组|G|culture|U|K
市潍坊国际风筝会筹备工作领导小组|G|culture|L|K
市鲁台经贸洽谈会筹备工作领导小组|G|commerce|L|K
市深化医药卫生体制改革领导小组|G|health|C|K|M,extra=medins
市爱国卫生运动委员会|G|health|C|K
市防治艾滋病工作委员会|G|health|C|K
市突发公共卫生事件应急指挥部|G|health|E|K
市无偿献血领导小组|G|health|U|K
市中医药工作领导小组|G|health|C|K
市军队转业干部安置工作领导小组|G|veteran|U|K
市征兵工作领导小组|G|military|E|K|lead=pad
市国防动员委员会|G|military|E|K|M
市边海防委员会|G|military|E|K
市安全生产委员会|G|emerg|C|K|M
市抗震救灾指挥部|G|emerg|E|K
市突发事件应急委员会|G|emerg|E|K|M
市人工影响天气工作领导小组|G|emerg|U|K|lead=weather
市食品安全委员会|G|market|C|K|M,exclude=customs
市质量强市工作领导小组|G|market|C|K
市打击侵犯知识产权和制售假冒伪劣商品工作领导小组|G|market|C|K
市人口普查领导小组|G|stats|U|K
市第四次全国经济普查领导小组|G|stats|U|K
市“放管服”改革工作领导小组|G|approval|C|K|M
市公共资源交易管理委员会|G|gov|L|K|extra=approval
市城市管理委员会|G|urban|L|K
市生活垃圾分类工作领导小组|G|urban|U|K
市金融工作领导小组|G|finance|L|K
市防范化解金融风险工作领导小组|G|finance|U|K
市企业上市工作领导小组|G|finance|L|K
市国有企业改革领导小组|G|soe|C|K
市智慧城市建设领导小组|G|data|L|K
市政务公开工作领导小组|G|gov|U|K
市地方志编纂委员会|G|gov|U|K
市扶贫开发领导小组|G|rural|C|K
市道路交通安全委员会|G|pol|C|M>市安全生产委员会
市农业产业化工作领导小组|G|agri|L|M>市乡村振兴工作领导小组
市人民防空工作领导小组|G|military|E|M>市国防动员委员会
市价格调节基金管理委员会|G|econ|L|A
市“十三五”规划纲要编制工作领导小组|G|econ|L|A
市推进供给侧结构性改革领导小组|G|econ|U|A
市节能减排工作领导小组|G|econ|U|M>市生态环境保护委员会
市开发区体制改革工作领导小组|G|econ|L|A
市推进政府和社会资本合作工作领导小组|G|fin|U|A
市物流业发展领导小组|G|econ|L|M>市服务业发展领导小组
市重点工程建设指挥部|G|econ|L|M>市重点项目建设领导小组
市能源工作领导小组|G|econ|U|A
市电力体制改革工作领导小组|G|econ|U|A
市“一带一路”建设工作领导小组|G|commerce|U|A
市淘汰落后产能工作领导小组|G|ind|U|A
市信息化和工业化深度融合工作领导小组|G|ind|U|A
市无线电管理委员会|G|ind|U|A
市民用爆炸物品安全管理工作领导小组|G|ind|U|M>市安全生产委员会
市墙体材料革新领导小组|G|ind|U|A
市散装水泥推广工作领导小组|G|ind|U|A
市电力设施保护工作领导小组|G|ind|U|A
市创新型城市建设领导小组|G|sci|U|M>市科技工作领导小组
市高新技术企业认定工作领导小组|G|sci|U|A
市防震减灾工作领导小组|G|emerg|U|M>市抗震救灾指挥部
市中小学校舍安全工程领导小组|G|edu|U|A
市学前教育三年行动计划领导小组|G|edu|U|A
市义务教育均衡发展工作领导小组|G|edu|U|A
市职业教育工作领导小组|G|edu|U|A
市青少年校园足球工作领导小组|G|sport|U|A|lead=edu
市打击传销工作领导小组|G|pol|U|A
市出租房屋治安管理工作领导小组|G|pol|L|A
市大型群众性活动安全管理工作领导小组|G|pol|U|A
市“雪亮工程”建设领导小组|G|pol|U|A
市打击整治非法营运工作领导小组|G|transport|L|A
市殡葬管理改革工作领导小组|G|civil|U|A
市慈善事业发展工作领导小组|G|civil|L|A
市社会组织管理工作领导小组|G|civil|U|A
市居家养老服务工作领导小组|G|civil|L|M>市老龄工作委员会
市最低生活保障工作领导小组|G|civil|U|A
市流浪乞讨人员救助管理工作领导小组|G|civil|U|A
市第二次全国地名普查领导小组|G|civil|U|A
市人民调解工作领导小组|G|justice|U|A
市法律援助工作领导小组|G|justice|U|A
市公共法律服务体系建设领导小组|G|justice|U|A
市国库集中收付制度改革领导小组|G|fin|U|A
市政府采购管理委员会|G|fin|U|A
市预算绩效管理工作领导小组|G|fin|U|A
市机关事业单位养老保险制度改革工作领导小组|G|hr|U|A
市劳动关系三方协商工作领导小组|G|hr|U|A
市技能人才队伍建设领导小组|G|hr|U|A
市社会保险扩面征缴工作领导小组|G|hr|U|A
市不动产统一登记工作领导小组|G|land|U|A
市土地资产管理委员会|G|land|L|A
市矿产资源管理工作领导小组|G|land|U|A
市第一次全国地理国情普查领导小组|G|land|U|A
市城市总体规划修编工作领导小组|G|land|L|A
市打好污染防治攻坚战领导小组|G|eco|U|M>市生态环境保护委员会
市大气污染防治工作领导小组|G|eco|U|M>市生态环境保护委员会
市中央环境保护督察反馈问题整改工作领导小组|G|eco|U|M>市生态环境保护委员会
市核与辐射安全工作领导小组|G|eco|U|A
市秸秆禁烧和综合利用工作领导小组|G|eco|L|A
市建筑节能与绿色建筑工作领导小组|G|housing|U|A
市房屋征收工作领导小组|G|housing|L|A
市违法建设和违法占地治理工作领导小组|G|urban|L|A
市城市地下管线普查工作领导小组|G|housing|U|A
市治理车辆超限超载工作领导小组|G|transport|U|A
市城市公共交通优先发展工作领导小组|G|transport|U|A
市城市防汛指挥部|G|water|E|M>市防汛抗旱指挥部
市胶东调水工程建设领导小组|G|water|L|A
市第一次全国水利普查领导小组|G|water|U|A
市农村饮水安全工程建设领导小组|G|water|U|A
市农产品质量安全监管工作领导小组|G|agri|U|M>市食品安全委员会
市农业机械化工作领导小组|G|agri|U|A
市现代农业园区建设领导小组|G|agri|L|A
市畜禽养殖污染治理工作领导小组|G|agri|U|A
市第三次全国农业普查领导小组|G|stats|U|A
市外贸稳增长工作领导小组|G|commerce|U|A
市电子商务发展工作领导小组|G|commerce|L|A
市外商投资工作领导小组|G|commerce|U|A
市整顿和规范市场经济秩序领导小组|G|market|U|A
市酒类流通管理工作领导小组|G|commerce|U|A
市成品油市场整顿工作领导小组|G|commerce|U|A
市文化产业发展领导小组|G|culture|L|M>市文化旅游产业发展领导小组
市非物质文化遗产保护工作领导小组|G|culture|U|A
市公共文化服务体系示范区创建工作领导小组|G|culture|L|A
市第一次全国可移动文物普查领导小组|G|culture|U|A
市全民阅读工作领导小组|G|culture|L|A|lead=prop
市广播电视村村通工作领导小组|G|culture|U|A
市创建国家卫生城市工作领导小组|G|health|L|M>市爱国卫生运动委员会
市地方病防治工作领导小组|G|health|U|A
市新型农村合作医疗管理委员会|G|health|U|A
市医疗纠纷预防与处理工作领导小组|G|health|L|A
市职业病防治工作领导小组|G|health|U|A
市病媒生物防制工作领导小组|G|health|U|M>市爱国卫生运动委员会
市危险化学品安全生产工作领导小组|G|emerg|U|M>市安全生产委员会
市烟花爆竹安全管理工作领导小组|G|emerg|U|A
市安全生产隐患大排查快整治工作领导小组|G|emerg|L|A
市药品安全委员会|G|market|U|M>市食品安全委员会
市标准化工作领导小组|G|market|U|M>市质量强市工作领导小组
市特种设备安全工作领导小组|G|market|U|A
市消费者权益保护工作领导小组|G|market|U|A
市“一次办好”改革工作领导小组|G|approval|U|M>市“放管服”改革工作领导小组
市行政审批制度改革工作领导小组|G|approval|U|M>市“放管服”改革工作领导小组
市投资项目并联审批工作领导小组|G|approval|L|A
市数字化城市管理工作领导小组|G|urban|L|M>市城市管理委员会
市城乡环境综合整治工作领导小组|G|urban|L|M>市城市管理委员会
市户外广告设置管理工作领导小组|G|urban|L|A
市渣土运输管理工作领导小组|G|urban|L|A
市处置非法集资工作领导小组|G|finance|U|A
市农村信用社改革工作领导小组|G|finance|U|A
市融资担保体系建设工作领导小组|G|finance|L|A
市电子政务工作领导小组|G|data|U|M>市智慧城市建设领导小组
市政务信息资源共享工作领导小组|G|data|U|M>市智慧城市建设领导小组
市公务用车制度改革工作领导小组|G|gov|U|A
市党政机关办公用房清理工作领导小组|G|gov|U|A
市政府督查工作领导小组|G|gov|L|A
市档案工作领导小组|G|gov|U|A
市机关节能工作领导小组|G|gov|U|A
市会展业发展工作领导小组|G|commerce|L|A
市外国专家工作领导小组|G|hr|U|A
市民兵整组工作领导小组|G|military|U|A
市交通战备工作领导小组|G|military|E|M>市国防动员委员会
市企业国有产权交易监督管理工作领导小组|G|soe|L|A
市国有企业监事会工作领导小组|G|soe|L|A
市统计执法检查工作领导小组|G|stats|U|A
市第三次全国经济普查领导小组|G|stats|U|A
市退役士兵安置工作领导小组|G|veteran|U|M>市军队转业干部安置工作领导小组
市青少年事务工作领导小组|G|youth|L|A
市困难职工帮扶工作领导小组|G|union|L|A
市统筹城乡发展领导小组|G|econ|L|M>市新型城镇化工作领导小组
市小城镇建设领导小组|G|housing|L|M>市新型城镇化工作领导小组
"""

_TEMPORARY: dict[str, tuple[str, str | None, str]] = {
    # name: (established_on, ends_on, end_condition)
    "市扫黑除恶专项斗争领导小组": ("2018-02-26", None, "扫黑除恶专项斗争任务完成、经市委批准后撤销"),
    "市人口普查领导小组": ("2009-11-20", "2021-12-31", "第七次全国人口普查数据汇总发布工作完成后撤销"),
    "市第四次全国经济普查领导小组": ("2018-03-16", "2020-12-31", "经济普查主要数据发布后撤销"),
    "市第二次全国污染源普查领导小组": ("2017-05-12", "2020-06-30", ""),
    "市第三次全国国土调查领导小组": ("2017-12-15", "2021-12-31", "国土调查成果通过国家核查后撤销"),
    "市“大棚房”问题专项清理整治领导小组": ("2018-09-14", None, "专项清理整治任务完成后撤销"),
    "市第三次全国农业普查领导小组": ("2016-03-18", "2018-12-31", ""),
    "市第二次全国地名普查领导小组": ("2014-06-20", "2018-06-30", ""),
    "市“两学一做”学习教育协调小组": ("2016-04-22", None, "学习教育结束后撤销"),
    "市党的群众路线教育实践活动领导小组": ("2013-07-12", None, "教育实践活动结束后撤销"),
    "市“三严三实”专题教育协调小组": ("2015-05-15", None, "专题教育结束后撤销"),
    "市纪念改革开放40周年活动领导小组": ("2018-05-18", "2018-12-31", ""),
    "市“十三五”规划纲要编制工作领导小组": ("2014-10-17", None, "规划纲要经市人民代表大会审议批准后撤销"),
    "市城市总体规划修编工作领导小组": ("2015-04-10", None, "城市总体规划经省政府批准后撤销"),
    "市第一次全国地理国情普查领导小组": ("2013-09-06", "2015-12-31", ""),
    "市第一次全国可移动文物普查领导小组": ("2013-05-24", "2016-12-31", ""),
    "市第一次全国水利普查领导小组": ("2010-12-10", "2012-12-31", ""),
    "市第三次全国经济普查领导小组": ("2013-03-22", "2015-12-31", ""),
    "市城市地下管线普查工作领导小组": ("2015-08-14", None, "普查成果通过验收后撤销"),
    "市中央环境保护督察反馈问题整改工作领导小组": ("2017-09-22", None, "反馈问题全部整改销号后撤销"),
    "市安全生产隐患大排查快整治工作领导小组": ("2015-08-28", None, "专项行动结束后撤销"),
    "市学前教育三年行动计划领导小组": ("2011-03-11", "2013-12-31", ""),
    "市党政机关办公用房清理工作领导小组": ("2013-10-18", None, "清理整改工作完成后撤销"),
}

_FIXED_DATES = {
    "市委全面深化改革领导小组": "2014-03-28", "市委全面依法治市委员会": "2018-12-27", "市委审计委员会": "2018-12-27",
    "市委教育工作领导小组": "2018-12-27", "市委财经领导小组": "2008-06-13", "市委外事工作领导小组": "2010-05-14",
    "市委网络安全和信息化领导小组": "2014-09-26", "市国家安全领导小组": "2015-06-19", "市委军民融合发展委员会": "2018-08-17",
    "市安全生产委员会": "2004-03-26", "市食品安全委员会": "2010-06-18", "市爱国卫生运动委员会": "1995-04-07",
    "市防汛抗旱指挥部": "1995-06-02", "市森林防火指挥部": "1998-03-13", "市生态环境保护委员会": "2018-10-26",
    "市委党建工作领导小组": "2014-02-21", "市乡村振兴工作领导小组": "2018-04-20", "市委农村工作领导小组": "2003-04-18",
    "市委人才工作领导小组": "2004-07-09", "市新旧动能转换重大工程推进领导小组": "2018-03-09",
    "市化工产业安全生产转型升级工作领导小组": "2017-05-19", "市全面实行河长制湖长制工作领导小组": "2017-04-14",
    "市精神文明建设委员会": "1997-03-21", "市创建全国文明城市工作领导小组": "2011-05-13", "市食品产业发展领导小组": "2016-08-19",
    "市潍坊机场迁建工作领导小组": "2017-11-17", "市“放管服”改革工作领导小组": "2015-06-12", "市智慧城市建设领导小组": "2014-08-22",
    "市深化医药卫生体制改革领导小组": "2009-08-14", "市老龄工作委员会": "1999-10-15", "市妇女儿童工作委员会": "1996-05-10",
    "市国防动员委员会": "2000-09-22", "市委机构编制委员会": "1996-01-19", "市绿化委员会": "1995-03-10",
    "市扶贫开发领导小组": "1996-09-13", "市招才引智工作领导小组": "2017-06-16", "市危险化学品安全生产工作领导小组": "2006-05-19",
    "市城市防汛指挥部": "2008-05-23", "市创建国家卫生城市工作领导小组": "2005-04-15", "市打好污染防治攻坚战领导小组": "2018-06-15",
    "市节约用水工作领导小组": "2003-06-20", "市城乡社区建设工作领导小组": "2009-04-10",
}

_SHORT: dict[str, tuple[str, tuple[str, ...]]] = {
    "市安全生产委员会": ("市安委会", ("潍坊市安全生产委员会",)),
    "市食品安全委员会": ("市食安委", ("潍坊市食品安全委员会",)),
    "市爱国卫生运动委员会": ("市爱卫会", ()),
    "市防汛抗旱指挥部": ("市防指", ("潍坊市防汛抗旱指挥部",)),
    "市森林防火指挥部": ("市森防指", ()),
    "市生态环境保护委员会": ("市环委会", ("市生态环境委员会",)),
    "市委全面深化改革领导小组": ("市委深改组", ()),
    "市委全面依法治市委员会": ("市委依法治市委", ()),
    "市委网络安全和信息化领导小组": ("市委网信领导小组", ()),
    "市委机构编制委员会": ("市编委", ()),
    "市精神文明建设委员会": ("市文明委", ()),
    "市国防动员委员会": ("市国动委", ()),
    "市禁毒委员会": ("市禁毒委", ()),
    "市老龄工作委员会": ("市老龄委", ()),
    "市妇女儿童工作委员会": ("市妇儿工委", ()),
    "市减灾委员会": ("市减灾委", ()),
    "市残疾人工作委员会": ("市残工委", ()),
    "市委党建工作领导小组": ("", ("市党建工作领导小组",)),
    "市委平安潍坊建设领导小组": ("", ("平安潍坊建设领导小组",)),
    "市绿化委员会": ("市绿委", ()),
    "市突发事件应急委员会": ("市应急委", ()),
    "市深化医药卫生体制改革领导小组": ("市医改领导小组", ()),
    "市委财经领导小组": ("", ()),
    "市扫黑除恶专项斗争领导小组": ("", ("市扫黑除恶领导小组",)),
}

# no basis document could be found (about 5 % of the city's bodies; the 对账 journey asks for them)
_NO_DOC = {
    "市委督查工作领导小组", "市机关效能建设领导小组", "市大学生村官工作领导小组", "市户外广告设置管理工作领导小组",
    "市渣土运输管理工作领导小组", "市出租房屋治安管理工作领导小组", "市城乡社区建设工作领导小组", "市无偿献血领导小组",
    "市鲁台经贸洽谈会筹备工作领导小组", "市文物安全工作领导小组", "市综合治税工作领导小组", "市地方志编纂委员会",
    "市峡山水库水源地保护工作领导小组", "市会展业发展工作领导小组", "市青少年事务工作领导小组", "市困难职工帮扶工作领导小组",
}

# duties written out where overlap detection must find something (near-duplicate pairs) or a journey reads them
_DUTIES: dict[str, str] = {
    "市安全生产委员会":
        "贯彻落实党中央、国务院和省委、省政府关于安全生产的决策部署，统筹协调全市安全生产工作，研究解决安全生产重大问题。"
        "组织实施安全生产责任制和安全生产考核巡查，督促各成员单位落实行业领域安全生产监管责任。"
        "组织开展危险化学品、道路交通、建筑施工、城镇燃气等重点行业领域安全生产隐患排查整治。指导县市区安全生产工作，协调重大生产安全事故调查处理。",
    "市危险化学品安全生产工作领导小组":
        "统筹协调全市危险化学品安全生产工作，研究解决危险化学品生产、储存、运输、使用环节安全生产重大问题。"
        "组织开展危险化学品安全隐患排查整治，督促落实企业主体责任和部门安全生产监管责任。",
    "市食品安全委员会":
        "统筹协调全市食品安全工作，研究部署食品安全重大政策措施。督促落实食品安全党政同责和各部门监管责任，"
        "组织开展食品生产、流通、餐饮环节和农产品质量安全监管。推动食品产业规范发展，协调处置重大食品安全事故。",
    "市食品产业发展领导小组":
        "统筹推进全市食品产业发展，研究制定食品产业发展规划和扶持政策。协调推进农产品加工、食品加工龙头企业培育和食品产业链延链补链强链，"
        "推动食品产业集群和品牌建设。督促落实食品质量安全企业主体责任，协调解决食品产业发展中的重大问题。",
    "市爱国卫生运动委员会":
        "统筹协调全市爱国卫生工作，组织开展城乡环境卫生整治和病媒生物防制。推进国家卫生城市、卫生县城和卫生乡镇创建，巩固创建成果。"
        "组织开展健康教育和健康促进，推动健康城市建设。",
    "市创建国家卫生城市工作领导小组":
        "统筹协调全市创建国家卫生城市工作，研究解决创建工作中的重大问题。组织开展城乡环境卫生整治、病媒生物防制和健康教育，督促落实国家卫生城市创建标准。",
    "市防汛抗旱指挥部":
        "统一组织、指挥、协调全市防汛抗旱和水旱灾害防御工作。组织编制防汛抗旱应急预案，督促检查水库、河道、城市排涝设施安全度汛。"
        "组织开展防汛抢险、抗旱救灾和灾后恢复，协调调度抢险救援力量和物资。",
    "市城市防汛指挥部":
        "统一组织、指挥、协调市区城市防汛工作。组织编制城市防汛应急预案，督促检查城市排涝设施、地下空间和在建工地安全度汛，组织城市防汛抢险。",
    "市生态环境保护委员会":
        "贯彻落实党中央、国务院和省委、省政府关于生态文明建设和生态环境保护的决策部署，统筹协调全市生态环境保护工作。"
        "编制环境保护责任清单，明确各成员单位生态环境保护责任、属地责任和企业主体责任。"
        "统筹推进大气、水、土壤污染防治和中央、省生态环境保护督察反馈问题整改，建立情况通报机制。",
    "市打好污染防治攻坚战领导小组":
        "统筹推进全市污染防治攻坚战，研究部署蓝天、碧水、净土保卫战重点任务。督促落实大气、水、土壤污染防治责任，"
        "协调推进中央、省生态环境保护督察反馈问题整改。",
    "市委党建工作领导小组":
        "统筹协调、整体推进、督促落实全市党的建设重点任务。研究制定市委年度党建工作要点，推动全面从严治党主体责任落实。"
        "协调解决党的建设中的重大问题，组织开展党建工作考核评价。",
    "市委农村工作领导小组":
        "贯彻落实党中央关于“三农”工作的决策部署，统筹研究和协调全市农业农村重大问题。推进实施乡村振兴战略，协调推进农村改革、农业现代化和农民增收。"
        "督促检查“三农”重大政策和重点任务落实。",
    "市乡村振兴工作领导小组":
        "统筹推进全市乡村振兴战略实施，研究制定乡村振兴规划和政策措施。协调推进乡村产业、人才、文化、生态、组织振兴，推进农村人居环境整治和农业现代化。"
        "督促检查乡村振兴重点任务落实，组织开展乡村振兴实绩考核。",
    "市委人才工作领导小组":
        "统筹全市人才工作，研究制定人才发展规划和重大人才政策。协调推进高层次人才引进培养、人才载体建设和人才服务保障。督促检查人才工作目标责任制落实。",
    "市招才引智工作领导小组":
        "统筹推进全市招才引智工作，研究制定高层次人才引进政策。协调推进高层次人才引进、人才载体建设和人才服务保障，组织开展招才引智活动。",
    "市老龄工作委员会":
        "统筹协调全市老龄工作，研究制定应对人口老龄化政策措施。协调推进养老服务体系建设、医养结合和老年人权益保障，督促检查老龄事业发展规划落实。",
    "市根治拖欠农民工工资工作领导小组":
        "统筹协调全市根治拖欠农民工工资工作，督促落实属地监管责任和行业监管责任。推进工程建设领域农民工工资专用账户、实名制管理和工资保证金制度，"
        "协调处置欠薪突出问题和群体性事件。",
}

# deputies where the default (市长 and 市委副书记 for a 市委 committee) is not how Weifang staffs it
_DEPUTIES: dict[str, tuple[str, ...]] = {
    "市委党建工作领导小组": ("dsec", "org"),
    "市委农村工作领导小组": ("dsec", "v_agr"),
    "市委人才工作领导小组": ("dsec", "org"),
    "市精神文明建设委员会": ("dsec", "prop"),
    "市委统一战线工作领导小组": ("dsec", "uf"),
    "市委教育工作领导小组": ("dsec", "v_soc"),
    "市委网络安全和信息化领导小组": ("dsec", "prop"),
    "市委平安潍坊建设领导小组": ("law", "v_sec"),
    "市委全面依法治市委员会": ("mayor", "law"),
}

_KEYS = {
    "市安全生产委员会": "city-safety", "市食品安全委员会": "city-food-safety", "市食品产业发展领导小组": "city-food-industry",
    "市爱国卫生运动委员会": "city-patriotic-health", "市防汛抗旱指挥部": "city-flood", "市生态环境保护委员会": "city-eco",
    "市委党建工作领导小组": "city-party-building", "市乡村振兴工作领导小组": "city-rural-revitalisation",
    "市委全面深化改革领导小组": "city-reform", "市人口普查领导小组": "city-census",
    "市扫黑除恶专项斗争领导小组": "city-anti-gang", "市节约用水工作领导小组": "city-water-saving",
}


def _parse_flags(text: str) -> dict:
    flags: dict = {"imp": ""}
    for part in filter(None, text.split(",")):
        if part in ("S", "M"):
            flags["imp"] = part
        else:
            k, v = part.split("=")
            flags[k] = tuple(v.split("+")) if k in ("extra", "exclude") else v
    return flags


_fates: dict[str, str] = {}
_n = 0
for _line in filter(None, (s.strip() for s in _CITY_1995_2018.splitlines())):
    _parts = _line.split("|")
    _name, _seq, _domain, _ground, _fate = _parts[:5]
    _flags = _parse_flags(_parts[5] if len(_parts) > 5 else "")
    _n += 1
    _temp = _TEMPORARY.get(_name)
    if _temp:
        _est = _temp[0]
    elif _name in _FIXED_DATES:
        _est = _FIXED_DATES[_name]
    elif _fate == "K":
        _est = _in_year(_rng.randint(2002, 2018), "2018-12-21")
    else:
        _est = _in_year(_rng.randint(1996, 2016))
    _short_name, _aliases = _SHORT.get(_name, ("", ()))
    _body(
        CITY, _KEYS.get(_name, f"370700-{_n:03d}"), _name, category="party" if _seq == "P" else "government",
        sequence="party" if _seq == "P" else "government", domain=_domain, ground=_ground, imp=_flags["imp"],
        established_on=_est, doc=_name not in _NO_DOC, lead=_flags.get("lead"), office=_flags.get("office"),
        sector=_flags.get("sector"), extra_members=_flags.get("extra", ()),
        exclude_members=_flags.get("exclude", ()), duties=_DUTIES.get(_name),
        short_name=_short_name, aliases=_aliases, temporary=bool(_temp), ends_on=_temp[1] if _temp else None,
        end_condition=_temp[2] if _temp else "", deputies=_DEPUTIES.get(_name),
    )
    _fates[_name] = _fate

# Two of the 292 had their first basis document shared: the 2018-12-27 reform package of the 市委.
_pkg = _doc(CITY, "fa", "2018-12-27", _title(CITY, "fa", "关于成立中共潍坊市委全面依法治市委员会等议事协调机构的通知"))
for _name in ("市委全面依法治市委员会", "市委审计委员会", "市委教育工作领导小组"):
    _drop_doc(_city(_name)["established_doc"])
    _city(_name)["established_doc"] = _pkg

# ---- 2019-01-18: four 领导小组 become 委员会 (the 2018 institutional reform) ----------------------
_d = _doc(CITY, "fa", "2019-01-18", _title(CITY, "fa", "关于市委有关领导小组调整为委员会的通知"))
for _old, _new, _short in [
    ("市委全面深化改革领导小组", "市委全面深化改革委员会", "市委深改委"),
    ("市委财经领导小组", "市委财经委员会", "市委财经委"),
    ("市委外事工作领导小组", "市委外事工作委员会", "市委外事委"),
    ("市委网络安全和信息化领导小组", "市委网络安全和信息化委员会", "市委网信委"),
]:
    _event(_city(_old), "2019-01-18", "rename", _d, {"name": _new, "short_name": _short}, "按照机构改革要求，领导小组调整为委员会")

# ---- 2019-06-28: the clean-up, 292 → 133 ----------------------------------------------------------
_CLEANUP_DATE = "2019-06-28"
_clean_party = _doc(CITY, "fa", _CLEANUP_DATE, _title(CITY, "fa", "关于调整规范市委议事协调机构的通知"))
_clean_gov = _doc(CITY, "zhengzi", _CLEANUP_DATE, _title(CITY, "zhengzi", "关于调整规范市政府议事协调机构的通知"))
_merged_into: dict[str, list[str]] = {}
for _name, _fate in _fates.items():
    _raw = _city(_name)
    _d = _clean_party if _raw["sequence"] == "party" else _clean_gov
    if _fate == "A":
        if _raw["temporary"]:
            _note = "工作任务已经完成，予以撤销"
        else:
            _note = _rng.choice([
                f"职责弱化，相关工作交由{_raw['lead']}承担", "工作任务已经结束，予以撤销",
                "与其他议事协调机构职能重叠，予以撤销", f"工作已纳入{_raw['lead']}日常职责，予以撤销",
            ])
        _event(_raw, _CLEANUP_DATE, "abolish", _d, {}, _note)
    elif _fate.startswith("M>"):
        _target = _fate[2:]
        _merged_into.setdefault(_target, []).append(_name)
        _event(_raw, _CLEANUP_DATE, "merge", _d, {"into": _city(_target)["key"]}, f"并入{_target}")
for _target, _names in _merged_into.items():
    _raw = _city(_target)
    _d = _clean_party if _raw["sequence"] == "party" else _clean_gov
    _event(_raw, _CLEANUP_DATE, "adjust", _d,
           {"duties": _raw["duties"] + "承担原" + "、".join(_names) + "的职责。"}, "整合相关议事协调机构职责")

# ---------------------------------------------------------------------------------------------
# the city after the clean-up: new bodies 2019–2026
# ---------------------------------------------------------------------------------------------

# name, sequence, domain, ground, imp, established_on, extra keyword arguments
_CITY_NEW: list[tuple[str, str, str, str, str, str, dict]] = [
    ("市庆祝中华人民共和国成立70周年活动领导小组", "P", "prop", "L", "", "2019-07-12",
     {"temporary": True, "ends_on": "2019-12-31", "end_condition": "庆祝活动结束后撤销"}),
    ("市“双招双引”工作领导小组", "P", "commerce", "L", "S", "2019-08-16", {"deputies": ("mayor", "org")}),
    ("市委“不忘初心、牢记使命”主题教育领导小组", "P", "org", "U", "S", "2019-09-06",
     {"temporary": True, "end_condition": "主题教育结束后撤销", "deputies": ("dsec", "org")}),
    ("市新时代文明实践中心建设工作领导小组", "P", "civ", "U", "", "2019-09-20", {}),
    ("市农业开放发展综合试验区建设领导小组", "G", "agri", "L", "M", "2019-09-27", {"extra_members": ("commerce", "customs")}),
    ("市委退役军人事务工作领导小组", "P", "veteran", "C", "", "2019-10-18", {"leader": "dsec", "deputies": ("v_soc",)}),
    ("市社会心理服务体系建设试点工作领导小组", "G", "health", "U", "", "2019-10-25", {}),
    ("市“三个模式”创新提升工作领导小组", "G", "rural", "L", "", "2019-12-20", {}),
    ("市委疫情工作指挥部", "P", "health", "E", "S", "2020-01-24",
     {"temporary": True, "end_condition": "疫情防控转入常态化、经市委批准后撤销", "deputies": ("mayor", "dsec"),
      "scope": "comprehensive", "n_members": 15, "short_name": "",
      "extra_members": ("pol", "edu", "commerce", "transport", "market", "civil", "emerg", "prop", "fin"),
      "upper": "省级设有山东省新冠肺炎疫情处置工作领导小组（指挥部）",
      "aliases": ("市新冠肺炎疫情处置工作领导小组（指挥部）",),
      "duties": "统一领导、指挥、协调全市新冠肺炎疫情防控工作。研究部署疫情防控重大措施，统筹推进社区防控、医疗救治、核酸检测、疫苗接种和物资保障。"
                "协调明确外卖配送人员管理、棋牌室监管等疫情防控中的部门职责分工，督促检查各成员单位落实防控责任。"}),
    ("市健康潍坊行动推进委员会", "G", "health", "C", "", "2020-03-27", {}),
    ("市国家城乡融合发展试验区建设领导小组", "G", "econ", "U", "", "2020-04-17", {}),
    ("市跨境电子商务综合试验区建设领导小组", "G", "commerce", "U", "", "2020-05-22", {"extra_members": ("customs",)}),
    ("市安全生产专项整治三年行动领导小组", "G", "emerg", "U", "", "2020-05-15",
     {"temporary": True, "ends_on": "2022-12-31", "end_condition": "三年行动结束后撤销"}),
    ("市职业教育创新发展高地建设领导小组", "G", "edu", "U", "", "2020-06-19", {}),
    ("市第一次全国自然灾害综合风险普查领导小组", "G", "emerg", "U", "", "2020-08-14",
     {"temporary": True, "ends_on": "2022-12-31"}),
    ("市现代物流业发展领导小组", "G", "econ", "L", "", "2020-09-18", {"extra_members": ("transport", "commerce")}),
    ("市养老服务体系建设领导小组", "G", "civil", "L", "", "2020-11-20",
     {"duties": "统筹推进全市养老服务体系建设，研究制定养老服务发展规划和扶持政策。协调推进居家社区养老服务、医养结合和养老机构建设，"
                "督促检查养老服务重点任务落实，协调解决养老服务发展中的重大问题。"}),
    ("市党史学习教育领导小组", "P", "prop", "U", "S", "2021-03-05",
     {"temporary": True, "end_condition": "党史学习教育结束后撤销", "deputies": ("dsec", "prop"), "scope": "single"}),
    ("市城乡社区网格化服务管理工作领导小组", "P", "stab", "L", "", "2021-04-16", {}),
    ("市未成年人保护工作领导小组", "G", "civil", "C", "", "2021-06-11", {"extra_members": ("edu", "pol", "youth", "women")}),
    ("市全面推行林长制工作领导小组", "G", "land", "U", "", "2021-08-20", {}),
    ("市城市更新工作领导小组", "G", "housing", "L", "", "2021-09-17", {}),
    ("市中小学“双减”工作领导小组", "G", "edu", "U", "", "2021-09-24", {"extra_members": ("market",)}),
    ("市碳达峰碳中和工作领导小组", "P", "econ", "C", "S", "2021-12-17", {"deputies": ("mayor", "exec")}),
    ("市“无废城市”建设工作领导小组", "G", "eco", "U", "", "2022-04-22", {}),
    ("市氢能产业发展领导小组", "G", "ind", "L", "", "2022-07-15", {}),
    ("市第三次全国土壤普查领导小组", "G", "agri", "U", "", "2022-08-19",
     {"temporary": True, "ends_on": "2025-12-31", "end_condition": "普查成果通过验收后撤销", "extra_members": ("land", "stats")}),
    ("市数字经济发展领导小组", "G", "data", "L", "", "2022-11-18", {"extra_members": ("ind",)}),
    ("市预制菜产业发展工作领导小组", "G", "agri", "C", "M", "2023-03-20", {}),  # completed below
    ("市学习贯彻习近平新时代中国特色社会主义思想主题教育领导小组", "P", "org", "U", "S", "2023-04-07",
     {"temporary": True, "end_condition": "主题教育结束后撤销", "deputies": ("dsec", "org"), "scope": "single"}),
    ("市第五次全国经济普查领导小组", "G", "stats", "U", "", "2023-04-14",
     {"temporary": True, "ends_on": "2025-06-30", "end_condition": "经济普查主要数据公报发布后撤销"}),
    ("市全面推行田长制工作领导小组", "G", "land", "U", "", "2023-06-16", {"extra_members": ("agri",)}),
    ("市第四次全国文物普查领导小组", "G", "culture", "U", "", "2023-11-24",
     {"temporary": True, "ends_on": "2026-12-31", "end_condition": "普查成果通过验收后撤销"}),
    ("市安全生产治本攻坚三年行动领导小组", "G", "emerg", "U", "", "2024-03-22",
     {"temporary": True, "ends_on": "2026-12-31", "end_condition": "三年行动结束后撤销"}),
    ("市委科技委员会", "P", "sci", "C", "S", "2024-05-24", {"deputies": ("mayor", "v_ind")}),
    ("市委金融委员会", "P", "finance", "C", "S", "2024-05-24", {"deputies": ("mayor", "exec"), "extra_members": ("pboc", "nfra")}),
    ("市第四次全国农业普查领导小组", "G", "stats", "U", "", "2025-04-18",
     {"temporary": True, "ends_on": "2027-06-30", "end_condition": "农业普查主要数据公报发布后撤销", "extra_members": ("agri",)}),
    ("市人工智能产业发展领导小组", "G", "ind", "L", "", "2025-06-20", {"extra_members": ("data", "sci")}),
]

_NEW_KEYS = {"市预制菜产业发展工作领导小组": "city-prefab", "市委疫情工作指挥部": "city-epidemic",
             "市消防安全委员会": "city-fire-safety", "市委科技委员会": "city-science", "市委金融委员会": "city-finance"}

for _i, (_name, _seq, _domain, _ground, _imp, _est, _kw) in enumerate(_CITY_NEW, 1):
    _kw = dict(_kw)
    if _name == "市预制菜产业发展工作领导小组":
        # J1: 组长 市长, 副组长 the vice-mayor in charge; office hosted by 市农业农村局; document 潍政字〔2023〕12号
        _kw.update(
            lead="dev", office="agri", deputies=("v_agr",), scope="single",
            members=(("dev", "principal"), ("agri", "principal"), ("ind", "principal"), ("commerce", "principal"),
                     ("market", "assisting"), ("fin", "assisting"), ("sci", "assisting"), ("transport", "assisting"),
                     ("finance", "assisting")),
            doc=_doc(CITY, "zhengzi", _est, _title(CITY, "zhengzi", "关于成立潍坊市预制菜产业发展工作领导小组的通知"), pin=12),
            upper="省级设有山东省预制菜产业发展工作领导小组",
            duties="统筹推进全市预制菜产业发展，研究制定预制菜产业发展规划和扶持政策。协调推进预制菜原料基地、食品加工龙头企业培育和冷链物流体系建设，"
                   "推动预制菜产业链延链补链强链和品牌建设。督促落实预制菜食品质量安全企业主体责任，协调解决预制菜产业发展中的重大问题。",
        )
    _body(CITY, _NEW_KEYS.get(_name, f"370700-n{_i:02d}"), _name, category="party" if _seq == "P" else "government",
          sequence="party" if _seq == "P" else "government", domain=_domain, ground=_ground, imp=_imp,
          established_on=_est, **_kw)

# 2021-05-20: 市消防安全委员会 split off from 市安全生产委员会
_d = _doc(CITY, "zhengzi", "2021-05-20", _title(CITY, "zhengzi", "关于成立潍坊市消防安全委员会的通知"))
_fire = _body(CITY, "city-fire-safety", "市消防安全委员会", category="government", sequence="government", domain="fire",
              ground="C", imp="", established_on="2021-05-20", doc=_d, leader="v_sec", deputies=(),
              short_name="市消安委", scope="comprehensive", n_members=13, extra_members=("emerg", "pol", "housing"))
_event(_city("市安全生产委员会"), "2021-05-20", "split", _d, {"into": [_fire["key"]]},
       "消防安全工作分出，另行成立市消防安全委员会")

# temporary bodies created after 2019 that have run their course
for _name, _on, _kind, _title_text in [
    ("市庆祝中华人民共和国成立70周年活动领导小组", "2020-01-17", "banfa", "关于撤销市庆祝中华人民共和国成立70周年活动领导小组的通知"),
    ("市委“不忘初心、牢记使命”主题教育领导小组", "2020-02-21", "banfa", "关于撤销市委“不忘初心、牢记使命”主题教育领导小组的通知"),
    ("市党史学习教育领导小组", "2022-02-18", "banfa", "关于撤销市党史学习教育领导小组的通知"),
    ("市委疫情工作指挥部", "2023-01-19", "fa", "关于撤销中共潍坊市委疫情工作指挥部的通知"),
    ("市学习贯彻习近平新时代中国特色社会主义思想主题教育领导小组", "2024-03-15", "banfa",
     "关于撤销市学习贯彻习近平新时代中国特色社会主义思想主题教育领导小组的通知"),
]:
    _event(_city(_name), _on, "abolish", _doc(CITY, _kind, _on, _title(CITY, _kind, _title_text)), {}, "工作任务已经完成")
_d = _doc(CITY, "zhengbanzi", "2023-03-10", _title(CITY, "zhengbanzi", "关于撤销市安全生产专项整治三年行动领导小组等临时机构的通知"))
for _name in ("市安全生产专项整治三年行动领导小组", "市第一次全国自然灾害综合风险普查领导小组"):
    _event(_city(_name), "2023-03-10", "abolish", _d, {}, "工作任务已经完成，期限届满")

# ---- a few adjustments over the years -------------------------------------------------------


def _member_names(raw: dict) -> list[tuple[str, str]]:
    return [tuple(m) for m in raw["members"]]


def _current_members(raw: dict, on: str) -> list[tuple[str, str]]:
    members = _member_names(raw)
    for e in sorted(raw["history"], key=lambda e: e["on"]):
        if e["on"] <= on and "members" in e["changes"]:
            members = [tuple(m) for m in e["changes"]["members"]]
    return members


def _add_member(raw: dict, on: str, doc: str, dept_keys: tuple[str, ...], role: str = "assisting",
                note: str = "") -> None:
    """Add the first of the wanted departments that is not yet a member (a members event must change the list)."""
    members = _current_members(raw, on)
    present = {m[0] for m in members}
    name = next(n for n in (_dept(raw["region"], k) for k in dept_keys) if n not in present)
    text = note.format(name=name) if note else f"增加{name}为成员单位"
    if len(members) >= (15 if raw["task_scope"] == "comprehensive" else 10):  # at the cap: one unit makes room
        dropped = next(m for m in reversed(members) if m[1] == "assisting")
        members.remove(dropped)
        text += f"，{dropped[0]}不再作为成员单位"
    members.append((name, role))
    _event(raw, on, "members", doc, {"members": members}, text)


_d = _doc(CITY, "zhengbanzi", "2020-04-08", _title(CITY, "zhengbanzi", "关于调整潍坊市食品安全委员会组成人员的通知"))
_add_member(_city("市食品安全委员会"), "2020-04-08", _d, ("customs",), "assisting", "增加潍坊海关为成员单位，负责进口食品安全监管")
_d = _doc(CITY, "zhengbanzi", "2020-07-15", _title(CITY, "zhengbanzi", "关于市社区矫正工作领导小组更名为市社区矫正委员会的通知"))
_event(_city("市社区矫正工作领导小组"), "2020-07-15", "rename", _d, {"name": "市社区矫正委员会", "short_name": ""},
       "按照《中华人民共和国社区矫正法》要求更名")
_d = _doc(CITY, "banfa", "2021-11-10", _title(CITY, "banfa", "关于调整市乡村振兴工作领导小组组成人员的通知"))
_event(_city("市乡村振兴工作领导小组"), "2021-11-10", "adjust", _d,
       {"leader": _post(CITY, "sec"), "deputies": [_post(CITY, "mayor"), _post(CITY, "dsec")]},
       "落实五级书记抓乡村振兴要求，组长调整为市委书记")
_d = _doc(CITY, "banfa", "2022-03-18", _title(CITY, "banfa", "关于调整中共潍坊市委全面深化改革委员会成员单位的通知"))
_add_member(_city("市委全面深化改革领导小组"), "2022-03-18", _d, ("staffing", "cyber", "discipline", "audit"), "principal")
_d = _doc(CITY, "banfa", "2023-06-09", _title(CITY, "banfa", "关于调整潍坊市生态环境保护委员会职责的通知"))
_raw = _city("市生态环境保护委员会")
_event(_raw, "2023-06-09", "adjust", _d,
       {"duties": _DUTIES["市生态环境保护委员会"] + "统筹推进减污降碳协同增效，协调推进“无废城市”建设和美丽潍坊建设。"},
       "增加减污降碳协同增效职责")
_d = _doc(CITY, "zhengbanzi", "2023-08-25", _title(CITY, "zhengbanzi", "关于调整潍坊市养老服务体系建设领导小组成员单位的通知"))
_add_member(_city("市养老服务体系建设领导小组"), "2023-08-25", _d, ("medins", "health", "housing"))
_d = _doc(CITY, "banfa", "2024-04-12", _title(CITY, "banfa", "关于调整市碳达峰碳中和工作领导小组组成人员的通知"))
_event(_city("市碳达峰碳中和工作领导小组"), "2024-04-12", "adjust", _d,
       {"deputies": [_post(CITY, "mayor"), _post(CITY, "v_urb")]}, "副组长调整为分管城市建设和生态环境的副市长")
_d = _doc(CITY, "zhengbanzi", "2026-03-20", _title(CITY, "zhengbanzi", "关于调整潍坊市国防动员委员会成员单位的通知"))
_add_member(_city("市国防动员委员会"), "2026-03-20", _d, ("data", "emerg", "weather"))

# ---- 2022-09-30: the review campaign's 24 adjustments (9 abolished, 8 renamed, 7 re-affiliated) ----
_CAMPAIGN_2022 = "2022-09-30"
_doc(CITY, "banfa", "2022-05-16", _title(CITY, "banfa", "关于印发《市级议事协调机构调整规范行动方案》的通知"))
_c22_party = _doc(CITY, "fa", _CAMPAIGN_2022, _title(CITY, "fa", "关于公布市委议事协调机构调整规范结果的通知"))
_c22_gov = _doc(CITY, "zhengzi", _CAMPAIGN_2022, _title(CITY, "zhengzi", "关于公布市政府议事协调机构调整规范结果的通知"))


def _c22(raw: dict) -> str:
    return _c22_party if raw["sequence"] == "party" else _c22_gov


for _name, _note in [
    ("市人口普查领导小组", "第七次全国人口普查工作已经完成"),
    ("市扶贫开发领导小组", "脱贫攻坚目标任务已经完成，相关职责并入乡村振兴工作"),
    ("市第四次全国经济普查领导小组", "经济普查工作已经完成"),
    ("市第二次全国污染源普查领导小组", "污染源普查工作已经完成"),
    ("市第三次全国国土调查领导小组", "国土调查工作已经完成"),
    ("市“大棚房”问题专项清理整治领导小组", "专项清理整治任务已经完成"),
    ("市创建国家森林城市工作领导小组", "创建任务已经完成，工作转入常态化"),
    ("市棚户区改造工作领导小组", "棚户区改造任务基本完成，相关工作由市住房和城乡建设局承担"),
    ("市处置“僵尸企业”工作领导小组", "处置任务已经完成"),
]:
    _event(_city(_name), _CAMPAIGN_2022, "abolish", _c22(_city(_name)), {}, _note)
for _old, _new in [
    ("市扫黑除恶专项斗争领导小组", "市扫黑除恶斗争领导小组"),
    ("市创建全国文明城市工作领导小组", "市全国文明典范城市创建工作领导小组"),
    ("市智慧城市建设领导小组", "市数字潍坊建设领导小组"),
    ("市“放管服”改革工作领导小组", "市深化“放管服”改革优化营商环境工作领导小组"),
    ("市文化旅游产业发展领导小组", "市文化和旅游融合发展领导小组"),
    ("市海洋经济发展领导小组", "市海洋强市建设领导小组"),
    ("市新旧动能转换重大工程推进领导小组", "市绿色低碳高质量发展先行区建设领导小组"),
    ("市粮食安全责任制考核工作领导小组", "市粮食安全党政同责考核工作领导小组"),
]:
    _event(_city(_old), _CAMPAIGN_2022, "rename", _c22(_city(_old)), {"name": _new, "short_name": ""}, "名称与职责任务不相适应")
for _name, _key in [
    ("市知识产权工作领导小组", "market"), ("市老龄工作委员会", "health"), ("市森林防火指挥部", "emerg"),
    ("市减灾委员会", "emerg"), ("市双拥工作领导小组", "veteran"), ("市农业综合开发领导小组", "agri"),
    ("市公共资源交易管理委员会", "approval"),
]:
    _event(_city(_name), _CAMPAIGN_2022, "reaffiliate", _c22(_city(_name)),
           {"lead": _dept(CITY, _key), "office": _dept(CITY, _key)}, f"按照机构改革后职责划分，办公室调整设在{_dept(CITY, _key)}")

# ---- 2023-2024: J1's body is set up; 市委科技委员会 and 市委金融委员会 absorb the government groups ----
_d = _city("市委科技委员会")["established_doc"]
_event(_city("市科技工作领导小组"), "2024-05-24", "merge", _d, {"into": "city-science"}, "并入中共潍坊市委科技委员会")
_d = _city("市委金融委员会")["established_doc"]
_event(_city("市金融工作领导小组"), "2024-05-24", "merge", _d, {"into": "city-finance"}, "并入中共潍坊市委金融委员会")

# ---- 2025-09-26: the third review campaign --------------------------------------------------------
_CAMPAIGN_2025 = "2025-09-26"
_c25_party = _doc(CITY, "fa", _CAMPAIGN_2025, _title(CITY, "fa", "关于公布2025年市委议事协调机构调整规范结果的通知"))
_c25_gov = _doc(CITY, "zhengzi", _CAMPAIGN_2025, _title(CITY, "zhengzi", "关于公布2025年市政府议事协调机构调整规范结果的通知"))
_event(_city("市节约用水工作领导小组"), _CAMPAIGN_2025, "downgrade", _c25_gov,
       {"category": "joint", "form": "联席会议", "name": "市节约用水工作联席会议"}, "工作已常态化，改为部门间联席会议")
_event(_city("市招才引智工作领导小组"), _CAMPAIGN_2025, "merge", _c25_party, {"into": _city("市委人才工作领导小组")["key"]},
       "与市委人才工作领导小组职责相近，予以合并")
_event(_city("市第五次全国经济普查领导小组"), _CAMPAIGN_2025, "abolish", _c25_gov, {}, "经济普查工作已经完成")
_event(_city("市冬季清洁取暖工作领导小组"), _CAMPAIGN_2025, "abolish", _c25_gov, {}, "清洁取暖改造任务已经完成")
_event(_city("市地名委员会"), _CAMPAIGN_2025, "derecognise", _c25_gov, {},
       "不再作为议事协调机构管理，相关工作作为市民政局牵头的部门协调机制保留")
_event(_city("市城乡社区建设工作领导小组"), _CAMPAIGN_2025, "rename", _c25_gov,
       {"name": "市城乡社区治理工作领导小组", "short_name": ""}, "名称与职责任务不相适应")

# ---------------------------------------------------------------------------------------------
# the city's joint meetings (17 with the downgraded one), task forces, mechanisms, special groups
# ---------------------------------------------------------------------------------------------

# name, sequence, domain, ground, established_on, extra
_CITY_JOINT: list[tuple[str, str, str, str, str, dict]] = [
    ("市反洗钱工作联席会议", "G", "finance", "U", "2012-09-14", {"lead": "pboc", "extra_members": ("pol", "nfra", "tax")}),
    ("市社会救助工作联席会议", "G", "civil", "U", "2015-03-20", {}),
    ("市打击治理电信网络诈骗违法犯罪工作联席会议", "G", "pol", "U", "2016-06-17", {"extra_members": ("pboc", "cyber")}),
    ("市困境儿童保障工作联席会议", "G", "civil", "U", "2017-02-24", {"extra_members": ("women", "edu")}),
    ("市打击非法采砂工作联席会议", "G", "water", "L", "2017-07-07", {"doc": False, "extra_members": ("pol", "land", "transport")}),
    ("市地下管线管理工作联席会议", "G", "housing", "L", "2018-04-13", {"extra_members": ("urban",)}),
    ("市网络市场监管工作联席会议", "G", "market", "U", "2018-08-24", {"extra_members": ("cyber", "commerce")}),
    ("市防范和处置非法集资工作联席会议", "G", "finance", "U", "2019-08-23", {"extra_members": ("pol", "pboc", "nfra", "market")}),
    ("市信访工作联席会议", "P", "petition", "U", "2019-09-20", {}),
    ("市养老服务部门联席会议", "G", "civil", "U", "2019-10-18", {"extra_members": ("health", "medins")}),
    ("市铁路沿线安全环境治理工作联席会议", "G", "transport", "U", "2019-12-13", {"extra_members": ("pol", "urban")}),
    ("市保障农民工工资支付工作联席会议", "G", "hr", "U", "2020-06-12",
     {"extra_members": ("housing", "transport", "water", "pol", "justice", "fin"),
      "duties": "统筹协调全市保障农民工工资支付工作，研究解决拖欠农民工工资突出问题。督促落实工程建设领域农民工工资专用账户、实名制管理和工资保证金制度，"
                "协调处置欠薪引发的群体性事件。"}),
    ("市知识产权保护工作联席会议", "G", "market", "U", "2020-10-23", {"extra_members": ("pol", "court", "procur", "culture")}),
    ("市物业管理工作联席会议", "G", "housing", "L", "2021-03-19", {"extra_members": ("civil", "market", "urban")}),
    ("市农村供水工作联席会议", "G", "water", "U", "2021-07-16", {"extra_members": ("health", "agri", "eco")}),
    ("市消费者权益保护工作联席会议", "G", "market", "U", "2022-03-11", {"extra_members": ("commerce", "culture", "transport")}),
]
for _i, (_name, _seq, _domain, _ground, _est, _kw) in enumerate(_CITY_JOINT, 1):
    _body(CITY, f"370700-j{_i:02d}", _name, category="joint", sequence="party" if _seq == "P" else "government",
          domain=_domain, ground=_ground, established_on=_est, **_kw)

_d = _doc(CITY, "zhengbanzi", "2021-09-10", _title(CITY, "zhengbanzi", "关于调整潍坊市社会救助工作联席会议成员单位的通知"))
_add_member(_city("市社会救助工作联席会议"), "2021-09-10", _d, ("medins", "women", "disab"))
_d = _doc(CITY, "zhengbanzi", "2024-06-14", _title(CITY, "zhengbanzi", "关于调整潍坊市打击治理电信网络诈骗违法犯罪工作联席会议成员单位的通知"))
_add_member(_city("市打击治理电信网络诈骗违法犯罪工作联席会议"), "2024-06-14", _d, ("nfra", "commerce", "market"))

# task forces (工作专班): leader "" — the lead department convenes
_CITY_TASKFORCES: list[tuple[str, str, str, str, dict]] = [
    ("市重点产业链链长制工作专班", "ind", "L", "2021-08-13", {}),
    ("市自建房安全专项整治工作专班", "housing", "U", "2022-05-16",
     {"temporary": True, "ends_on": "2025-06-30", "end_condition": "专项整治任务完成后撤销",
      "extra_members": ("urban", "land", "emerg", "market")}),
    ("市第二十五届运动会筹备工作指挥部", "sport", "L", "2022-12-20",
     {"temporary": True, "ends_on": "2023-10-31", "end_condition": "运动会闭幕、各项收尾工作完成后撤销",
      "extra_members": ("pol", "health", "culture", "transport", "fire")}),
    ("市项目建设要素保障工作专班", "econ", "L", "2023-02-17", {"extra_members": ("land", "eco", "fin", "approval")}),
    ("市城镇燃气安全专项整治工作专班", "housing", "U", "2023-06-25",
     {"temporary": True, "end_condition": "专项整治任务完成、长效机制建立后撤销",
      "extra_members": ("emerg", "market", "pol", "fire", "urban", "commerce")}),
    ("市电动自行车安全隐患全链条整治工作专班", "fire", "U", "2024-05-10",
     {"temporary": True, "ends_on": "2025-12-31", "lead": "emerg", "office": "fire",
      "extra_members": ("ind", "market", "pol", "housing", "commerce")}),
    ("市“十五五”规划编制工作专班", "econ", "U", "2024-09-10",
     {"temporary": True, "ends_on": "2026-12-15", "end_condition": "规划纲要经市人民代表大会审议批准后撤销"}),
    ("市根治欠薪冬季攻坚行动工作专班", "hr", "U", "2026-10-30",
     {"temporary": True, "ends_on": "2027-01-20", "end_condition": "冬季攻坚行动结束后撤销",
      "extra_members": ("housing", "transport", "water", "pol", "justice", "fin")}),
]
for _i, (_name, _domain, _ground, _est, _kw) in enumerate(_CITY_TASKFORCES, 1):
    _body(CITY, "city-sports-event" if "运动会" in _name else f"370700-t{_i:02d}", _name, category="taskforce",
          sequence="government", domain=_domain, ground=_ground, established_on=_est, **_kw)
for _name, _on, _title_text in [
    ("市第二十五届运动会筹备工作指挥部", "2023-11-10", "关于撤销市第二十五届运动会筹备工作指挥部的通知"),
    ("市自建房安全专项整治工作专班", "2025-07-18", "关于撤销市自建房安全专项整治工作专班的通知"),
    ("市电动自行车安全隐患全链条整治工作专班", "2026-01-20", "关于撤销市电动自行车安全隐患全链条整治工作专班的通知"),
]:
    _event(_city(_name), _on, "abolish", _doc(CITY, "zhengbanzi", _on, _title(CITY, "zhengbanzi", _title_text)), {},
           "工作任务已经完成，期限届满")

# coordination mechanisms (recorded, not counted as 议事协调机构)
_body(CITY, "370700-m01", "市稳外贸稳外资工作协调机制", category="mechanism", sequence="government", domain="commerce",
      ground="U", established_on="2020-06-19", extra_members=("customs", "pboc", "tax"))
_body(CITY, "370700-m02", "市城市房地产融资协调机制", category="mechanism", sequence="government", domain="housing",
      ground="U", established_on="2024-01-25", extra_members=("finance", "pboc", "nfra", "land"))

# special groups: two 2022+ applications turned, with the applicants' agreement, into 专项小组 (J2)
_body(CITY, "370700-s01", "市物业服务质量提升专项小组", category="special", sequence="government", domain="housing",
      ground="L", established_on="2022-11-25", extra_members=("civil", "market"))
_body(CITY, "370700-s02", "市低空经济发展专项小组", category="special", sequence="government", domain="econ",
      ground="L", established_on="2024-07-19", extra_members=("ind", "transport", "sci"))

# ---------------------------------------------------------------------------------------------
# the counties
# ---------------------------------------------------------------------------------------------

# key, name template ({R} region, {S} short, {L} 区/县/市), sequence, domain, ground, imp, mandatory, years
_COUNTY_TEMPLATES: list[tuple[str, str, str, str, str, str, bool, tuple[int, int]]] = [
    ("reform", "{R}委全面深化改革委员会", "P", "reform", "C", "S", True, (2019, 2019)),
    ("party", "{R}委党建工作领导小组", "P", "org", "C", "S", True, (2012, 2018)),
    ("rural", "{R}乡村振兴工作领导小组", "P", "rural", "C", "S", True, (2018, 2018)),
    ("safety", "{R}安全生产委员会", "G", "emerg", "C", "M", True, (2010, 2015)),
    ("flood", "{R}防汛抗旱指挥部", "G", "water", "E", "M", True, (2010, 2013)),
    ("eco", "{R}生态环境保护委员会", "G", "eco", "C", "M", True, (2018, 2019)),
    ("law", "{R}委全面依法治{L}委员会", "P", "law", "C", "S", False, (2019, 2019)),
    ("talent", "{R}委人才工作领导小组", "P", "talent", "C", "", False, (2010, 2017)),
    ("civ", "{R}精神文明建设委员会", "P", "civ", "C", "S", False, (2010, 2016)),
    ("safe", "{R}委平安{S}建设领导小组", "P", "stab", "C", "S", False, (2014, 2018)),
    ("staff", "{R}委机构编制委员会", "P", "staffing", "U", "S", False, (2010, 2014)),
    ("food", "{R}食品安全委员会", "G", "market", "C", "M", False, (2011, 2016)),
    ("forest", "{R}森林防火指挥部", "G", "emerg", "E", "", False, (2010, 2016)),
    ("aiwei", "{R}爱国卫生运动委员会", "G", "health", "C", "", False, (2010, 2014)),
    ("nda", "{R}国防动员委员会", "G", "military", "E", "M", False, (2010, 2014)),
    ("shy", "{R}双拥工作领导小组", "G", "veteran", "C", "", False, (2010, 2017)),
    ("aging", "{R}老龄工作委员会", "G", "civil", "C", "", False, (2010, 2016)),
    ("women", "{R}妇女儿童工作委员会", "G", "women", "C", "", False, (2010, 2014)),
    ("drug", "{R}禁毒委员会", "G", "pol", "C", "", False, (2010, 2016)),
    ("proj", "{R}重点项目建设领导小组", "G", "econ", "L", "M", False, (2014, 2020)),
    ("invest", "{R}招商引资工作领导小组", "G", "commerce", "L", "", False, (2012, 2020)),
    ("river", "{R}全面实行河长制湖长制工作领导小组", "G", "water", "U", "M", False, (2017, 2017)),
    ("urban", "{R}城市管理委员会", "G", "urban", "L", "", False, (2013, 2019)),
]
_COUNTY_SPECIAL = {
    "370702": ("潍城区十笏园文化街区保护提升工作领导小组", "culture", 2016),
    "370703": ("寒亭区杨家埠民间艺术保护发展领导小组", "culture", 2013),
    "370704": ("坊子区坊茨小镇建设工作领导小组", "culture", 2014),
    "370705": ("奎文区楼宇经济发展工作领导小组", "econ", 2017),
    "370724": ("临朐县沂山旅游发展工作领导小组", "culture", 2015),
    "370725": ("昌乐县宝石产业发展领导小组", "ind", 2012),
    "370781": ("青州市古城保护利用工作领导小组", "culture", 2013),
    "370782": ("诸城市恐龙文化旅游发展领导小组", "culture", 2014),
    "370783": ("寿光市蔬菜产业发展领导小组", "agri", 2011),
    "370784": ("安丘市出口农产品质量安全示范区建设领导小组", "market", 2012),
    "370785": ("高密市纺织服装产业发展领导小组", "ind", 2015),
    "370786": ("昌邑市绿化苗木产业发展领导小组", "agri", 2013),
}
_COUNTY_JOINT = [
    ("{R}保障农民工工资支付工作联席会议", "hr", ("housing", "transport", "water", "pol", "justice")),
    ("{R}社会救助工作联席会议", "civil", ("fin", "health", "hr", "edu")),
    ("{R}养老服务部门联席会议", "civil", ("health", "fin", "housing", "market")),
]
_PREFAB_COUNTIES = {"370725", "370782", "370783", "370784", "370785"}

for _code, _rname, _typ, _short, _pfx in _COUNTIES:
    L = _LEVEL_CHAR[_typ]
    fmt = {"R": _rname, "S": _short, "L": L}
    optional = [t for t in _COUNTY_TEMPLATES if not t[6] and not (t[0] == "forest" and _code == "370705")]
    chosen = [t for t in _COUNTY_TEMPLATES if t[6]] + _rng.sample(optional, _rng.randint(4, 7))
    bodies: list[dict] = []
    keys = iter([f"{_code}-{i:02d}" for i in range(1, 40)])

    for tkey, tpl, seq, domain, ground, imp, _mand, (y0, y1) in chosen:
        name = tpl.format(**fmt)
        if y0 == y1 == 2019:
            est = _rand_date("2019-02-15", "2019-05-31")
        else:
            est = _in_year(_rng.randint(y0, y1), "2018-12-21" if y1 == 2018 else None)
        raw = _body(_code, next(keys), name, category="party" if seq == "P" else "government",
                    sequence="party" if seq == "P" else "government", domain=domain, ground=ground, imp=imp,
                    established_on=est)
        raw["tkey"] = tkey
        bodies.append(raw)
    sname, sdomain, syear = _COUNTY_SPECIAL[_code]
    raw = _body(_code, next(keys), sname, category="government", sequence="government", domain=sdomain, ground="L",
                imp="", established_on=_in_year(syear))
    raw["tkey"] = "special"
    bodies.append(raw)
    # temporary ones, gone again
    chuangwei = dapeng = census = None
    if _rng.random() < 0.6:
        what = "国家卫生县城" if _typ == "county" else "国家卫生城市"
        chuangwei = _body(_code, next(keys), f"{_rname}创建{what}工作领导小组", category="government", sequence="government",
                          domain="health", ground="L", established_on=_in_year(_rng.randint(2011, 2015)))
    if _rng.random() < 0.5 and _typ != "district":
        dapeng = _body(_code, next(keys), f"{_rname}“大棚房”问题专项清理整治领导小组", category="government",
                       sequence="government", domain="rural", ground="U", established_on=_rand_date("2018-09-17", "2018-10-31"),
                       temporary=True, end_condition="专项清理整治任务完成后撤销")
    if _rng.random() < 0.7:
        census = _body(_code, next(keys), f"{_rname}第七次全国人口普查领导小组", category="government", sequence="government",
                       domain="stats", ground="U", established_on=_rand_date("2019-11-04", "2019-12-13"),
                       temporary=True, ends_on="2021-12-31", end_condition="人口普查数据汇总发布工作完成后撤销",
                       upper="市级设有潍坊市人口普查领导小组")
    if _code in _PREFAB_COUNTIES:
        _body(_code, next(keys), f"{_rname}预制菜产业发展领导小组", category="government", sequence="government",
              domain="agri", ground="C", imp="M", established_on=_rand_date("2023-04-03", "2023-08-31"),
              extra_members=("dev", "ind", "commerce", "market"), scope="single", n_members=9,
              upper="市级设有潍坊市预制菜产业发展工作领导小组")
    for tpl, domain, extra in _rng.sample(_COUNTY_JOINT, 2):
        _body(_code, next(keys), tpl.format(**fmt), category="joint", sequence="government", domain=domain, ground="U",
              established_on=_in_year(_rng.randint(2016, 2022)), extra_members=extra)

    by_t = {b["tkey"]: b for b in bodies}
    issuers = _issuers(_code)
    # the county clean-up of 2019 (市县联动)
    c19 = _rand_date("2019-07-15", "2019-09-30")
    c19_gov = _doc(_code, "zhengzi", c19, _title(_code, "zhengzi", f"关于调整规范{_rname}政府议事协调机构的通知"))
    if chuangwei:
        if "aiwei" in by_t:
            _event(chuangwei, c19, "merge", c19_gov, {"into": by_t["aiwei"]["key"]}, f"并入{by_t['aiwei']['name']}")
        else:
            _event(chuangwei, c19, "abolish", c19_gov, {}, "创建任务已经完成，工作转入常态化")
    if dapeng:
        _event(dapeng, c19, "abolish", c19_gov, {}, "专项清理整治任务已经完成")
    # leader and member adjustments
    if "rural" in by_t and _rng.random() < 0.6:
        on = _rand_date("2021-03-01", "2021-12-20")
        d = _doc(_code, "banfa", on, _title(_code, "banfa", f"关于调整{_full(by_t['rural']['name'], _code)}组成人员的通知"))
        _event(by_t["rural"], on, "adjust", d, {"deputies": [_post(_code, "mayor"), _post(_code, "v_agr")]},
               "副组长调整为县级政府主要负责同志和分管负责同志")
    on = _rand_date("2020-03-02", "2023-12-20")
    d = _doc(_code, "zhengbanzi", on, _title(_code, "zhengbanzi", f"关于调整{_full(by_t['safety']['name'], _code)}成员单位的通知"))
    _add_member(by_t["safety"], on, d, ("fire", "pad", "commerce", "culture", "health", "edu"), "principal")
    # the 2022 campaign
    c22 = _rand_date("2022-10-10", "2022-12-20")
    c22_gov = _doc(_code, "zhengzi", c22, _title(_code, "zhengzi", f"关于公布{_rname}政府议事协调机构调整规范结果的通知"))
    c22_party = _doc(_code, "fa", c22, _title(_code, "fa", f"关于公布{_rname}委议事协调机构调整规范结果的通知"))
    if census:
        _event(census, c22, "abolish", c22_gov, {}, "人口普查工作已经完成")
    if "aging" in by_t:
        _event(by_t["aging"], c22, "reaffiliate", c22_gov,
               {"lead": _dept(_code, "health"), "office": _dept(_code, "health")}, "老龄工作职责已划入卫生健康部门")
    if "urban" in by_t:
        new = f"{_rname}城市管理和综合执法委员会"
        _event(by_t["urban"], c22, "rename", c22_gov, {"name": new, "short_name": ""}, "名称与职责任务不相适应")
    if "invest" in by_t and _rng.random() < 0.5:
        _event(by_t["invest"], c22, "abolish", c22_gov, {}, "工作已纳入“双招双引”工作机制")

# every county has one body whose basis document is missing
for _code, *_rest in _COUNTIES:
    _cands = [b for b in _raw_bodies if b["region"] == _code and b["category"] in ("party", "government")
              and b.get("tkey") != "reform" and b["established_doc"]]
    _pick = _rng.choice(_cands)
    _drop_doc(_pick["established_doc"])
    _pick["established_doc"] = None

# ---------------------------------------------------------------------------------------------
# finalise: number documents chronologically per issuer and year, then freeze the specs
# ---------------------------------------------------------------------------------------------

# documents of the rules library (not tied to one body)
_doc(CITY, "banfa", "2019-03-22", _title(CITY, "banfa", "关于进一步规范市级议事协调机构的通知"))
_doc(CITY, "banfa", "2020-05-15", _title(CITY, "banfa", "关于印发《潍坊市议事协调机构管理办法》的通知"))
_doc(CITY, "banfa", "2021-06-18", _title(CITY, "banfa", "关于印发《潍坊市市直部门职责分工协调办法》的通知"))


_ANNUAL_RATE = {"fa": 36, "zhengzi": 62, "banfa": 48, "zhengbanzi": 85}


def _number_documents() -> dict[str, str]:
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in _doc_requests:
        groups.setdefault((r["region"], r["kind"], r["on"][:4]), []).append(r)
    final: dict[str, str] = {}
    for (code, kind, year), reqs in sorted(groups.items()):
        reqs.sort(key=lambda r: (r["on"], int(r["pid"][1:])))
        # an issuer numbers its documents through the year; ours are a sample of them
        rate = _ANNUAL_RATE[kind] * (1 if code == CITY else 0.6)
        numbers: list[int] = []
        prev = 0
        for i, r in enumerate(reqs):
            if r["pin"] is not None:
                if r["pin"] <= prev:
                    raise ValueError(f"document pinned at {r['pin']} comes after number {prev}: {r['title']}")
                num = r["pin"]
            else:
                doy = _dt.date.fromisoformat(r["on"]).timetuple().tm_yday
                num = max(prev + 1, int(doy / 366 * rate) + _rng.randint(0, 2))
                later_pins = [(j, q["pin"]) for j, q in enumerate(reqs[i + 1:], i + 1) if q["pin"] is not None]
                if later_pins:
                    j, pin = later_pins[0]
                    num = min(num, pin - (j - i))
                    if num <= prev:
                        raise ValueError(f"no room before pinned document {pin} in {code} {kind} {year}")
            numbers.append(num)
            prev = num
        issuer, prefix = _issuers(code)[kind]
        for r, num in zip(reqs, numbers, strict=True):
            key = f"{code}-{kind}-{year}-{num}"
            final[r["pid"]] = key
            DOCUMENTS.append(DocumentSpec(key, f"{prefix}〔{year}〕{num}号", issuer, r["on"], r["title"]))
    return final


DOCUMENTS: list[DocumentSpec] = []
_final_keys = _number_documents()
DOCUMENTS.sort(key=lambda d: (d.issued_on, d.key))


def _fk(pid: str | None) -> str | None:
    return _final_keys[pid] if pid else None


BODIES: list[BodySpec] = [
    BodySpec(
        key=r["key"], region=r["region"], name=r["name"], category=r["category"], form=r["form"],
        sequence=r["sequence"], legal_ground=r["legal_ground"], lead=r["lead"], office=r["office"],
        leader=r["leader"], deputies=tuple(r["deputies"]), members=tuple(tuple(m) for m in r["members"]),
        duties=r["duties"], established_on=r["established_on"], established_doc=_fk(r["established_doc"]),
        short_name=r["short_name"], aliases=tuple(r["aliases"]), temporary=r["temporary"], ends_on=r["ends_on"],
        end_condition=r["end_condition"], upper_counterpart=r["upper_counterpart"], task_scope=r["task_scope"],
        history=tuple(
            EventSpec(on=e["on"], kind=e["kind"], doc=_fk(e["doc"]), changes=e["changes"], note=e["note"])
            for e in sorted(r["history"], key=lambda e: e["on"])
        ),
    )
    for r in _raw_bodies
]
