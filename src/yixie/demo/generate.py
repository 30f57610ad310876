"""A synthetic province (or city, or nation) for benchmarks: `yixie generate --scale province`.

What it writes, region by region (GB/T 2260-shaped codes, names built from syllable pools so every
region name and every 文号 prefix is unique): departments (46 per city, 33 per county, names from
a template list with the region's name as prefix, 三定 duties for the main ones), leader posts and
their holders, 100–300 bodies per region with 10–30 member units each (names and duties built from a
list of ~150 topics in ~40 domains, so the overlap index has real words to work on), their documents
(文号 numbered per issuer and year in date order), ledger events since 2019 (设立, then 成员调整, 更名,
调整, 改变隶属关系, 降格, 撤销, 合并, 不再认定; the 2022 and 2025 review campaigns share one published
list per region), the current projection (`Body`, `LeaderSeat`, `Membership`), applications in every
status with their `Review` rows and trail (published ones are tied to the ledger event they caused;
about 150 reviews wait for the busy city 编办 reviewer `bench_bianban`), and users who can log in.

Why it bypasses the services: `ledger.services.body_establish` / `event_record` cost ~15 queries and
a replay per write; a province is ~32,000 bodies, ~70,000 events and ~650,000 member rows, which would
take hours that way. The generator builds every row in Python and writes with `bulk_create` in batches
of 5,000, one transaction per region, so memory stays bounded by one region whatever the scale. Each
event's `state`, `valid_until` and denormalised columns are computed with the very functions the
services' replay uses (`state.build_state`, `state.apply_changes`, `services.event_columns`,
`services.project_columns`), and a test replays random generated bodies through `services.replay` and
checks nothing changes.

What it does not write: audit journal entries (`core.AuditEntry`) — the generated history was never
"typed" by anyone; attached files (documents and applications have none); overlap and rule-check
snapshots of applications; split events and merger applications. It assigns primary keys itself (the
database must be empty) and resets the PostgreSQL sequences at the end.

Reproducible: everything comes from one `random.Random(seed)`; events never fall after `HORIZON`, so a
database generated on any day is the same and its projection is already today's.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse

from yixie.approvals.models import Application, ApplicationLog, Review
from yixie.core import bulk
from yixie.core.roles import Role
from yixie.ledger import services
from yixie.ledger import state as st
from yixie.ledger.choices import ENDED_STATUSES, LED_BY_POSTS, EventKind, LeaderRole
from yixie.ledger.models import Body, Document, LeaderSeat, LedgerEvent, Membership
from yixie.ledger.policy import NATIONAL_DEFAULTS, check_departments_exist
from yixie.org.models import Department, Post, PostHolding, Region, RoleAssignment

BENCH_PASSWORD = "yixie-bench-2026"
BATCH = 5000
HORIZON = date(2026, 11, 25)  # no event after this day: the data do not depend on the day they are made
START = date(2019, 1, 1)
ENDING_KINDS = (EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE)
CAMPAIGNS = (date(2022, 9, 30), date(2025, 9, 26))
APPROVALS_LIVE = date(2024, 1, 1)  # events after this day mostly came through an application
TZ = dt_timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Scale:
    provinces: int
    cities_per_province: tuple[int, int]
    counties_per_city: tuple[int, int]
    bodies_city: tuple[int, int]
    bodies_county: tuple[int, int]
    members: tuple[int, int]
    apps_city: int
    apps_county: int
    busy_city: int  # extra applications waiting for 编办 in the bench city
    busy_county: int  # … and in each of its counties


SCALES: dict[str, Scale] = {
    # tiny is for the tests only: one city, two counties, 15 bodies each.
    "tiny": Scale(1, (1, 1), (2, 2), (15, 15), (15, 15), (10, 30), 12, 4, 6, 2),
    "city": Scale(1, (1, 1), (12, 12), (200, 300), (100, 300), (10, 30), 30, 5, 100, 4),
    "province": Scale(1, (16, 16), (6, 12), (200, 300), (100, 300), (10, 30), 30, 5, 100, 4),
    "nation": Scale(31, (7, 14), (6, 13), (200, 300), (100, 300), (10, 30), 30, 5, 100, 4),
}

# GB/T 2260 province prefixes (31 provincial-level divisions); the province scale is 37xxxx.
PROVINCE_PREFIXES = ["37", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
                     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
_FIRST = "安宝北滨昌长成崇大德东丰福阜富高广海汉和鹤衡洪华怀淮惠吉嘉建江金晋静九康莱兰乐临灵龙隆鲁洛茂蒙明南宁平蒲齐庆青泉仁荣瑞沙胜寿舒泰滕天通威文武西咸祥湘新兴延义永玉元云章彰正志中周"
_SECOND = "安宝滨昌川城池德定东丰峰阜谷观海汉和河湖华化淮江金锦靖兰乐林陵龙隆门宁平坪浦泉仁山水顺台泰潭亭原源州庄阳远云泽漳"

# ---------------------------------------------------------------------------------------------- departments
# key, city name, county name (None: no such department in a county), short name, kind; {R} = region name.
DEPARTMENTS: list[tuple[str, str, str | None, str, str]] = [
    ("party_office", "{R}委办公室", "{R}委办公室", "{R}委办", "party"),
    ("org", "{R}委组织部", "{R}委组织部", "", "party"),
    ("prop", "{R}委宣传部", "{R}委宣传部", "", "party"),
    ("uf", "{R}委统战部", None, "", "party"),
    ("plc", "{R}委政法委员会", "{R}委政法委员会", "{R}委政法委", "party"),
    ("staffing", "{R}委机构编制委员会办公室", "{R}委机构编制委员会办公室", "{R}委编办", "party"),
    ("policy", "{R}委政策研究室", None, "{R}委研究室", "party"),
    ("cyber", "{R}委网络安全和信息化委员会办公室", None, "{R}委网信办", "party"),
    ("discipline", "{R}纪委监委", "{R}纪委监委", "", "party"),
    ("gov_office", "{R}人民政府办公室", "{R}人民政府办公室", "{R}政府办", "government"),
    ("dev", "{R}发展和改革委员会", "{R}发展和改革局", "{R}发展改革委", "government"),
    ("edu", "{R}教育局", "{R}教育和体育局", "", "government"),
    ("sci", "{R}科学技术局", None, "{R}科技局", "government"),
    ("ind", "{R}工业和信息化局", "{R}工业和信息化局", "{R}工信局", "government"),
    ("pol", "{R}公安局", "{R}公安局", "", "government"),
    ("civil", "{R}民政局", "{R}民政局", "", "government"),
    ("justice", "{R}司法局", "{R}司法局", "", "government"),
    ("fin", "{R}财政局", "{R}财政局", "", "government"),
    ("hr", "{R}人力资源和社会保障局", "{R}人力资源和社会保障局", "{R}人社局", "government"),
    ("land", "{R}自然资源和规划局", "{R}自然资源和规划局", "{R}自然资源局", "government"),
    ("eco", "{R}生态环境局", "{R}生态环境局", "", "government"),
    ("housing", "{R}住房和城乡建设局", "{R}住房和城乡建设局", "{R}住建局", "government"),
    ("transport", "{R}交通运输局", "{R}交通运输局", "", "government"),
    ("water", "{R}水利局", "{R}水利局", "", "government"),
    ("agri", "{R}农业农村局", "{R}农业农村局", "", "government"),
    ("commerce", "{R}商务局", "{R}商务局", "", "government"),
    ("culture", "{R}文化和旅游局", "{R}文化和旅游局", "{R}文旅局", "government"),
    ("health", "{R}卫生健康委员会", "{R}卫生健康局", "{R}卫生健康委", "government"),
    ("veteran", "{R}退役军人事务局", "{R}退役军人事务局", "", "government"),
    ("emerg", "{R}应急管理局", "{R}应急管理局", "", "government"),
    ("audit", "{R}审计局", None, "", "government"),
    ("soe", "{R}人民政府国有资产监督管理委员会", None, "{R}国资委", "government"),
    ("market", "{R}市场监督管理局", "{R}市场监督管理局", "{R}市场监管局", "government"),
    ("sport", "{R}体育局", None, "", "government"),
    ("stats", "{R}统计局", "{R}统计局", "", "government"),
    ("medins", "{R}医疗保障局", None, "{R}医保局", "government"),
    ("approval", "{R}行政审批服务局", "{R}行政审批服务局", "{R}审批服务局", "government"),
    ("urban", "{R}城市管理局", "{R}综合行政执法局", "", "government"),
    ("finance", "{R}地方金融监督管理局", None, "{R}金融监管局", "government"),
    ("data", "{R}大数据局", None, "", "government"),
    ("petition", "{R}信访局", None, "", "government"),
    ("pad", "{R}军分区", "{R}人民武装部", "", "other"),
    ("union", "{R}总工会", None, "", "other"),
    ("youth", "共青团{R}委员会", None, "团{R}委", "other"),
    ("women", "{R}妇女联合会", "{R}妇女联合会", "{R}妇联", "other"),
    ("fire", "{R}消防救援支队", "{R}消防救援大队", "", "other"),
]
# The departments the 2018–2019 institutional reform set up, with the day they were (the generated history
# begins after it, on START; every event's departments are checked against these dates as they are written).
SET_UP_BY_REFORM = {key: date(2018, 12, 28) for key in (
    "land", "eco", "agri", "culture", "health", "veteran", "emerg", "market", "medins", "approval", "urban",
    "finance", "data")} | {"fire": date(2018, 11, 9)}
# Where a county has no such department, the work sits with another.
FALLBACK = {
    "uf": "org", "policy": "party_office", "cyber": "prop", "sci": "ind", "audit": "fin", "soe": "fin",
    "sport": "edu", "medins": "health", "finance": "fin", "data": "gov_office", "petition": "plc",
    "union": "org", "youth": "org", "disab": "civil", "secrecy": "party_office",
}
# 三定-style duties of the main departments ({A}: 全市/全县/全区); the overlap check reads them.
DEPT_DUTIES: dict[str, str] = {
    "org": "负责{A}党的组织建设和干部队伍、人才队伍建设，指导基层党组织建设和党员教育管理，牵头抓总人才工作，审核议事协调机构领导人员职务。",
    "prop": "负责{A}理论武装、意识形态、新闻舆论和精神文明建设的指导协调，统筹文明城市创建和新时代文明实践，管理新闻媒体。",
    "plc": "统筹协调{A}政法单位工作，推进平安建设和社会治理，负责维护社会稳定、扫黑除恶和矛盾纠纷排查化解的组织协调。",
    "staffing": "负责{A}机构编制综合管理，审核部门职能配置、内设机构和人员编制，负责议事协调机构设立、调整、撤销的审核和台账管理。",
    "dev": "拟订{A}国民经济和社会发展规划和年度计划，负责投资综合管理和重大项目推进，协调服务业、现代物流、粮食储备、能源发展和社会信用体系建设。",
    "edu": "统筹管理{A}学前教育、义务教育、高中和职业教育，负责教育督导、学校安全和教师队伍建设，组织招生考试和语言文字工作。",
    "sci": "拟订{A}科技创新规划和政策，负责高新技术企业培育、科技成果转化、科技创新平台建设和科学技术普及。",
    "ind": "拟订{A}工业和信息化发展规划，推进制造业转型升级、中小企业发展、工业互联网和数字经济，负责工业节能和化工产业管理。",
    "pol": "负责{A}社会治安管理和打击违法犯罪，组织反恐怖、禁毒、打击电信网络诈骗，负责道路交通安全和大型活动安全管理。",
    "civil": "负责{A}社会救助、养老服务、儿童福利和殡葬管理，负责社会组织登记、城乡社区治理、行政区划和地名管理，指导慈善事业。",
    "justice": "负责{A}法治建设统筹规划、行政执法监督和行政复议，指导人民调解、社区矫正、法律援助和公共法律服务，组织普法工作。",
    "fin": "负责{A}财政收支、预算管理和国库集中收付，负责政府采购、政府债务、预算绩效和国有资产管理，协同推进综合治税。",
    "hr": "负责{A}就业创业、人才队伍建设和职称制度改革，统筹社会保险体系，负责劳动关系协调、劳动保障监察和根治拖欠农民工工资。",
    "land": "负责{A}自然资源调查确权登记和国土空间规划，负责耕地保护和土地用途管制，统筹国土绿化和地质灾害防治。",
    "eco": "负责{A}生态环境监督管理，组织大气、水、土壤污染防治，负责生态环境保护督察整改、环境影响评价和减污降碳工作。",
    "housing": "负责{A}住房保障和房地产市场监管，推进老旧小区改造和城市更新，负责建筑市场、工程质量安全和城镇燃气安全监管。",
    "transport": "负责{A}公路、水路交通运输规划建设和行业管理，推进综合交通运输体系和农村公路建设，负责道路运输和公共交通管理。",
    "water": "负责{A}水资源管理、节约用水和河湖管理保护，承担河长制日常工作，负责水利工程建设、农村供水和水旱灾害防御。",
    "agri": "负责{A}乡村振兴统筹协调和农业农村发展，负责农产品质量安全监管、农业产业化经营、农村人居环境整治和动物疫病防控。",
    "commerce": "负责{A}国内贸易和对外贸易、外商投资管理，推进跨境电子商务和口岸建设，承担招商引资综合协调和重大经贸活动组织。",
    "culture": "负责{A}文化、旅游、文物和广播电视事业发展，推进文化和旅游融合，负责文物和非物质文化遗产保护、公共文化服务。",
    "health": "负责{A}卫生健康事业发展，推进医药卫生体制改革，负责疾病预防控制、突发公共卫生事件应急、爱国卫生和老龄工作。",
    "emerg": "负责{A}应急管理和安全生产综合监督管理，组织编制应急预案，指导防汛抗旱、森林防火和防灾减灾救灾，承担安全生产委员会日常工作。",
    "market": "负责{A}市场综合监督管理和市场主体登记，统一负责食品安全监督管理，负责药品、特种设备安全和产品质量监督，推进标准化和知识产权工作。",
    "stats": "负责{A}统计调查和统计数据发布，组织实施人口普查、经济普查和农业普查，负责统计执法监督。",
    "approval": "负责{A}行政审批事项集中办理，推进放管服改革和政务服务体系建设，负责公共资源交易管理和营商环境优化。",
    "urban": "负责{A}城市管理和综合行政执法，负责市容环境卫生、生活垃圾分类、户外广告和数字化城市管理。",
    "data": "负责{A}大数据发展、数字政府和智慧城市建设的统筹推进，负责政务信息资源整合共享和电子政务基础设施建设。",
}

# ---------------------------------------------------------------------------------------------- posts
# key, title for a city (市), for a county ({L}: 区/县/市, {H}: 区长/县长/市长)
POSTS: list[tuple[str, str, str | None]] = [
    ("sec", "市委书记", "{L}委书记"), ("mayor", "市长", "{H}"), ("dsec", "市委副书记", "{L}委副书记"),
    ("exec", "常务副市长", "常务副{H}"), ("org", "市委常委、组织部部长", "{L}委常委、组织部部长"),
    ("prop", "市委常委、宣传部部长", None), ("law", "市委常委、政法委书记", "{L}委常委、政法委书记"),
    ("sg", "市委常委、秘书长", None), ("v_ind", "副市长（分管工业和信息化）", "副{H}（分管工业和信息化）"),
    ("v_agr", "副市长（分管农业农村）", "副{H}（分管农业农村）"), ("v_urb", "副市长（分管城市建设）", None),
    ("v_soc", "副市长（分管教育卫生）", "副{H}（分管社会事业）"), ("v_sec", "副市长（分管公安）", "副{H}（分管公安）"),
]
POST_FALLBACK = {"prop": "dsec", "sg": "dsec", "v_urb": "exec"}
_SURNAMES = "王张刘李陈杨赵孙徐马于郭高韩宋田丁董周吴朱曹袁邢崔秦尹孟侯葛石谭姜范冯蒋魏贾"
_GIVEN = ["伟", "明", "强", "军", "磊", "涛", "勇", "杰", "峰", "斌", "建国", "建华", "志强", "海燕", "红梅", "晓东",
          "立新", "国栋", "春雷", "玉兰", "丽华", "文杰", "振华", "永刚", "庆华", "德胜", "光明", "学军", "卫东", "宏伟"]

# ---------------------------------------------------------------------------------------------- domains
# domain: lead department, member pool (most concerned first), party post, government post, duty phrases
DOMAINS: dict[str, tuple[str, tuple[str, ...], str, str, tuple[str, ...]]] = {
    "reform": ("policy", ("dev", "fin", "staffing", "org", "justice", "approval", "hr"), "sec", "exec",
               ("统筹推进跨领域、跨部门重大改革事项，督促检查改革任务落实和改革试点推进", "总结推广改革经验，防范化解改革风险")),
    "law": ("justice", ("plc", "pol", "gov_office", "prop", "market", "approval", "hr"), "law", "v_sec",
            ("统筹推进科学立法、严格执法、公正司法、全民守法", "推进法治政府建设和依法行政，组织开展普法宣传和执法监督")),
    "audit": ("audit", ("fin", "dev", "discipline", "org", "soe"), "sec", "exec",
              ("研究部署审计监督工作，审议年度审计项目计划", "督促审计发现问题整改，推动审计结果运用")),
    "econ": ("dev", ("fin", "ind", "land", "housing", "commerce", "stats", "approval", "eco", "transport", "market"),
             "sec", "exec", ("统筹国民经济和社会发展重大事项，协调解决经济运行中的突出问题",
                             "推进重大项目、重大平台和重大政策落地实施", "研究提出促进高质量发展的政策措施")),
    "ind": ("ind", ("dev", "sci", "fin", "commerce", "eco", "emerg", "market", "land", "data"), "sec", "v_ind",
            ("统筹推进工业经济运行和产业转型升级", "协调推进重点产业链、技术改造和中小企业发展", "推动先进制造业和数字经济融合发展")),
    "sci": ("sci", ("ind", "dev", "fin", "edu", "hr", "market", "agri"), "sec", "v_ind",
            ("统筹推进科技创新和创新型城市建设", "协调推进科技成果转化、高新技术企业培育和科技创新平台建设")),
    "commerce": ("commerce", ("dev", "ind", "fin", "market", "transport", "approval", "pol"), "sec", "v_ind",
                 ("统筹协调商贸流通、对外贸易和招商引资工作", "推进口岸开放、跨境电商和重大经贸活动")),
    "edu": ("edu", ("fin", "hr", "pol", "health", "civil", "housing", "market", "prop"), "sec", "v_soc",
            ("统筹推进教育改革发展和学校思想政治工作", "协调解决教育投入、学校布局、教师队伍建设和学校安全等重大问题")),
    "sport": ("sport", ("edu", "fin", "culture", "health", "pol", "housing"), "prop", "v_soc",
              ("统筹协调全民健身和体育事业发展", "组织重大体育赛事和运动会的筹办保障")),
    "pol": ("pol", ("plc", "justice", "market", "commerce", "transport", "edu", "prop", "civil"), "law", "v_sec",
            ("统筹协调相关领域公共安全和社会治安管理", "组织开展专项打击整治行动，协调相关部门落实监管责任")),
    "civil": ("civil", ("fin", "hr", "health", "housing", "edu", "justice", "women", "veteran"), "dsec", "v_soc",
              ("统筹协调民政领域相关工作，保障困难群众和特殊群体基本生活", "推进养老服务、社会救助和城乡社区治理")),
    "justice": ("justice", ("plc", "pol", "civil", "hr", "fin", "petition"), "law", "v_sec",
                ("统筹协调相关法治工作，推进公共法律服务体系建设", "指导人民调解、社区矫正、安置帮教和法律援助工作")),
    "fin": ("fin", ("dev", "audit", "soe", "finance", "approval", "market"), "sec", "exec",
            ("统筹协调财政管理相关工作，推进财政体制改革", "加强预算管理、政府债务风险防控和财政资金绩效管理")),
    "hr": ("hr", ("fin", "edu", "housing", "transport", "justice", "market", "union", "civil"), "org", "v_soc",
           ("统筹协调就业创业、人才和社会保障工作", "协调解决劳动关系、工资支付和职称评审中的重大问题")),
    "land": ("land", ("dev", "fin", "agri", "eco", "housing", "water", "emerg"), "sec", "v_urb",
             ("统筹协调自然资源保护利用和国土空间规划管理", "推进耕地保护、国土绿化和地质灾害防治")),
    "eco": ("eco", ("dev", "ind", "housing", "transport", "water", "agri", "land", "urban", "pol"), "sec", "v_urb",
            ("统筹协调生态环境保护和污染防治工作，落实生态环境保护责任清单", "推进污染防治和生态环境保护督察反馈问题整改",
             "推动减污降碳协同增效和绿色低碳发展")),
    "housing": ("housing", ("dev", "fin", "land", "urban", "market", "emerg", "eco"), "sec", "v_urb",
                ("统筹协调住房保障、城市建设和房地产市场管理", "推进棚户区改造、老旧小区改造和城市更新")),
    "transport": ("transport", ("dev", "fin", "land", "pol", "housing", "emerg", "eco"), "sec", "v_urb",
                  ("统筹协调综合交通运输体系建设", "推进铁路、机场、公路等重大交通基础设施项目建设")),
    "water": ("water", ("emerg", "agri", "land", "eco", "housing", "fin", "dev"), "sec", "v_agr",
              ("统筹协调水资源保护、节约用水和河湖管理", "组织开展防汛抗旱和水旱灾害防御，保障重要水源地安全")),
    "agri": ("agri", ("dev", "fin", "land", "eco", "water", "commerce", "market", "sci", "hr"), "dsec", "v_agr",
             ("统筹推进农业产业化和现代农业发展", "协调推进农产品加工、龙头企业培育和农产品质量安全",
              "推进农村改革和农村人居环境整治")),
    "culture": ("culture", ("prop", "fin", "edu", "housing", "land", "commerce", "pol"), "prop", "v_soc",
                ("统筹协调文化和旅游发展、文物保护和公共文化服务", "组织筹办重大文化旅游节会活动")),
    "health": ("health", ("fin", "civil", "medins", "market", "edu", "pol", "hr", "emerg"), "dsec", "v_soc",
               ("统筹协调卫生健康、疾病防控和爱国卫生工作", "推进深化医药卫生体制改革", "协调处置突发公共卫生事件")),
    "emerg": ("emerg", ("pol", "fire", "housing", "transport", "ind", "market", "land", "water", "urban", "agri"),
              "sec", "v_sec", ("统筹协调安全生产和应急管理工作，督促落实安全生产责任制",
                               "组织开展安全隐患排查整治和突发事件应急处置", "协调防灾减灾救灾和应急救援力量建设")),
    "market": ("market", ("agri", "health", "pol", "commerce", "ind", "edu", "fin", "urban"), "sec", "exec",
               ("统筹协调市场监管相关工作，落实企业主体责任和部门监管责任", "推进质量强市、标准化和知识产权保护",
                "组织开展打击假冒伪劣和消费者权益保护")),
    "stats": ("stats", ("fin", "dev", "civil", "pol", "agri", "market", "edu"), "sec", "exec",
              ("统筹组织重大国情国力普查工作，协调解决普查中的重大问题", "组织普查数据采集、审核、汇总和成果开发应用")),
    "medins": ("medins", ("health", "fin", "market", "civil", "hr"), "sec", "v_soc",
               ("统筹推进医疗保障制度改革", "加强医保基金监管和医疗救助")),
    "approval": ("approval", ("dev", "market", "housing", "land", "data", "fin", "gov_office"), "sec", "exec",
                 ("统筹推进放管服改革和政务服务体系建设", "推进审批制度改革、公共资源交易和营商环境优化")),
    "urban": ("urban", ("housing", "eco", "land", "pol", "market", "transport", "fin"), "sec", "v_urb",
              ("统筹协调城市管理和城乡环境综合整治", "推进市容环境卫生、生活垃圾分类和数字化城市管理")),
    "finance": ("finance", ("fin", "pol", "market", "dev", "justice", "prop"), "sec", "exec",
                ("统筹协调金融工作，推动金融服务实体经济", "防范化解地方金融风险，推进企业上市和直接融资")),
    "soe": ("soe", ("fin", "dev", "hr", "audit", "org"), "sec", "exec",
            ("统筹推进国有企业改革和国有资本布局优化", "协调解决国有企业改革发展中的重大问题")),
    "data": ("data", ("dev", "ind", "fin", "approval", "gov_office", "cyber"), "sec", "exec",
             ("统筹推进数字政府、新型智慧城市和数字经济发展", "推进政务信息资源整合共享和电子政务基础设施建设")),
    "petition": ("petition", ("plc", "pol", "justice", "civil", "housing", "hr"), "law", "v_sec",
                 ("统筹协调信访工作，研究解决信访突出问题", "推动信访问题源头治理和信访积案化解")),
    "stab": ("plc", ("pol", "justice", "petition", "civil", "prop", "edu", "hr", "market"), "law", "v_sec",
             ("统筹协调平安建设和社会治理工作，维护社会大局稳定", "组织开展矛盾纠纷排查化解和社会治安综合治理",
              "协调打击各类违法犯罪活动")),
    "org": ("org", ("party_office", "prop", "uf", "staffing", "discipline", "hr", "fin", "civil"), "org", "exec",
            ("统筹推进党的建设各项工作，加强基层党组织建设和党员教育管理", "推动党建工作责任制落实，组织开展党建工作考核评价",
             "统筹人才工作，推进高层次人才引进培养和人才服务体系建设")),
    "prop": ("prop", ("culture", "edu", "cyber", "fin", "youth", "women", "civil", "urban"), "prop", "v_soc",
             ("统筹宣传思想文化工作，加强意识形态阵地建设和管理", "统筹推进精神文明建设和文明城市创建",
              "组织开展群众性精神文明创建活动和志愿服务")),
    "united": ("uf", ("prop", "civil", "commerce", "pol", "ind"), "sec", "v_soc",
               ("统筹协调统一战线工作，加强同民主党派和无党派人士的团结合作", "协调推进民族宗教和新的社会阶层人士统战工作")),
    "secrecy": ("party_office", ("gov_office", "pol", "cyber", "data", "org"), "sg", "exec",
                ("统筹协调保密工作，组织开展保密宣传教育和保密检查", "加强涉密人员、涉密载体和密码安全管理")),
    "discipline": ("discipline", ("org", "party_office", "audit", "fin", "justice"), "sec", "exec",
                   ("统筹协调党风廉政建设和反腐败工作，推动全面从严治党主体责任落实", "组织开展巡察监督，督促整改巡察发现的问题")),
    "military": ("pad", ("veteran", "dev", "fin", "pol", "civil", "hr", "transport", "edu", "health"), "sec", "mayor",
                 ("统筹协调国防动员、民兵预备役和军民融合发展工作", "组织开展国防教育和双拥共建，推进军地需求对接")),
    "social": ("civil", ("women", "youth", "edu", "health", "hr", "justice", "pol", "fin"), "dsec", "v_soc",
               ("统筹协调妇女儿童、青少年和残疾人工作", "协调解决特殊群体权益保障中的重大问题")),
}

# topic, domain: bodies are named "<region><topic><form>", duties open with the topic.
TOPICS: list[tuple[str, str]] = [
    ("全面深化改革", "reform"), ("经济体制改革", "reform"), ("营商环境优化", "approval"), ("法治政府建设", "law"),
    ("普法依法治理", "law"), ("行政执法监督", "law"), ("审计整改", "audit"), ("新旧动能转换", "econ"),
    ("重点项目建设", "econ"), ("服务业发展", "econ"), ("新型城镇化", "econ"), ("社会信用体系建设", "econ"),
    ("粮食安全", "econ"), ("对口支援", "econ"), ("现代物流发展", "econ"), ("区域协调发展", "econ"),
    ("民营经济发展", "ind"), ("节能减排", "econ"), ("碳达峰碳中和", "eco"), ("价格调控", "econ"),
    ("先进制造业发展", "ind"), ("中小企业发展", "ind"), ("化工产业转型升级", "ind"), ("数字经济发展", "data"),
    ("工业互联网发展", "ind"), ("食品产业发展", "ind"), ("新能源汽车产业发展", "ind"), ("低空经济发展", "ind"),
    ("预制菜产业发展", "agri"), ("专精特新企业培育", "ind"), ("科技创新", "sci"), ("知识产权保护", "market"),
    ("科学技术普及", "sci"), ("高新技术企业培育", "sci"), ("招商引资", "commerce"), ("口岸开放", "commerce"),
    ("跨境电子商务发展", "commerce"), ("外贸稳增长", "commerce"), ("会展业发展", "commerce"), ("教育督导", "edu"),
    ("语言文字", "edu"), ("招生考试", "edu"), ("学前教育发展", "edu"), ("校园安全", "edu"), ("职业教育改革", "edu"),
    ("全民健身", "sport"), ("体育赛事筹办", "sport"), ("禁毒", "pol"), ("反恐怖", "pol"), ("打击走私", "pol"),
    ("道路交通安全", "pol"), ("电信网络诈骗防范治理", "pol"), ("反邪教", "stab"), ("老龄工作", "civil"),
    ("减灾救灾", "civil"), ("双拥工作", "military"), ("地名管理", "civil"), ("社会救助", "civil"),
    ("养老服务体系建设", "civil"), ("城乡社区治理", "civil"), ("慈善事业发展", "civil"), ("人民调解", "justice"),
    ("社区矫正", "justice"), ("公共法律服务", "justice"), ("政府债务管理", "fin"), ("预算绩效管理", "fin"),
    ("综合治税", "fin"), ("政府采购监督", "fin"), ("就业创业", "hr"), ("根治拖欠农民工工资", "hr"),
    ("职称制度改革", "hr"), ("技能人才培养", "hr"), ("耕地保护", "land"), ("国土绿化", "land"),
    ("地质灾害防治", "land"), ("不动产登记", "land"), ("生态环境保护", "eco"), ("大气污染防治", "eco"),
    ("水污染防治", "eco"), ("土壤污染防治", "eco"), ("生态环境保护督察整改", "eco"), ("棚户区改造", "housing"),
    ("老旧小区改造", "housing"), ("城市更新", "housing"), ("房地产市场调控", "housing"), ("建筑业发展", "housing"),
    ("城镇燃气安全", "housing"), ("冬季清洁取暖", "housing"), ("铁路建设", "transport"), ("机场建设", "transport"),
    ("四好农村路建设", "transport"), ("治理车辆超限超载", "transport"), ("综合交通运输体系建设", "transport"),
    ("城市公共交通发展", "transport"), ("防汛抗旱", "water"), ("河长制", "water"), ("农村饮水安全", "water"),
    ("节约用水", "water"), ("水土保持", "water"), ("乡村振兴", "agri"), ("农业产业化", "agri"),
    ("农村人居环境整治", "agri"), ("动物疫病防控", "agri"), ("农产品质量安全", "agri"), ("高标准农田建设", "agri"),
    ("农村集体产权制度改革", "agri"), ("农业机械化发展", "agri"), ("文化旅游融合发展", "culture"),
    ("文物保护", "culture"), ("非物质文化遗产保护", "culture"), ("公共文化服务体系建设", "culture"),
    ("旅游节会筹办", "culture"), ("爱国卫生运动", "health"), ("深化医药卫生体制改革", "health"),
    ("疾病预防控制", "health"), ("突发公共卫生事件应急", "health"), ("妇幼健康", "health"), ("医养结合", "health"),
    ("中医药发展", "health"), ("无偿献血", "health"), ("艾滋病防治", "health"), ("安全生产", "emerg"),
    ("森林防火", "emerg"), ("防灾减灾", "emerg"), ("应急救援体系建设", "emerg"), ("危险化学品安全", "emerg"),
    ("消防安全", "emerg"), ("食品安全", "market"), ("药品安全", "market"), ("特种设备安全", "market"),
    ("质量品牌建设", "market"), ("标准化工作", "market"), ("打击假冒伪劣", "market"), ("消费者权益保护", "market"),
    ("人口普查", "stats"), ("经济普查", "stats"), ("农业普查", "stats"), ("医疗保障制度改革", "medins"),
    ("医保基金监管", "medins"), ("放管服改革", "approval"), ("政务服务体系建设", "approval"),
    ("公共资源交易", "approval"), ("城市管理", "urban"), ("生活垃圾分类", "urban"), ("市容环境综合整治", "urban"),
    ("数字化城市管理", "urban"), ("防范和处置非法集资", "finance"), ("企业上市", "finance"),
    ("金融风险防范化解", "finance"), ("国有企业改革", "soe"), ("数字政府建设", "data"), ("智慧城市建设", "data"),
    ("政务数据共享", "data"), ("信访工作", "petition"), ("矛盾纠纷排查化解", "petition"), ("平安建设", "stab"),
    ("扫黑除恶", "stab"), ("社会治安综合治理", "stab"), ("维护稳定", "stab"), ("网格化服务管理", "stab"),
    ("党建工作", "org"), ("基层党建", "org"), ("人才工作", "org"), ("干部教育培训", "org"),
    ("非公有制经济组织党建", "org"), ("宣传思想文化", "prop"), ("精神文明建设", "prop"), ("文明城市创建", "prop"),
    ("扫黄打非", "prop"), ("新时代文明实践", "prop"), ("统一战线工作", "united"), ("宗教工作", "united"),
    ("民族工作", "united"), ("对台工作", "united"), ("保密工作", "secrecy"), ("密码工作", "secrecy"),
    ("巡察工作", "discipline"), ("党风廉政建设", "discipline"), ("作风建设", "discipline"), ("国防动员", "military"),
    ("军民融合发展", "military"), ("征兵工作", "military"), ("人民防空", "military"), ("妇女儿童工作", "social"),
    ("残疾人工作", "social"), ("预防青少年违法犯罪", "social"), ("关心下一代工作", "social"),
]
_COMMAND_DOMAINS = {"emerg", "water", "health", "pol", "military", "stab"}
_PARTY_DOMAINS = {"reform", "org", "prop", "united", "secrecy", "discipline", "stab", "law", "audit", "military"}
_OPENINGS = (
    "统筹协调{A}{t}工作，研究解决{t}工作中的重大问题",
    "负责{A}{t}工作的组织领导和统筹协调，研究部署{t}重点任务",
    "贯彻落实上级关于{t}工作的决策部署，统筹推进{A}{t}工作",
    "研究制定{A}{t}工作的政策措施和年度计划，协调解决跨部门重大事项",
)
_CATEGORY_WEIGHTS = (("party", 22), ("government", 33), ("joint", 22), ("taskforce", 12), ("mechanism", 6),
                     ("special", 5))
_GROUNDS = (("upper", 35), ("counterpart", 25), ("emergency", 10), ("local", 30))


# ---------------------------------------------------------------------------------------------- context

@dataclass
class Stats:
    regions: int = 0
    departments: int = 0
    bodies: int = 0
    events: int = 0
    memberships: int = 0
    documents: int = 0
    applications: int = 0
    reviews: int = 0
    users: int = 0
    seconds: float = 0.0


class _Ids:
    """Primary keys assigned here (the database is empty), so rows can point at each other before they exist."""

    def __init__(self):
        self._next: dict[str, int] = defaultdict(lambda: 1)

    def __call__(self, name: str) -> int:
        value = self._next[name]
        self._next[name] = value + 1
        return value


class _Writer:
    """Buffers unsaved instances per model and bulk-inserts them in dependency order."""

    ORDER = (Region, get_user_model(), Department, Post, PostHolding, Document, Body, LedgerEvent, LeaderSeat,
             Membership, RoleAssignment, Application, Review, ApplicationLog)

    def __init__(self):
        self.rows: dict[type, list] = defaultdict(list)
        # Plain tuples for the biggest, simplest tables (member units, seats): the ORM's per-row cost
        # (instance, field preparation) is most of the time there.
        self.tuples: dict[type, list[tuple]] = defaultdict(list)

    def add(self, obj) -> None:
        self.rows[type(obj)].append(obj)

    def add_row(self, model, values: tuple) -> None:
        self.tuples[model].append(values)

    def flush(self) -> None:
        for model in self.ORDER:
            objs = self.rows.pop(model, None)
            if objs:
                bulk.insert_objects(model, objs, batch=BATCH)
            rows = self.tuples.pop(model, None)
            if rows:
                bulk.insert_rows(model, RAW_COLUMNS[model], rows, batch=BATCH)
        assert not self.rows and not self.tuples, f"unknown models buffered: {list(self.rows)}"


RAW_COLUMNS = {LeaderSeat: services.SEAT_COLUMNS, Membership: services.MEMBER_COLUMNS}


@contextmanager
def _explicit_timestamps(models) -> Iterator[None]:
    """auto_now / auto_now_add off while generating: the rows carry their historical times."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _dt(d: date, rng: random.Random, hour: tuple[int, int] = (8, 18)) -> datetime:
    return datetime(d.year, d.month, d.day, rng.randint(*hour), rng.randint(0, 59), rng.randint(0, 59), tzinfo=TZ)


