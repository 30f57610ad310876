"""管理规则: 编办 sets its region's rule values (caps, time limits; docs/decisions/0004, 0021). Business rule
values are 编办's, not the system administrators': the admin site shows them to the set-up superuser only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from yixie.core.access import requires
from yixie.core.forms import BootstrapFormMixin
from yixie.org.scopes import regions_visible_to

from . import regulations, services
from .choices import Severity
from .models import Article
from .policy import (
    NATIONAL_DEFAULTS,
    ONE_OUT_ONE_IN_KEY,
    POLICY_LABELS,
    QUOTA_INSTITUTIONS_KEY,
    Policy,
    quota_status,
)
from .regulations import shown


def _regions(user):
    return regions_visible_to(user, "policy.edit").exclude(level="township").order_by("code")


@requires("policy.edit")
@require_GET
def rule_list(request):
    regions = list(_regions(request.user))
    if not regions:
        raise Http404("没有可调整管理规则的区划。")
    region = regions[0]
    wanted = request.GET.get("region", "")
    if wanted:
        region = next((r for r in regions if str(r.pk) == wanted), None)
        if region is None:
            raise Http404("该区划不在您的管辖范围内。")
    policy = Policy.for_region(region)
    articles = _articles({policy[k].article_id for k in NATIONAL_DEFAULTS})
    rows = [{"key": k, "label": POLICY_LABELS.get(k, k), "value": shown(policy[k].value),
             "severity": Severity(policy[k].severity).label, "source": policy[k].source,
             "own": policy[k].region_id == region.pk, "origin": regulations.origin_label(policy[k].region_id, region),
             "article": articles.get(policy[k].article_id),
             "note": _note(policy[k].source, articles.get(policy[k].article_id)),
             "national": shown(NATIONAL_DEFAULTS[k]["value"]),
             "url": reverse("ledger:rule_edit", args=[region.pk, k])} for k in NATIONAL_DEFAULTS]
    # Total-number control beside the values: each cap with the bodies in force today and the room left.
    quota = quota_status(region, policy=policy)
    return render(request, "ledger/rules.html", {"regions": regions, "region": region, "rows": rows,
                                                 "quota": quota, "one_out_one_in": policy[ONE_OUT_ONE_IN_KEY],
                                                 "quota_rows": [{"line": line, "article": articles.get(line.article_id), "url": reverse(
                                                     "ledger:rule_edit", args=[region.pk, line.key])}
                                                     for line in quota.lines],
                                                 "institutions_url": reverse(
                                                     "ledger:rule_edit", args=[region.pk, QUOTA_INSTITUTIONS_KEY]),
                                                 "one_out_one_in_url": reverse(
                                                     "ledger:rule_edit", args=[region.pk, ONE_OUT_ONE_IN_KEY])})


def _articles(ids) -> dict[int, Article]:
    """The articles of these ids, with their regulation, in one query."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {a.pk: a for a in Article.objects.filter(pk__in=ids).select_related("version__regulation")}


def _note(source: str, article: Article | None) -> str:
    """What a value's source says beyond the article's citation (the note typed with it, or an older text)."""
    if article is None:
        return source
    citation = article.citation
    if source == citation:
        return ""
    return source[len(citation) + 1:] if source.startswith(citation + "：") else source


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Article) -> str:
        sample = "（示例条文）" if obj.is_sample else ""
        heading = f" {obj.heading}" if obj.heading else ""
        return f"{obj.citation}{heading}{sample}"


class RuleForm(BootstrapFormMixin, forms.Form):
    value = forms.CharField(label="取值", required=False, max_length=40)
    severity = forms.ChoiceField(label="处理方式", choices=Severity.choices,
                                 help_text="不予通过：违反时不能保存；提示：显示提醒，仍可保存。")
    article = ArticleChoiceField(
        label="依据条款", queryset=Article.objects.none(), empty_label="（请选择制度文件的条款）",
        help_text="从制度文件库中选择该取值所依据的条款；没有的，请先在“制度文件”中录入。",
        error_messages={"required": "请选择该取值依据的制度条款。",
                        "invalid_choice": "所选条款不是本地区可以引用的现行条款，请重新选择。"})
    note = forms.CharField(label="补充说明", max_length=200, required=False,
                           help_text="可选，例如：市委编委会议2026年第3次会议确定。")
    reason = forms.CharField(label="调整理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写调整理由。"})

    def __init__(self, *args, key: str, default=None, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.fields["article"].queryset = regulations.citable_articles(region)
        if isinstance(default, bool):
            self.fields["value"] = forms.ChoiceField(label="取值", choices=[("是", "是"), ("否", "否")])
        elif default is None:
            self.fields["value"].help_text = "填写数字；留空表示不设。"
        elif isinstance(default, str):
            self.fields["value"].help_text = f"填写数字，或“{default}”。"
        else:
            self.fields["value"].help_text = "填写数字。"
        self._style()

    def clean_value(self):
        """Typed by the rule (services.parse_policy_value, the one home of it), shown with the other errors."""
        try:
            return services.parse_policy_value(self.key, self.cleaned_data.get("value", ""))
        except services.LedgerError as exc:
            raise forms.ValidationError(exc.message) from exc


@requires("policy.edit")
@require_http_methods(["GET", "POST"])
def rule_edit(request, region_pk: int, key: str):
    region = get_object_or_404(_regions(request.user), pk=region_pk)
    if key not in NATIONAL_DEFAULTS:
        raise Http404("没有这条管理规则。")
    rv = Policy.for_region(region)[key]
    initial = {"value": shown(rv.value) if rv.value is not None else "", "severity": rv.severity,
               "article": rv.article_id}
    form = RuleForm(request.POST or None, initial=initial, key=key, default=NATIONAL_DEFAULTS[key]["value"],
                    region=region)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        value = c["value"]
        try:
            services.policy_value_set(actor=request.user, region=region, key=key, value=value,
                                      severity=c["severity"], article=c["article"], note=c["note"],
                                      reason=c["reason"])
        except services.LedgerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已调整{region.name}的“{POLICY_LABELS.get(key, key)}”为{shown(value)}。")
            return redirect(f"{reverse('ledger:rule_list')}?region={region.pk}")
    return render(request, "ledger/rule_form.html", {"form": form, "region": region, "key": key,
                                                     "label": POLICY_LABELS.get(key, key), "current": rv,
                                                     "current_value": shown(rv.value),
                                                     "current_article": _articles([rv.article_id]).get(rv.article_id),
                                                     "origin": regulations.origin_label(rv.region_id, region)})
