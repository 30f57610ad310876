"""The regulations library (制度文件库, docs/decisions/0026): the regulations as versioned documents split into
articles, the writes on them, what may be read and cited by whom, and the citations registry.

The policy values cite articles (`PolicyValue.article`; a national default by `cite`, "<code>#<number>"); a
capability registers the articles behind its own items (the approval checklist) with `register_citations`
from its `AppConfig.ready()`, so an article's page lists them without the ledger importing the capability.

Article texts written for the demo or a trial are marked 示例条文 (`is_sample`): never shown as the real text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet

from yixie.core import audit
from yixie.core.audit import snapshot
from yixie.core.errors import DomainError
from yixie.org.models import Region
from yixie.org.scopes import regions_visible_to

from .choices import RegulationKind
from .models import Article, PolicyValue, Regulation, RegulationVersion
from .policy import NATIONAL_DEFAULTS, POLICY_LABELS, Policy, split_cite

#: The note shown beside an article of a superseded version.
SUPERSEDED_NOTE = "该条款所在版本已被修订"
#: The note a version of example texts carries by default.
SAMPLE_NOTE = "条文为示例，待录入正式文本"


class RegulationError(DomainError):
    """A write on the regulations library refused; `message` is Chinese and says what and where."""


# ---------------------------------------------------------------- parsing a version's text

#: An article begins a line: 第十条, 第10条, 第一百零二条 (then optional 【条旨】 or （条旨）).
ARTICLE_START = re.compile(r"^\s*(第[零〇一二三四五六七八九十百千两0-9]+条)\s*(?:[【（(]([^】）)]{1,60})[】）)])?\s*(.*)$")


@dataclass(frozen=True)
class ParsedArticle:
    number: str
    heading: str
    text: str


def parse_articles(text: str) -> list[ParsedArticle]:
    """A version's text as articles: each begins a line with 第X条; the lines that follow (a paragraph of
    the same article) belong to it. Refused when empty, when text stands before the first article, when an
    article has no words, or when a number repeats; the message names the line."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise RegulationError("请填写条文：每条一段，以“第X条”开头，例如“第一条 为了……，制定本办法。”", "text")
    articles: list[dict] = []
    seen: dict[str, int] = {}
    for no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        m = ARTICLE_START.match(line)
        if m:
            number = m.group(1)
            if number in seen:
                raise RegulationError(f"第{no}行：“{number}”与第{seen[number]}行重复，每条只能出现一次。", "text")
            seen[number] = no
            articles.append({"number": number, "heading": (m.group(2) or "").strip(), "lines": [m.group(3).strip()],
                             "line": no})
        elif not articles:
            raise RegulationError(f"第{no}行“{line[:20]}”不是以“第X条”开头，无法识别为条款；每条须另起一段，"
                                  "以“第X条”开头。", "text")
        else:
            articles[-1]["lines"].append(line)
    parsed = []
    for a in articles:
        body = "\n".join(part for part in a["lines"] if part)
        if not body:
            raise RegulationError(f"第{a['line']}行“{a['number']}”没有条文内容。", "text")
        parsed.append(ParsedArticle(a["number"], a["heading"][:100], body))
    return parsed


# ---------------------------------------------------------------- who may read, manage and cite

def _with_ancestors(region_ids) -> set[int]:
    """The regions and every region above them (the tree is shallow)."""
    result = set(region_ids)
    frontier = set(region_ids)
    while frontier:
        parents = set(Region.objects.filter(pk__in=frontier, parent__isnull=False)
                      .values_list("parent_id", flat=True)) - result
        result |= parents
        frontier = parents
    return result


def region_chain(region: Region | None) -> list[int]:
    """The region and its ancestors' ids, nearest first."""
    chain = []
    r = region
    while r is not None:
        chain.append(r.pk)
        r = r.parent
    return chain


def readable_region_ids(user) -> set[int] | None:
    """The regions whose regulations the user reads (None: every region, the superuser's): those of the
    user's scope for `ledger.view` and the regions above them. National ones everyone reads."""
    if getattr(user, "is_superuser", False):
        return None
    return _with_ancestors(regions_visible_to(user, "ledger.view").values_list("pk", flat=True))


def regulations_visible_to(user) -> QuerySet:
    ids = readable_region_ids(user)
    qs = Regulation.objects.all()
    if ids is not None:
        qs = qs.filter(Q(region__isnull=True) | Q(region_id__in=ids))
    return qs


def articles_visible_to(user) -> QuerySet:
    ids = readable_region_ids(user)
    qs = Article.objects.all()
    if ids is not None:
        qs = qs.filter(Q(version__regulation__region__isnull=True) | Q(version__regulation__region_id__in=ids))
    return qs


def regions_managed_by(user) -> QuerySet:
    """The regions whose regulations the user adds and revises (编办: its region and those below)."""
    return regions_visible_to(user, "regulation.edit").exclude(level="township").order_by("code")