def _weekday(d: date) -> date:
    """Documents are issued on working days."""
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def _rand_date(rng: random.Random, a: date, b: date) -> date:
    if b <= a:
        return a
    return _weekday(a + timedelta(days=rng.randint(0, (b - a).days)))


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class _RegionInfo:
    region: Region
    stem: str  # two characters, unique in the database: also the 文号 prefix
    level_char: str  # 市 / 县 / 区
    head: str  # 市长 / 县长 / 区长
    is_city: bool
    depts: dict[str, Department] = field(default_factory=dict)
    dept_list: list[Department] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)

    @property
    def area(self) -> str:
        return f"全{self.level_char}"

    def dept(self, key: str) -> Department:
        while key not in self.depts:
            key = FALLBACK.get(key, "gov_office")
        return self.depts[key]

    def post(self, key: str) -> Post:
        if key not in self.posts:
            key = POST_FALLBACK.get(key, "exec")
        return self.posts[key]


@dataclass
class _Plan:
    """One body's life: its events (date, kind, changes, document key), computed states and rows."""

    id: int
    topic: str
    domain: str
    sequence: str
    established_on: date
    events: list[list[Any]] = field(default_factory=list)  # [on, kind, changes, doc_key, source]
    ends_on_event: date | None = None  # the date of an ending event, if any

    def name_at(self, on: date) -> str:
        name = self.events[0][2]["name"]
        for ev_on, _kind, changes, _doc, _src in self.events:
            if ev_on <= on and "name" in changes:
                name = changes["name"]
        return name

    def state_at(self, on: date) -> dict:
        state: dict = {}
        for ev_on, kind, changes, _doc, _src in self.events:
            if ev_on > on:
                break
            state = dict(changes) if kind == EventKind.ESTABLISH else st.apply_changes(state, kind, changes)
        return state


