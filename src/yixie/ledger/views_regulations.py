"""制度文件库: the regulations behind the rules, their versions and articles (docs/decisions/0026).

Everyone who reads the ledger reads the national regulations and those of their regions and the regions
above; 编办 adds its region's regulations and their versions."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from yixie.core.access import requires, user_can
from yixie.core.forms import BootstrapFormMixin, LenientDateField

from . import regulations as regs
from .choices import RegulationKind
from .models import Article, PolicyValue, RegulationVersion
from .policy import NATIONAL_DEFAULTS, POLICY_LABELS


@requires("ledger.view")
@require_GET
def regulation_list(request):
    rows = list(regs.regulations_visible_to(request.user).select_related("region")
                .annotate(n_versions=Count("versions", distinct=True))
                .order_by("region__code", "order", "id"))
    in_force = {v.regulation_id: v for v in RegulationVersion.objects.filter(
        regulation__in=[r.pk for r in rows], superseded_on__isnull=True).annotate(n_articles=Count("articles"))}
    for r in rows:
        r.current = in_force.get(r.pk)
    return render(request, "ledger/regulation_list.html", {
        "national": [r for r in rows if r.region_id is None], "local": [r for r in rows if r.region_id is not None],
        "can_add": user_can(request.user, "regulation.edit")})


@requires("ledger.view")
@require_GET
def regulation_detail(request, pk: int):
    reg = get_object_or_404(regs.regulations_visible_to(request.user).select_related("region"), pk=pk)
    versions = list(reg.versions.annotate(n_articles=Count("articles")).order_by("-issued_on", "-id"))
    chosen = None
    wanted = request.GET.get("version", "")
    if wanted:
        chosen = next((v for v in versions if str(v.pk) == wanted), None)
    chosen = chosen or next((v for v in versions if v.in_force), versions[0] if versions else None)
    articles = list(chosen.articles.annotate(n_rows=Count("policy_values", filter=Q(policy_values__region__isnull=False)))
                    .order_by("ordinal")) if chosen else []
    # The rules citing each article: the national defaults by their cite (in force only), the regions' rows.
    national = Counter(v.get("cite", "") for v in NATIONAL_DEFAULTS.values())
    for a in articles:
        a.n_rules = a.n_rows + (national.get(f"{reg.code}#{a.number}", 0) if chosen.in_force else 0)
    return render(request, "ledger/regulation_detail.html", {
        "reg": reg, "versions": versions, "chosen": chosen, "articles": articles,
        "can_manage": user_can(request.user, "regulation.edit") and regs.may_manage(request.user, reg)})


@requires("ledger.view")
@require_GET
def article_detail(request, pk: int):
    article = get_object_or_404(regs.articles_visible_to(request.user).select_related(
        "version__regulation__region"), pk=pk)
    reg = article.version.regulation
    region = regs.home_region(request.user, fallback=reg.region)
    rules = regs.rules_citing(article, region)
    # Every region's own value citing it, where the user reads it (the rules page's region choice).
    readable = regs.readable_region_ids(request.user)
    rows = PolicyValue.objects.filter(article=article, region__isnull=False).select_related("region")
    if region is not None:
        rows = rows.exclude(region=region)
    if readable is not None:
        rows = rows.filter(region_id__in=readable)
    newer = None
    if not article.version.in_force:
        newer = (Article.objects.filter(version__regulation=reg, version__superseded_on__isnull=True,
                                        number=article.number).select_related("version").first())
    return render(request, "ledger/article_detail.html", {
        "article": article, "reg": reg, "version": article.version, "region": region, "rules": rules,
        "region_rows": [{"row": r, "value": regs.shown(r.value), "label": POLICY_LABELS.get(r.key, r.key)} for r in rows.order_by("region__code", "key")],
        "items": regs.items_citing(article), "newer": newer, "superseded_note": regs.SUPERSEDED_NOTE})


class RegulationForm(BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label="制定区划", queryset=None, required=False, empty_label="全国通用",
                                    error_messages={"invalid_choice": "所选区划不在您的管辖范围内。"})
    title = forms.CharField(label="名称", max_length=200, help_text="不含书名号，例如：潍坊市议事协调机构管理办法",
                            error_messages={"required": "请填写制度文件名称（不含书名号）。"})
    issuer = forms.CharField(label="制定机关", max_length=100, required=False,
                             help_text="例如：中共潍坊市委办公室、潍坊市人民政府办公室")
    kind = forms.ChoiceField(label="类别", choices=RegulationKind.choices, initial=RegulationKind.MEASURES)
    code = forms.CharField(label="引用代码", max_length=40, required=False,
                           help_text="可不填，系统自动生成；只能由字母、数字、连字符组成。")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regs.regions_managed_by(user)
        if not getattr(user, "is_superuser", False):
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
            self.fields["region"].error_messages["required"] = "请选择制定区划。"
        self._style()


@requires("regulation.edit")
@require_http_methods(["GET", "POST"])
def regulation_create(request):
    form = RegulationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            reg = regs.regulation_create(actor=request.user, region=c["region"], title=c["title"],
                                         issuer=c["issuer"], kind=c["kind"], code=c["code"])
        except regs.RegulationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已录入{reg}，请录入其条文（新增版本）。")
            return redirect("ledger:version_create", pk=reg.pk)
    return render(request, "ledger/regulation_form.html", {"form": form, "title": "录入制度文件",
                                                       "cancel_url": reverse("ledger:regulation_list")})


class VersionForm(BootstrapFormMixin, forms.Form):
    label = forms.CharField(label="版本", max_length=60, help_text="例如：2025年版、2026年修订",
                            error_messages={"required": "请填写版本，例如“2025年版”。"})
    number = forms.CharField(label="文号", max_length=60, required=False, help_text="例如：潍办发〔2025〕3号")
    issued_on = LenientDateField(label="印发日期", error_messages={"required": "请填写印发日期。"})
    effective_on = LenientDateField(label="施行日期", required=False, help_text="不填视为印发之日起施行")
    text = forms.CharField(
        label="条文", widget=forms.Textarea(attrs={"rows": 14}),
        help_text="每条另起一段，以“第X条”开头；条旨可写在条号后的括号里，例如：第五条（工作规则）议事协调机构设立后……",
        error_messages={"required": "请填写条文：每条一段，以“第X条”开头，例如“第一条 为了……，制定本办法。”"})
    is_sample = forms.BooleanField(label="示例条文（不是正式文本）", required=False,
                                   help_text="手头没有正式文本、先按规则概括录入的，请勾选；页面上将标明“示例条文”。")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


def _managed(request, pk: int):
    reg = get_object_or_404(regs.regulations_visible_to(request.user).select_related("region"), pk=pk)
    if not regs.may_manage(request.user, reg):
        raise Http404("您不能修订该制度文件。")
    return reg


@requires("regulation.edit")
@require_http_methods(["GET", "POST"])
def version_create(request, pk: int):
    reg = _managed(request, pk)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            version = regs.version_add(actor=request.user, regulation=reg, label=c["label"], number=c["number"],
                                       issued_on=c["issued_on"], effective_on=c["effective_on"], text=c["text"],
                                       is_sample=c["is_sample"], note=c["note"])
        except regs.RegulationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已录入{reg}“{version.label}”，共{version.articles.count()}条。")
            return redirect(f"{reverse('ledger:regulation_detail', args=[reg.pk])}?version={version.pk}")
    return render(request, "ledger/regulation_form.html", {
        "form": form, "title": f"新增版本：{reg}", "cancel_url": reverse("ledger:regulation_detail", args=[reg.pk]),
        "intro": "保存后，新版本即为现行版本，原现行版本标记为“已修订”并保留；引用原条款的规则仍显示原条款，并注明已修订。"})


@requires("regulation.edit")
@require_http_methods(["POST"])
def version_mark_sample(request, pk: int, version_pk: int):
    reg = _managed(request, pk)
    version = get_object_or_404(reg.versions, pk=version_pk)
    is_sample = request.POST.get("is_sample", "1") == "1"
    try:
        regs.version_mark_sample(actor=request.user, version=version, is_sample=is_sample)
    except regs.RegulationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'标记' if is_sample else '取消标记'}“{version.label}”为示例条文。")
    return redirect(f"{reverse('ledger:regulation_detail', args=[reg.pk])}?version={version.pk}")