def may_manage(user, regulation: Regulation) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if regulation.region_id is None:
        return False
    return regions_managed_by(user).filter(pk=regulation.region_id).exists()


def citable_articles(region: Region | None) -> QuerySet:
    """The articles a value of `region` may cite: national ones and those of the region or a region above
    it, in a version in force."""
    chain = region_chain(region)
    return (Article.objects.filter(version__superseded_on__isnull=True)
            .filter(Q(version__regulation__region__isnull=True) | Q(version__regulation__region_id__in=chain))
            .select_related("version__regulation")
            .order_by("version__regulation__region_id", "version__regulation__order", "version__regulation_id",
                      "ordinal"))


def home_region(user, fallback: Region | None = None) -> Region | None:
    """The region whose rules a user reads as "theirs" (the first of their roles' regions, or their
    department's); the superuser has none (the fallback)."""
    from yixie.core.access import user_roles

    for a in user_roles(user):
        if a.region_id:
            return a.region
        if a.department_id:
            return Region.objects.get(pk=a.department.region_id)
    return fallback


# ---------------------------------------------------------------- writes

def _regulation_code(region: Region | None) -> str:
    prefix = region.code if region is not None else "cn"
    n = Regulation.objects.filter(code__startswith=f"{prefix}-").count() + 1
    while Regulation.objects.filter(code=f"{prefix}-{n}").exists():
        n += 1
    return f"{prefix}-{n}"


def regulation_create(*, actor, region: Region | None, title: str, issuer: str = "",
                      kind: str = RegulationKind.MEASURES, code: str = "", order: int = 100) -> Regulation:
    """编办 adds one of its region's regulations to the library (the set-up superuser a national one, with
    `region=None`); its text comes as a version (`version_add`). Audited."""
    title = (title or "").strip().strip("《》")
    if not title:
        raise RegulationError("请填写制度文件名称（不含书名号）。", "title")
    if kind not in RegulationKind.values:
        raise RegulationError("请选择制度文件类别。", "kind")
    if actor is not None and not getattr(actor, "is_superuser", False):
        if region is None:
            raise RegulationError("全国通用的制度文件由系统管理员录入；请选择本地区划。", "region")
        if not regions_managed_by(actor).filter(pk=region.pk).exists():
            raise RegulationError(f"您不能为{region.name}录入制度文件。", "region")
    code = (code or "").strip()
    if code:
        if not re.fullmatch(r"[A-Za-z0-9_-]{2,40}", code):
            raise RegulationError("引用代码只能由字母、数字、连字符组成（2至40个字符），例如 wf-ysxt。", "code")
        if Regulation.objects.filter(code=code).exists():
            raise RegulationError(f"引用代码“{code}”已被其他制度文件使用。", "code")
    if Regulation.objects.filter(region=region, title=title).exists():
        where = region.name if region is not None else "全国"
        raise RegulationError(f"{where}已有制度文件《{title}》；修订请在该文件下增加新版本。", "title")
    with transaction.atomic():
        reg = Regulation.objects.create(region=region, code=code or _regulation_code(region), title=title,
                                        issuer=(issuer or "").strip()[:100], kind=kind, order=order)
        audit.record(actor=actor, action="录入制度文件", target=reg, after=snapshot(reg))
    return reg


def version_add(*, actor, regulation: Regulation, label: str, issued_on: date, text: str, number: str = "",
                effective_on: date | None = None, is_sample: bool = False, note: str = "") -> RegulationVersion:
    """A version of a regulation with its articles (the text, one article a paragraph starting with 第X条).
    It supersedes the version in force (which is kept, `superseded_on` set to the new one's effective date):
    what cited the old articles still shows them, noted as revised. Audited."""
    label = (label or "").strip()
    if not label:
        raise RegulationError("请填写版本，例如“2025年版”。", "label")
    if issued_on is None:
        raise RegulationError("请填写印发日期。", "issued_on")
    if effective_on is not None and effective_on < issued_on:
        raise RegulationError("施行日期不能早于印发日期。", "effective_on")
    articles = parse_articles(text)
    if actor is not None and not may_manage(actor, regulation):
        raise RegulationError(f"您不能修订{regulation}。")
    note = (note or "").strip() or (SAMPLE_NOTE if is_sample else "")
    with transaction.atomic():
        Regulation.objects.select_for_update().get(pk=regulation.pk)
        if regulation.versions.filter(label=label).exists():
            raise RegulationError(f"{regulation}已有“{label}”版本，请换一个版本名称。", "label")
        starts = effective_on or issued_on
        for old in regulation.versions.select_for_update().filter(superseded_on__isnull=True):
            before = snapshot(old)
            old.superseded_on = starts
            old.save(update_fields=["superseded_on", "updated_at"])
            audit.record(actor=actor, action="制度文件版本被修订", target=old, before=before, after=snapshot(old),
                         reason=f"新版本“{label}”施行")
        version = RegulationVersion.objects.create(
            regulation=regulation, label=label[:60], number=(number or "").strip()[:60], issued_on=issued_on,
            effective_on=effective_on, is_sample=is_sample, note=note[:300])
        Article.objects.bulk_create([Article(version=version, number=a.number, ordinal=i, heading=a.heading,
                                             text=a.text, is_sample=is_sample)
                                     for i, a in enumerate(articles, start=1)])
        audit.record(actor=actor, action="录入制度文件版本", target=version, after={
            **snapshot(version), "条款": [a.number for a in articles]})
    return version