class Generator:
    def __init__(self, scale: str, seed: int, log: Callable[[str], None] = print):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}")
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.seed = seed
        self.rng = random.Random(f"yixie-generate:{scale}:{seed}")
        self.log = log
        self.ids = _Ids()
        self.writer = _Writer()
        self.stats = Stats()
        self.stems: list[str] = [a + b for a in _FIRST for b in _SECOND if a != b]
        self.rng.shuffle(self.stems)
        self.used_stems: set[str] = set()
        self.deadline = int(NATIONAL_DEFAULTS["work_rules.deadline_days"]["value"])
        self.password = make_password(BENCH_PASSWORD)
        self.users: dict[str, Any] = {}
        self.bench_city: _RegionInfo | None = None
        self.persons = [s + g for s in _SURNAMES for g in _GIVEN]

    # ---------------------------------------------------------------- regions, departments, posts

    def _stem(self) -> str:
        while True:
            s = self.stems.pop()
            if s not in self.used_stems:
                self.used_stems.add(s)
                return s

    def _region(self, code: str, name: str, level: str, parent: Region | None) -> Region:
        r = Region(id=self.ids("region"), code=code, name=name, level=level, parent=parent)
        self.writer.add(r)
        self.stats.regions += 1
        return r

    def _region_info(self, region: Region, stem: str, level_char: str, is_city: bool) -> _RegionInfo:
        head = {"市": "市长", "县": "县长", "区": "区长"}[level_char]
        info = _RegionInfo(region, stem, level_char, head, is_city)
        created = datetime(2018, 12, 1, 9, tzinfo=TZ)
        order = 0
        for key, city_tpl, county_tpl, short_tpl, kind in DEPARTMENTS:
            tpl = city_tpl if is_city else county_tpl
            if tpl is None:
                continue
            order += 1
            duties = DEPT_DUTIES.get(key, "").format(A=info.area)
            d = Department(id=self.ids("department"), region=region, name=tpl.format(R=region.name),
                           short_name=short_tpl.format(R=region.name), kind=kind, order=order, duties=duties,
                           established_on=SET_UP_BY_REFORM.get(key), created_at=created, updated_at=created)
            info.depts[key] = d
            info.dept_list.append(d)
            self.writer.add(d)
        self.stats.departments += order
        for i, (key, city_title, county_title) in enumerate(POSTS, 1):
            title = city_title if is_city else county_title
            if title is None:
                continue
            title = title.format(L=level_char, H=info.head)
            p = Post(id=self.ids("post"), region=region, name=title, order=i, created_at=created, updated_at=created)
            info.posts[key] = p
            self.writer.add(p)
            start = _rand_date(self.rng, date(2016, 6, 1), date(2019, 6, 28))
            if self.rng.random() < 0.4:
                turn = _rand_date(self.rng, date(2021, 6, 1), date(2022, 3, 31))
                holders = [(start, turn), (turn, None)]
            else:
                holders = [(start, None)]
            for a, b in holders:
                self.writer.add(PostHolding(id=self.ids("holding"), post=p, person_name=self.rng.choice(self.persons),
                                            started_on=a, ended_on=b, created_at=created, updated_at=created))
        return info

    # ---------------------------------------------------------------- users

    def _user(self, username: str, display: str, *, superuser: bool = False):
        User = get_user_model()
        joined = datetime(2024, 1, 2, 9, tzinfo=TZ)
        u = User(id=self.ids("user"), username=username, password=self.password, first_name=display,
                 is_superuser=superuser, is_staff=superuser, is_active=True, date_joined=joined)
        self.writer.add(u)
        self.users[username] = u
        self.stats.users += 1
        return u

    def _role(self, user, role: str, *, region: Region | None = None, department: Department | None = None) -> None:
        at = datetime(2024, 1, 2, 9, tzinfo=TZ)
        self.writer.add(RoleAssignment(user=user, role=role, region=region if department is None else None,
                                       department=department, created_at=at, updated_at=at))

    def _city_users(self, info: _RegionInfo, bench: bool) -> dict[str, Any]:
        code = info.region.code
        name = info.region.name
        prefix = "bench" if bench else f"u{code}"
        users = {
            "bianban": self._user(f"{prefix}_bianban", f"{name}委编办 审核人"),
            "liangban": self._user(f"{prefix}_liangban", f"{name}政府办公室 经办人"),
            "zuzhibu": self._user(f"{prefix}_zuzhibu", f"{name}委组织部 审核人"),
        }
        self._role(users["bianban"], Role.ESTABLISHMENT, region=info.region)
        self._role(users["liangban"], Role.GENERAL_OFFICE, region=info.region)
        self._role(users["zuzhibu"], Role.ORGANISATION, region=info.region)
        return users

    def _clerks(self, info: _RegionInfo, bench: bool) -> dict[str, Any]:
        prefix = "bench" if bench else f"u{info.region.code}"
        dev = info.dept("dev")
        clerk = self._user(f"{prefix}_clerk", f"{dev.name} 经办人")
        hr = self._user(f"{prefix}_hr", f"{dev.name}组织人事科 经办人")
        self._role(clerk, Role.DEPARTMENT, department=dev)
        self._role(hr, Role.DEPARTMENT_HR, department=dev)
        return {"clerk": clerk, "hr": hr}

    # ---------------------------------------------------------------- bodies

    def _name(self, info: _RegionInfo, topic: str, category: str, form: str, variant: int = 0) -> str:
        r = info.region.name
        work = "工作" if variant % 2 else ""
        if category == "party":
            return f"{r}委{topic}{work}{form}"
        if category == "government":
            return f"{r}{topic}{work}{form}"
        suffix = {"joint": "联席会议", "taskforce": "工作专班", "mechanism": "工作协调机制", "special": "专项小组"}[category]
        if category == "joint" and variant % 2:
            suffix = "工作联席会议"
        return f"{r}{topic}{suffix}"

    def _duties(self, info: _RegionInfo, topic: str, domain: str, scope: str, sequence: str) -> str:
        rng = self.rng
        opening = rng.choice(_OPENINGS).format(A=info.area, t=topic)
        phrases = list(DOMAINS[domain][4])
        rng.shuffle(phrases)
        picks = phrases[: 2 if scope == "comprehensive" else 1]
        lower = "各镇街" if not info.is_city else "各县市区"
        if rng.random() < 0.5:
            closing = f"督促检查各成员单位任务落实情况，完成{info.level_char}委、{info.level_char}政府交办的其他事项"
        else:
            closing = f"指导{lower}开展{topic}工作，对各成员单位履职情况进行督导"
        if sequence == "party" and rng.random() < 0.5:
            closing = f"督促检查各成员单位任务落实情况，完成{info.level_char}委交办的其他事项"
        return "。".join([opening, *picks, closing]) + "。"

    def _members(self, info: _RegionInfo, lead: Department, office: Department, domain: str, n: int):
        rng = self.rng
        chosen: dict[int, Department] = {lead.pk: lead}
        chosen.setdefault(office.pk, office)
        pool = [info.dept(k) for k in DOMAINS[domain][1]]
        rng.shuffle(pool)
        pool.sort(key=lambda d: 0 if rng.random() < 0.7 else 1)
        in_pool = {d.pk for d in pool}
        others = [d for d in info.dept_list if d.pk not in in_pool]
        rng.shuffle(others)
        for d in pool + others:
            if len(chosen) >= n:
                break
            chosen.setdefault(d.pk, d)
        n_principal = len({lead.pk, office.pk}) + rng.randint(0, 2)
        return [(d, "principal" if i < n_principal else "assisting") for i, d in enumerate(chosen.values())]

    def _leaders(self, info: _RegionInfo, category: str, domain: str) -> tuple[Post | None, list[Post]]:
        if category not in LED_BY_POSTS:
            return None, []
        rng = self.rng
        _lead, _pool, party_post, gov_post, _phrases = DOMAINS[domain]
        if category == "party":
            leader = info.post("sec" if rng.random() < 0.3 else party_post)
            candidates = ["mayor", "dsec", gov_post, "exec", "org"]
        else:
            leader = info.post("mayor" if rng.random() < 0.2 else gov_post)
            candidates = ["exec", gov_post, "v_ind", "v_soc", "v_agr", "v_sec"]
        deputies: list[Post] = []
        for key in rng.sample(candidates, len(candidates)):
            p = info.post(key)
            if p is not leader and p not in deputies and len(deputies) < rng.choice((0, 1, 1, 2, 2)):
                deputies.append(p)
        return leader, deputies

    def _new_state(self, info: _RegionInfo, used: set[str], established_on: date,
                   topic_domain: tuple[str, str] | None = None) -> tuple[dict, str, str]:
        """A fresh body's state (category, form, name, departments, leaders, members, duties …)."""
        rng = self.rng
        category = _weighted(rng, _CATEGORY_WEIGHTS)
        for _attempt in range(400):
            topic, domain = topic_domain or rng.choice(TOPICS)
            if category == "party" and domain not in _PARTY_DOMAINS and rng.random() < 0.6:
                category = "government"
            if category in ("party", "government"):
                form = "指挥部" if domain in _COMMAND_DOMAINS and rng.random() < 0.35 else rng.choice(
                    ("领导小组", "领导小组", "委员会"))
            else:
                form = {"joint": "联席会议", "taskforce": "工作专班", "mechanism": "协调机制", "special": "专项小组"}[category]
            name = self._name(info, topic, category, form, rng.randint(0, 3))
            if name not in used:
                break
            topic_domain = None
        else:  # pragma: no cover - 150 topics × forms never run out at 300 bodies a region
            raise RuntimeError(f"no free body name left in {info.region.name}")
        used.add(name)
        sequence = "party" if category == "party" else (
            "government" if category == "government" else ("party" if rng.random() < 0.2 else "government"))
        ground = _weighted(rng, _GROUNDS)
        scope = "comprehensive" if rng.random() < 0.4 else "single"
        lead = info.dept(DOMAINS[domain][0])
        office = lead if rng.random() < 0.85 else info.dept(rng.choice(DOMAINS[domain][1]))
        lo, hi = self.scale.members
        n = min(len(info.dept_list), max(lo, min(hi, int(rng.triangular(lo, hi, lo + 4)))))
        members = self._members(info, lead, office, domain, n)
        leader, deputies = self._leaders(info, category, domain)
        temporary = category in ("taskforce", "special") or rng.random() < 0.08
        ends_on = None
        end_condition = ""
        if temporary:
            if rng.random() < 0.7:
                ends_on = established_on + timedelta(days=365 * rng.randint(1, 4))
            if ends_on is None or rng.random() < 0.3:
                end_condition = "任务完成后自行撤销"
        upper = ""
        if ground in ("upper", "counterpart"):
            upper = f"上级设有{topic}{form}" if form not in ("协调机制",) else ""
        short = ""
        if len(topic) >= 4 and form == "委员会" and rng.random() < 0.6:
            short = f"{info.level_char}{topic[0]}{topic[2]}委"
        state = st.build_state(
            name=name, category=category, form=form, sequence=sequence, legal_ground=ground,
            lead_department=lead, office_department=office,
            duties=self._duties(info, topic, domain, scope, sequence),
            leader=leader, deputies=deputies, members=members, short_name=short,
            is_temporary=temporary, ends_on=ends_on, end_condition=end_condition, upper_counterpart=upper,
            task_scope=scope, extra_members_approved=len(members) > (15 if scope == "comprehensive" else 10),
        )
        return state, topic, domain

    def _plan_bodies(self, info: _RegionInfo, n: int, used: set[str]) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        for _ in range(n):
            if rng.random() < 0.4:
                established = _rand_date(rng, START, date(2019, 6, 28))
            else:
                established = _rand_date(rng, date(2019, 7, 1), date(2026, 9, 30))
            state, topic, domain = self._new_state(info, used, established)
            plan = _Plan(self.ids("body"), topic, domain, state["sequence"], established)
            plan.events.append([established, EventKind.ESTABLISH, state, "doc" if rng.random() < 0.95 else None, None])
            self._plan_history(info, plan, used)
            plans.append(plan)
        self._plan_mergers(plans)
        return plans

    def _plan_history(self, info: _RegionInfo, plan: _Plan, used: set[str]) -> None:
        rng = self.rng
        first = plan.established_on + timedelta(days=30)
        if first >= HORIZON:
            return
        k = rng.choices((0, 1, 2, 3, 4), weights=(35, 30, 20, 10, 5))[0]
        dates: set[date] = set()
        for _ in range(k):
            d = _rand_date(rng, first, HORIZON)
            if rng.random() < 0.35:
                d = rng.choice(CAMPAIGNS)
            if first <= d <= HORIZON and d not in dates and d > plan.established_on:
                dates.add(d)
        state = plan.events[0][2]
        ends = state.get("ends_on")
        end_event: tuple[date, str] | None = None
        if ends and date.fromisoformat(ends) < HORIZON and rng.random() < 0.7:
            end_event = (max(first, _weekday(date.fromisoformat(ends) - timedelta(days=rng.randint(0, 40)))),
                         EventKind.ABOLISH)
        elif rng.random() < 0.12:
            end_event = (_rand_date(rng, first, HORIZON), EventKind.ABOLISH)
        elif rng.random() < 0.01:
            end_event = (_rand_date(rng, first, HORIZON), EventKind.DERECOGNISE)
        if end_event is not None:
            if rng.random() < 0.4 and end_event[0] < CAMPAIGNS[1]:
                later = [c for c in CAMPAIGNS if c >= end_event[0]]
                end_event = (later[0], end_event[1])
            dates = {d for d in dates if d < end_event[0]}
        current = dict(state)
        for d in sorted(dates):
            kind, changes = self._change(info, plan, current, used)
            if not changes:
                continue
            plan.events.append([d, kind, changes, self._doc_for(d), None])
            current = st.apply_changes(current, kind, changes)
        if end_event is not None:
            plan.events.append([end_event[0], end_event[1], {}, self._doc_for(end_event[0]), None])
            plan.ends_on_event = end_event[0]

    def _doc_for(self, d: date) -> str | None:
        if d in CAMPAIGNS:
            return "campaign"
        return "doc" if self.rng.random() < 0.85 else None

    def _change(self, info: _RegionInfo, plan: _Plan, current: dict, used: set[str]) -> tuple[str, dict]:
        """One change of a live body, as `event_record` would store it."""
        rng = self.rng
        kind = _weighted(rng, ((EventKind.MEMBERS, 45), (EventKind.RENAME, 18), (EventKind.ADJUST, 22),
                               (EventKind.REAFFILIATE, 10), (EventKind.DOWNGRADE, 5)))
        members = list(current["members"])
        if kind == EventKind.MEMBERS:
            ids = {m["department_id"] for m in members}
            if len(members) > 12 and rng.random() < 0.4:
                for _ in range(rng.randint(1, 2)):
                    members.pop(rng.randrange(2, len(members)))
            else:
                free = [d for d in info.dept_list if d.pk not in ids]
                for d in rng.sample(free, min(len(free), rng.randint(1, 3))):
                    members.append(st.member_ref(d))
            return kind, {"members": members}
        if kind == EventKind.RENAME:
            return kind, self._rename(info, plan, current, used)
        if kind == EventKind.ADJUST:
            changes = {}
            if current["category"] in LED_BY_POSTS and rng.random() < 0.6:
                leader, deputies = self._leaders(info, current["category"], plan.domain)
                leaders = [st.leader_ref(LeaderRole.LEADER, leader)] + [
                    st.leader_ref(LeaderRole.DEPUTY, p) for p in deputies]
                if leaders != current["leaders"]:
                    changes["leaders"] = leaders
            if not changes or rng.random() < 0.5:
                duties = self._duties(info, plan.topic, plan.domain, current["task_scope"], current["sequence"])
                if duties != current["duties"]:
                    changes["duties"] = duties
            return kind, changes
        if kind == EventKind.REAFFILIATE:
            lead = info.dept(rng.choice(DOMAINS[plan.domain][1]))
            if lead.pk == current["lead_department"]["id"]:
                return kind, {}
            changes = {"lead_department": st.dept_ref(lead), "office_department": st.dept_ref(lead)}
            ids = {m["department_id"] for m in members}
            if lead.pk not in ids:
                changes["members"] = [st.member_ref(lead, "principal"), *members]
            return kind, changes
        # 降格: a led body becomes a 联席会议 under its lead department
        if current["category"] not in LED_BY_POSTS:
            return kind, {}
        name = self._name(info, plan.topic, "joint", "联席会议", rng.randint(0, 1))
        if name in used:
            return kind, {}
        used.add(name)
        return kind, {"name": name, "category": "joint", "form": "联席会议", "leaders": [], "short_name": ""}

    def _plan_mergers(self, plans: list[_Plan]) -> None:
        """About 3 % of bodies end by merging into another body of the region that is live that day."""
        rng = self.rng
        for plan in plans:
            if plan.ends_on_event is not None or rng.random() >= 0.03:
                continue
            last = plan.events[-1][0]
            d = _rand_date(rng, max(last, plan.established_on) + timedelta(days=30), HORIZON)
            if d <= last or d > HORIZON:
                continue
            survivors = [p for p in plans if p is not plan and p.established_on < d
                         and (p.ends_on_event is None or p.ends_on_event > d)]
            if not survivors:
                continue
            into = rng.choice(survivors)
            plan.events.append([d, EventKind.MERGE, {"successor": {"id": into.id, "name": into.name_at(d)}},
                                self._doc_for(d), None])
            plan.ends_on_event = d

    # ---------------------------------------------------------------- documents

    def _agencies(self, info: _RegionInfo) -> dict[str, tuple[str, str]]:
        r = info.region.name
        s = info.stem
        return {"fa": (f"中共{r}委", f"{s}发"), "zhengzi": (f"{r}人民政府", f"{s}政字"),
                "banfa": (f"中共{r}委办公室", f"{s}办发"), "zhengbanzi": (f"{r}人民政府办公室", f"{s}政办字")}

    def _doc_kind(self, sequence: str, category: str, kind: str) -> str:
        if category in ("joint", "taskforce", "mechanism", "special") or kind not in (EventKind.ESTABLISH,
                                                                                        EventKind.ABOLISH):
            return "banfa" if sequence == "party" else "zhengbanzi"
        if sequence == "party":
            return "fa" if self.rng.random() < 0.35 else "banfa"
        return "zhengzi" if self.rng.random() < 0.4 else "zhengbanzi"

    @staticmethod
    def _doc_title(kind: str, name: str, prev_name: str | None, state: dict) -> str:
        if kind == EventKind.ESTABLISH:
            joint = state["form"] == "联席会议"
            return f"关于{'建立' if joint else '成立'}{name}{'制度' if joint else ''}的通知"
        if kind == EventKind.RENAME:
            return f"关于{prev_name}更名为{name}的通知"
        if kind == EventKind.DOWNGRADE:
            return f"关于将{prev_name}调整为{name}的通知"
        if kind == EventKind.MERGE:
            return f"关于将{name}并入{(state.get('successor') or {}).get('name', '')}的通知"
        return {
            EventKind.MEMBERS: f"关于调整{name}成员单位的通知",
            EventKind.ADJUST: f"关于调整{name}组成人员和工作职责的通知",
            EventKind.REAFFILIATE: f"关于调整{name}牵头部门的通知",
            EventKind.ABOLISH: f"关于撤销{name}的通知",
            EventKind.DERECOGNISE: f"关于{name}不再作为议事协调机构管理的通知",
        }[kind]

    def _documents(self, info: _RegionInfo, plans: list[_Plan]) -> dict[tuple[int, int], Document]:
        """One document per event that has one (campaign events share the region's published list)."""
        requests: list[tuple[date, str, str, tuple[int, int] | None]] = []
        campaign_docs: dict[date, int] = {}
        for plan in plans:
            prev_name = None
            state: dict = {}
            for i, (on, kind, changes, doc, _src) in enumerate(plan.events):
                state = dict(changes) if kind == EventKind.ESTABLISH else st.apply_changes(state, kind, changes)
                name = state["name"]
                if doc == "campaign":
                    if on not in campaign_docs:
                        campaign_docs[on] = len(requests)
                        requests.append((on, "banfa", f"关于印发{info.region.name}议事协调机构清理规范结果的通知", None))
                    plan.events[i][3] = ("campaign", on)
                elif doc == "doc":
                    dk = self._doc_kind(plan.sequence, state["category"], kind)
                    title = self._doc_title(kind, name, prev_name, state)
                    requests.append((on, dk, title, (plan.id, i)))
                prev_name = name
        agencies = self._agencies(info)
        serial: dict[tuple[str, int], int] = defaultdict(int)
        by_event: dict[tuple[int, int], Document] = {}
        campaign_by_index: dict[int, Document] = {}
        order = sorted(range(len(requests)), key=lambda i: (requests[i][0], i))
        for i in order:
            on, dk, title, ref = requests[i]
            issuer, agency = agencies[dk]
            serial[(agency, on.year)] += 1
            at = _dt(on, self.rng)
            doc = Document(id=self.ids("document"), region=info.region,
                           number=f"{agency}〔{on.year}〕{serial[(agency, on.year)]}号", issuer=issuer, issued_on=on,
                           title=title[:300], created_at=at, updated_at=at)
            self.writer.add(doc)
            self.stats.documents += 1
            if ref is None:
                campaign_by_index[i] = doc
            else:
                by_event[ref] = doc
        campaign_of = {on: campaign_by_index[idx] for on, idx in campaign_docs.items()}
        for plan in plans:
            for i, ev in enumerate(plan.events):
                if isinstance(ev[3], tuple) and ev[3][0] == "campaign":
                    by_event[(plan.id, i)] = campaign_of[ev[3][1]]
        return by_event

    # ---------------------------------------------------------------- rows

    def _write_bodies(self, info: _RegionInfo, plans: list[_Plan], docs: dict[tuple[int, int], Document]) -> dict:
        """Events with the states `services.replay` derives, and the projection it would write."""
        region = info.region
        stub = SimpleNamespace(region_id=region.pk)
        dates = {d.pk: (d.name, d.established_on, d.ended_on) for d in info.dept_list}
        event_ids: dict[tuple[int, int], LedgerEvent] = {}
        for plan in plans:
            events = plan.events
            state: dict = {}
            rows: list[LedgerEvent] = []
            for i, (on, kind, changes, _doc, source) in enumerate(events):
                state = dict(changes) if kind == EventKind.ESTABLISH else st.apply_changes(state, kind, changes)
                if kind not in ENDING_KINDS:  # the rule every ledger write obeys (ledger.policy)
                    for finding in check_departments_exist(state, on, dates):
                        raise GenerateError(f"{state['name']}：{finding.message}")
                doc = docs.get((plan.id, i))
                recorded = _dt(on if on >= date(2024, 1, 1) else date(2024, 1, 2), self.rng)
                ev = LedgerEvent(
                    id=self.ids("event"), body_id=plan.id, kind=kind, effective_on=on, seq=0, document=doc,
                    note="初始台账录入" if on < APPROVALS_LIVE and kind == EventKind.ESTABLISH else "",
                    changes=changes, state=state,
                    valid_until=events[i + 1][0] if i + 1 < len(events) else None,
                    recorded_at=recorded, **services.event_columns(body=stub, state=state),
                )
                if source is not None:
                    ev.source_label, ev.source_url = source
                rows.append(ev)
                event_ids[(plan.id, i)] = ev
                self.writer.add(ev)
            self.stats.events += len(rows)
            current = rows[-1]  # every event is on or before HORIZON, hence today
            established = plan.established_on
            body = Body(id=plan.id, region=region, established_on=established,
                        basis_document=docs.get((plan.id, 0)),
                        work_rules_due_on=established + timedelta(days=self.deadline),
                        created_at=rows[0].recorded_at, updated_at=current.recorded_at)
            services.project_columns(body=body, state=current.state)
            body.ended_on = current.effective_on if body.status in ENDED_STATUSES else None
            if self.rng.random() < 0.85 and established + timedelta(days=40) < HORIZON:
                body.work_rules_filed_on = established + timedelta(days=self.rng.randint(5, 35))
            self.writer.add(body)
            for row in services.seat_rows(plan.id, current.state):
                self.writer.add_row(LeaderSeat, row)
            for row in services.member_rows(plan.id, current.state):
                self.writer.add_row(Membership, row)
            self.stats.memberships += len(current.state["members"])
        self.stats.bodies += len(plans)
        return event_ids

    # ---------------------------------------------------------------- applications

    def _sources(self, info: _RegionInfo, plans: list[_Plan]) -> list[tuple[_Plan, int]]:
        """Events since the approvals went live that came through an application (published ones)."""
        kinds = {EventKind.ESTABLISH, EventKind.RENAME, EventKind.ADJUST, EventKind.MEMBERS, EventKind.ABOLISH,
                 EventKind.REAFFILIATE, EventKind.DOWNGRADE}
        picked = []
        for plan in plans:
            for i, (on, kind, _changes, doc, _src) in enumerate(plan.events):
                if on >= APPROVALS_LIVE and kind in kinds and doc == "doc" and self.rng.random() < 0.3:
                    app_id = self.ids("application")
                    created = datetime.combine(on - timedelta(days=self.rng.randint(20, 45)), datetime.min.time(),
                                               tzinfo=TZ)
                    plan.events[i][4] = (f"申请{created:%Y}-{app_id:04d}", reverse("approvals:detail", args=[app_id]))
                    picked.append((plan, i, app_id, created))
        return picked

    def _applications(self, info: _RegionInfo, plans: list[_Plan], used: set[str], published,
                      event_rows: dict, docs: dict, users: dict, clerks: dict, busy: int, n_open: int) -> None:
        rng = self.rng
        kind_of = {EventKind.ESTABLISH: "establish", EventKind.RENAME: "rename", EventKind.ADJUST: "adjust",
                   EventKind.MEMBERS: "adjust", EventKind.ABOLISH: "abolish", EventKind.REAFFILIATE: "reaffiliate",
                   EventKind.DOWNGRADE: "downgrade"}
        for plan, i, app_id, created in published:
            on, kind, _changes, _doc, _src = plan.events[i]
            ev = event_rows[(plan.id, i)]
            state = ev.state
            app_kind = kind_of[kind]
            personnel = bool(state.get("leaders")) if app_kind == "establish" else st.leaders_changed(
                plan.state_at(on - timedelta(days=1)), state)
            self._application(app_id, info, app_kind, plan, {} if app_kind == "abolish" else state, created, users,
                              clerks, lead_id=state["lead_department"]["id"], personnel=personnel,
                              status="published", publish_on=on, document=docs.get((plan.id, i)), ledger_event=ev)
        live = [p for p in plans if p.ends_on_event is None]
        statuses = (("draft", 14), ("submitted", 14), ("in_review", 20), ("reviewed", 10), ("decided", 8),
                    ("returned", 12), ("refused", 10), ("withdrawn", 12))
        wanted = [_weighted(rng, statuses) for _ in range(n_open)] + ["in_review"] * busy
        for status in wanted:
            app_kind = _weighted(rng, (("establish", 50), ("adjust", 20), ("rename", 10), ("abolish", 15),
                                       ("reaffiliate", 5)))
            if status in ("reviewed", "decided"):
                day = _rand_date(rng, HORIZON - timedelta(days=60), HORIZON - timedelta(days=26))
            elif status in ("refused", "withdrawn"):
                day = _rand_date(rng, APPROVALS_LIVE, HORIZON - timedelta(days=30))
            else:
                day = _rand_date(rng, HORIZON - timedelta(days=20), HORIZON - timedelta(days=3))
            created = _dt(day, rng)
            plan = rng.choice(live) if app_kind != "establish" and live else None
            proposed: dict = {}
            if plan is None:
                app_kind = "establish"
                proposed, _t, _d = self._new_state(info, used, day + timedelta(days=30))
                lead_id = proposed["lead_department"]["id"]
                personnel = bool(proposed["leaders"])
            else:
                current = plan.state_at(HORIZON)
                lead_id = current["lead_department"]["id"]
                personnel = False
                if app_kind == "rename":
                    changes = self._rename(info, plan, current, used)
                    proposed = {**current, **changes} if changes else {**current, "duties": current["duties"]}
                    app_kind = "rename" if changes else "adjust"
                elif app_kind == "reaffiliate":
                    lead = info.dept(rng.choice(DOMAINS[plan.domain][1]))
                    proposed = {**current, "lead_department": st.dept_ref(lead), "office_department": st.dept_ref(lead)}
                elif app_kind == "adjust":
                    proposed = {**current, "duties": self._duties(info, plan.topic, plan.domain,
                                                                  current["task_scope"], current["sequence"])}
            self._application(self.ids("application"), info, app_kind, plan, proposed, created, users, clerks,
                              lead_id=lead_id, personnel=personnel, status=status)

    def _application(self, app_id: int, info: _RegionInfo, kind: str, plan: _Plan | None, proposed: dict,
                     created: datetime, users: dict, clerks: dict, *, lead_id: int, personnel: bool, status: str,
                     publish_on: date | None = None, document: Document | None = None,
                     ledger_event: LedgerEvent | None = None) -> None:
        subject = proposed.get("name") or (plan.name_at(HORIZON) if plan else "")
        label = {"establish": "设立", "adjust": "调整", "rename": "更名", "abolish": "撤销", "reaffiliate": "改变隶属关系",
                 "downgrade": "降格"}[kind]
        dept = next(d for d in info.dept_list if d.pk == lead_id)
        title = f"关于{label}{subject}的申请"[:200]
        flow = self._flow(app_id, status, created, users, clerks["clerk"], personnel=personnel, proposed=proposed,
                          title=title, publish_on=publish_on)
        app = Application(
            id=app_id, region=info.region, department=dept, kind=kind,
            body_id=plan.id if plan is not None and kind != "establish" else None, title=title,
            reasons="落实上级部署，工作涉及多个部门，需要领导经常协调；已征求成员单位意见。", proposed=proposed,
            involves_personnel=personnel, drafted_by=clerks["clerk"], created_at=created,
            document=document, ledger_event=ledger_event,
            result_body_id=plan.id if ledger_event is not None and plan is not None else None, **flow,
        )
        self.writer.add(app)
        self.stats.applications += 1

    def _flow(self, app_id: int, status: str, created: datetime, users: dict, clerk, *, personnel: bool,
              proposed: dict, title: str, publish_on: date | None = None) -> dict:
        """The reviews and trail of an application up to `status`, each step a plausible while after the last.

        Returns the application's own columns for that status (status, round, times, last reason).
        """
        rng = self.rng
        logs: list[tuple[datetime, Any, str, str, str, str]] = []
        reviews: list[Review] = []

        def review(step: str, started: datetime, decided: datetime | None = None, decision: str = "",
                   reviewer=None, opinion: str = "", cancelled: bool = False, **extra) -> None:
            reviews.append(Review(application_id=app_id, step=step, round=1, started_at=started,
                                  decided_at=decided, decision=decision, opinion=opinion,
                                  reviewer=reviewer if decided else None, cancelled=cancelled, created_at=started,
                                  updated_at=decided or started, **extra))

        def finish(to: str, changed: datetime, **more) -> dict:
            for r in reviews:
                self.writer.add(r)
            self.stats.reviews += len(reviews)
            for at, actor, action, a, b, reason in logs:
                self.writer.add(ApplicationLog(application_id=app_id, at=at, actor=actor, action=action,
                                               from_status=a, to_status=b, reason=reason))
            return {"status": to, "status_changed_at": changed, "updated_at": changed, "round": 1,
                    "submitted_at": submitted, **more}

        if status == "draft":
            return {"status": "draft", "status_changed_at": created, "updated_at": created, "round": 0}
        submitted = created + timedelta(hours=rng.randint(1, 30))
        logs.append((submitted, users["hr"], "提交", "draft", "submitted", ""))
        if status == "withdrawn":
            end = submitted + timedelta(hours=rng.randint(2, 48))
            review("acceptance", submitted, cancelled=True)
            logs.append((end, clerk, "撤回", "submitted", "withdrawn", "拟与其他部门进一步协商后再报。"))
            return finish("withdrawn", end)
        if status == "submitted":
            review("acceptance", submitted)
            return finish("submitted", submitted)
        accepted = submitted + timedelta(hours=rng.randint(2, 30))
        review("acceptance", submitted, accepted, "approve", users["liangban"], "材料齐全，予以受理。")
        logs.append((accepted, users["liangban"], "受理", "submitted", "in_review", ""))
        if status == "in_review":
            review("establishment", accepted)
            if personnel:
                review("personnel", accepted)
            return finish("in_review", accepted)
        opinion_at = accepted + timedelta(hours=rng.randint(1, 8))
        checklist = {k: {"holds": v, "note": ""} for k, v in (
            ("cond_upper", True), ("cond_cross", True), ("cond_major", False), ("proh_duties", False),
            ("proh_mechanism", False), ("proh_similar", False), ("rule_office", True), ("rule_seal", True),
            ("rule_leaders", True), ("rule_temporary", True))}
        if status in ("returned", "refused"):
            if status == "refused":
                checklist["proh_similar"] = {"holds": True, "note": "与现有机构职责相近"}
                text = "与已设立的议事协调机构职责相同或相近，不予同意。（不符合：与已设立的议事协调机构职责相同或相近）"
                decision, action = "refuse", "编办审核不予同意"
            else:
                text = "请补充说明设立必要性，并与现有相近机构的职责作出区分。"
                decision, action = "return", "编办审核退回修改"
            review("establishment", accepted, opinion_at, decision, users["bianban"], text, checklist=checklist)
            if personnel:
                review("personnel", accepted, cancelled=True)
            logs.append((opinion_at, users["bianban"], action, "in_review", status, text))
            return finish(status, opinion_at, last_reason=f"编办审核：{text}")
        review("establishment", accepted, opinion_at, "approve", users["bianban"], "符合设立条件。", checklist=checklist)
        done = opinion_at
        if personnel:
            org_at = accepted + timedelta(hours=rng.randint(4, 60))
            review("personnel", accepted, org_at, "approve", users["zuzhibu"], "领导职务符合规定。")
            done = max(done, org_at)
        logs.append((done, users["bianban"], "审核通过", "in_review", "reviewed", ""))
        if status == "reviewed":
            review("deliberation", done)
            return finish("reviewed", done)
        meeting_day = (done + timedelta(days=rng.randint(5, 20))).date()
        if publish_on is not None:
            meeting_day = min(meeting_day, publish_on - timedelta(days=2))
        met = max(_dt(meeting_day, rng, (15, 17)), done + timedelta(hours=1))
        meeting = "party" if proposed.get("sequence") == "party" else "government"
        details = {"meeting": meeting, "meeting_label": "市委常委会会议" if meeting == "party" else "市政府常务会议",
                   "held_on": met.date().isoformat(), "session": f"第{rng.randint(30, 140)}次", "agenda_item": title}
        review("deliberation", done, met, "approve", users["liangban"], details=details)
        logs.append((met, users["liangban"], "会议研究同意", "reviewed", "decided", ""))
        if status == "decided":
            review("publication", met)
            return finish("decided", met)
        published = max(_dt(publish_on or (met.date() + timedelta(days=3)), rng), met + timedelta(hours=1))
        review("publication", met, published, "approve", users["liangban"])
        logs.append((published, users["liangban"], "发文公布", "decided", "published", ""))
        return finish("published", published, published_at=published)

    def _rename(self, info: _RegionInfo, plan: _Plan, current: dict, used: set[str]) -> dict:
        """A new name for the body (another form, or with 工作), never used before in the region."""
        rng = self.rng
        for variant in rng.sample(range(4), 4):
            form = current["form"]
            if current["category"] in LED_BY_POSTS and rng.random() < 0.5:
                form = "委员会" if form != "委员会" else "领导小组"
            name = self._name(info, plan.topic, current["category"], form, variant)
            if name not in used and name != current["name"]:
                used.add(name)
                changes: dict = {"name": name}
                if form != current["form"]:
                    changes["form"] = form
                if current.get("short_name"):
                    changes["short_name"] = ""
                return changes
        return {}

    # ---------------------------------------------------------------- driving

    def _fill_region(self, info: _RegionInfo, n_bodies: int, city_users: dict, clerks: dict, *, busy: int,
                     n_apps: int) -> None:
        used: set[str] = set()
        plans = self._plan_bodies(info, n_bodies, used)
        published = self._sources(info, plans)
        docs = self._documents(info, plans)
        event_rows = self._write_bodies(info, plans, docs)
        self._applications(info, plans, used, published, event_rows, docs, city_users, clerks, busy, n_apps)

    def run(self) -> Stats:
        started = time.perf_counter()
        sc = self.scale
        rng = self.rng
        self._check_empty()
        models = (Region, Department, Post, PostHolding, Document, Body, LedgerEvent, Application, Review,
                  RoleAssignment)
        with _explicit_timestamps(models):
            with transaction.atomic():
                self._user("bench_admin", "系统管理员（基准测试）", superuser=True)
                self.writer.flush()
            # The plan of regions first (cheap), so that progress can say "3/16".
            layout = []
            for p in range(sc.provinces):
                prefix = PROVINCE_PREFIXES[p]
                n_cities = rng.randint(*sc.cities_per_province)
                layout.append((prefix, [rng.randint(*sc.counties_per_city) for _ in range(n_cities)]))
            total_cities = sum(len(c) for _p, c in layout)
            total_counties = sum(sum(c) for _p, c in layout)
            done_cities = done_counties = 0
            for prefix, cities in layout:
                with transaction.atomic():
                    province = self._region(f"{prefix}0000", self._stem() + "省", "province", None)
                    self.writer.flush()
                for ci, n_counties in enumerate(cities, 1):
                    with transaction.atomic():
                        self._city(province, prefix, ci, n_counties, bench=self.bench_city is None)
                        self.writer.flush()
                    done_cities += 1
                    done_counties += n_counties
                    self.log(f"已生成 城市 {done_cities}/{total_cities}（区县 {done_counties}/{total_counties}，"
                             f"机构 {self.stats.bodies:,} 个，事项 {self.stats.events:,} 项，"
                             f"用时 {time.perf_counter() - started:.1f} 秒）")
            self._reset_sequences()
            self._analyze()
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _city(self, province: Region, prefix: str, ci: int, n_counties: int, *, bench: bool) -> None:
        rng = self.rng
        sc = self.scale
        stem = self._stem()
        city = self._region(f"{prefix}{ci:02d}00", stem + "市", "city", province)
        info = self._region_info(city, stem, "市", True)
        if bench:
            self.bench_city = info
        city_users = self._city_users(info, bench)
        clerks = self._clerks(info, bench)
        reviewers = {**city_users, "hr": clerks["hr"]}
        self._fill_region(info, rng.randint(*sc.bodies_city), reviewers, clerks, busy=sc.busy_city if bench else 0,
                          n_apps=sc.apps_city)
        n_districts = min(n_counties, rng.randint(1, 4))
        n_cities = min(n_counties - n_districts, rng.randint(0, 3))
        suffixes = ["区"] * n_districts + ["市"] * n_cities + ["县"] * (n_counties - n_districts - n_cities)
        serial = {"区": 2, "县": 21, "市": 81}
        for suffix in suffixes:
            code = f"{prefix}{ci:02d}{serial[suffix]:02d}"
            serial[suffix] += 1
            cstem = self._stem()
            county = self._region(code, cstem + suffix, "county", city)
            cinfo = self._region_info(county, cstem, suffix, False)
            cclerks = self._clerks(cinfo, False)
            self._fill_region(cinfo, rng.randint(*sc.bodies_county), {**city_users, "hr": cclerks["hr"]}, cclerks,
                              busy=sc.busy_county if bench else 0, n_apps=sc.apps_county)

    def _check_empty(self) -> None:
        User = get_user_model()
        counts = {"区划": Region.objects.count(), "机构": Body.objects.count(), "文件": Document.objects.count(),
                  "申请": Application.objects.count(), "用户": User.objects.count()}
        found = "、".join(f"{k} {v} 个" for k, v in counts.items() if v)
        if found:
            raise GenerateError(f"数据库不是空的（已有{found}）：generate 只能填充空数据库。"
                                "请新建一个数据库（或删除现有数据库文件），运行 yixie migrate 后再生成。")

    def _analyze(self) -> None:
        """Planner statistics for the freshly loaded tables (PostgreSQL). Autovacuum would gather them a
        while after a bulk load, but it may be off (it is on the test servers here), and without them the
        planner guesses one row where there are hundreds and picks nested loops."""
        if connection.vendor == "postgresql":
            self.log("正在更新统计信息（ANALYZE）…")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _reset_sequences(self) -> None:
        User = get_user_model()
        models = [Region, User, Department, Post, PostHolding, Document, Body, LedgerEvent, LeaderSeat, Membership,
                  RoleAssignment, Application, Review, ApplicationLog]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class GenerateError(Exception):
    """The database cannot be filled (it is not empty); `message` is Chinese."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def generate(scale: str, seed: int = 2026, log: Callable[[str], None] = print) -> Stats:
    """Fill an empty database with a synthetic `scale` (tiny | city | province | nation), reproducibly."""
    return Generator(scale, seed, log).run()