def version_mark_sample(*, actor, version: RegulationVersion, is_sample: bool = True) -> RegulationVersion:
    """Mark (or unmark) a version's texts as 示例条文, with all its articles. Audited."""
    if actor is not None and not may_manage(actor, version.regulation):
        raise RegulationError(f"您不能修改{version.regulation}。")
    with transaction.atomic():
        version = RegulationVersion.objects.select_for_update().get(pk=version.pk)
        before = snapshot(version)
        version.is_sample = is_sample
        if is_sample and not version.note:
            version.note = SAMPLE_NOTE
        version.save(update_fields=["is_sample", "note", "updated_at"])
        version.articles.update(is_sample=is_sample)
        audit.record(actor=actor, action="标记示例条文" if is_sample else "取消示例条文标记", target=version,
                     before=before, after=snapshot(version))
    return version


# ---------------------------------------------------------------- citations of capabilities' items

#: group label -> {item key: (label, cite)}; filled by capabilities from their `ready()`.
_CITATIONS: dict[str, dict[str, tuple[str, str]]] = {}


def register_citations(group_label: str, items: dict[str, tuple[str, str]]) -> None:
    """A capability registers the articles behind its items: `{item_key: (label, "<code>#<number>")}`.
    Registering the same again is harmless (apps may be readied again in tests)."""
    _CITATIONS.setdefault(group_label, {}).update(items)


def registered_citations() -> dict[str, dict[str, tuple[str, str]]]:
    return {g: dict(items) for g, items in _CITATIONS.items()}


def citation_articles(group_label: str) -> dict[str, int]:
    """{item key: article id} of a registered group, resolved among the versions in force (one query)."""
    from .policy import resolve_cites

    items = _CITATIONS.get(group_label, {})
    cited = resolve_cites(cite for _label, cite in items.values())
    return {key: cited[cite] for key, (_label, cite) in items.items() if cite in cited}


def _cites(article: Article) -> str:
    return f"{article.version.regulation.code}#{article.number}"


def _names(article: Article, cite: str) -> bool:
    """Whether `cite` names this article: its regulation's code and its number (a superseded article is
    named by the version in force, not by itself)."""
    return article.version.in_force and split_cite(cite) == split_cite(_cites(article))


def items_citing(article: Article) -> list[dict]:
    """The registered items citing the article: [{"group", "key", "label"}]."""
    return [{"group": group, "key": key, "label": label}
            for group, items in _CITATIONS.items() for key, (label, cite) in items.items() if _names(article, cite)]


def rules_citing(article: Article, region: Region | None) -> list[dict]:
    """The policy keys whose value in force for `region` cites the article, with the value and where it
    comes from; and, when `region` is not national, the national defaults that cite it (shown as such)."""
    policy = Policy.for_region(region)
    rows = []
    for key in NATIONAL_DEFAULTS:
        rv = policy[key]
        if rv.article_id == article.pk:
            rows.append({"key": key, "label": POLICY_LABELS.get(key, key), "value": shown(rv.value),
                         "origin": origin_label(rv.region_id, region), "severity": rv.severity})
    return rows


def shown(value) -> str:
    """A rule's value as a clerk reads it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "未设"
    return str(value)


def origin_label(value_region_id: int | None, region: Region | None) -> str:
    """Where a value in force for `region` comes from: 全国默认, the region itself (本级), or the region above."""
    if value_region_id is None:
        return "全国默认"
    if region is not None and value_region_id == region.pk:
        return "本级调整"
    r = region.parent if region is not None else None
    while r is not None:
        if r.pk == value_region_id:
            return f"沿用{r.name}"
        r = r.parent
    return "上级"


def article_url(article_id: int) -> str:
    from django.urls import reverse

    return reverse("ledger:article_detail", args=[article_id])


def finding_html(f) -> str:
    """A finding as a clerk reads it on a form or in a message: the message and its source, the source a
    link to the article when the rule cites one (safe HTML)."""
    from django.utils.html import format_html

    if f.source and f.source in f.message:
        return format_html("{}", f.message)
    if f.article_id:
        return format_html('{}（依据：<a href="{}">{}</a>）', f.message, article_url(f.article_id), f.source)
    return format_html("{}（依据：{}）", f.message, f.source)


def policy_rows_without_article() -> QuerySet:
    return PolicyValue.objects.filter(article__isnull=True)
