from __future__ import annotations

from django import forms
from django.db.models import Q

from yixie.core.forms import BootstrapFormMixin, IdsChoiceField, LenientDateField
from yixie.ledger.choices import COUNTED_CATEGORIES, BodyStatus
from yixie.ledger.forms import StateFieldsMixin, VersionedForm
from yixie.ledger.models import Body
from yixie.ledger.policy import ONE_OUT_ONE_IN_KEY, Policy
from yixie.ledger.regulations import citation_articles

from .checklist import CHECKLIST
from .choices import ApplicationKind, AttachmentKind, Decision, RecommendedForm

STATE_KINDS = {ApplicationKind.ESTABLISH, ApplicationKind.ADJUST, ApplicationKind.RENAME,
               ApplicationKind.REAFFILIATE, ApplicationKind.DOWNGRADE}


class ApplicationForm(BootstrapFormMixin, VersionedForm, StateFieldsMixin):
    """An application; `version` is that of the body whose state the page was opened with."""

    body = forms.ModelChoiceField(label="涉及的机构", queryset=Body.objects.none(), required=False)
    merge_bodies = IdsChoiceField(label="被合并的机构（并入上面所选机构）", queryset=Body.objects.none(),
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    replaces = IdsChoiceField(label="撤一建一：同时撤销或合并的本级议事协调机构", queryset=Body.objects.none(),
                              required=False, widget=forms.CheckboxSelectMultiple,
                              help_text="新设立的机构替代的现有党委、政府议事协调机构（计算总量时扣除）。"
                                        "被替代的机构须另行申请撤销或合并；新机构发文后，系统向其牵头部门提出撤销建议。")
    reasons = forms.CharField(label="申请理由和依据", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="写明设立或调整的必要性、上级要求或文件依据、与现有机构和部门职责的关系")

    def __init__(self, *args, kind: str, region, bodies, named=None, **kwargs):
        """`bodies`: those the user may name (scoped); `named`: the bodies the application already names as
        replaced (撤一建一), still offered when one ended since (scoped by the caller too)."""
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.limit_to_region(region)
        self.fields["body"].queryset = bodies
        self.fields["merge_bodies"].queryset = bodies
        needs_state = kind in STATE_KINDS
        for name in self.STATE_FIELD_NAMES:
            if not needs_state:
                del self.fields[name]
        if kind == ApplicationKind.ESTABLISH:
            del self.fields["body"]
        else:
            self.fields["body"].required = True
        if kind == ApplicationKind.ESTABLISH:
            # Only counted bodies in force that the user may name (the same scoped choice as `body`).
            offered = Q(pk__in=bodies.filter(category__in=COUNTED_CATEGORIES).values("pk"))
            if named is not None:
                offered |= Q(pk__in=named.values("pk"))
            self.fields["replaces"].queryset = Body.objects.filter(offered).order_by("name")
            if Policy.for_region(region)[ONE_OUT_ONE_IN_KEY].value:
                self.fields["replaces"].label += f"（{region.name}实行“撤一建一”，新设立议事协调机构须填写）"
        else:
            del self.fields["replaces"]
        if kind != ApplicationKind.MERGE:
            del self.fields["merge_bodies"]
        else:
            self.fields["body"].label = "合并后存续的机构"
        self._style()

    def clean(self):
        cleaned = super().clean()
        if self.kind in STATE_KINDS:
            self.clean_state_part(cleaned)
        if self.kind == ApplicationKind.MERGE:
            merged = list(cleaned.get("merge_bodies") or [])
            if not merged:
                self.add_error("merge_bodies", "请选择被合并的机构。")
            if cleaned.get("body") in merged:
                self.add_error("merge_bodies", "存续机构不能同时是被合并的机构。")
        body = cleaned.get("body")
        if body is not None and body.status != BodyStatus.ACTIVE:
            self.add_error("body", f"“{body.name}”已{body.get_status_display()}。")
        return cleaned

    def proposed(self) -> dict:
        return self.build_state() if self.kind in STATE_KINDS else {}


class AttachmentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=AttachmentKind.choices)
    file = forms.FileField(label="文件（PDF、OFD 或 DOCX）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


YES_NO = [("yes", "是"), ("no", "否")]


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label="审核意见", choices=Decision.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label="意见说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommended_form = forms.ChoiceField(label="建议改设为", choices=[("", "—")] + list(RecommendedForm.choices),
                                         required=False)

    def __init__(self, *args, with_checklist: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_checklist = with_checklist
        if not with_checklist:
            del self.fields["recommended_form"]
            self.fields["decision"].choices = [c for c in Decision.choices if c[0] != Decision.RECOMMEND]
        else:
            for key, _kind, text in CHECKLIST:
                self.fields[f"ck_{key}"] = forms.ChoiceField(label=text, choices=YES_NO, widget=forms.RadioSelect,
                                                             required=False)
                self.fields[f"ck_{key}_note"] = forms.CharField(label="说明", required=False, max_length=300)
        self._style()

    def checklist_rows(self):
        """(kind, field, note field, article) per item; the article the item rests on, from the ledger's
        regulations library (None where the citation names no article in force)."""
        from yixie.ledger.models import Article

        from .checklist import CHECKLIST_GROUP

        ids = citation_articles(CHECKLIST_GROUP)
        articles = Article.objects.select_related("version__regulation").in_bulk(set(ids.values()))
        return [(kind, self[f"ck_{key}"], self[f"ck_{key}_note"], articles.get(ids.get(key)))
                for key, kind, _ in CHECKLIST]

    def checklist(self) -> dict:
        if not self.with_checklist:
            return {}
        answers = {}
        for key, _kind, _text in CHECKLIST:
            value = self.cleaned_data.get(f"ck_{key}")
            answers[key] = {"holds": {"yes": True, "no": False}.get(value),
                            "note": self.cleaned_data.get(f"ck_{key}_note", "")}
        return answers


class DeliberationForm(BootstrapFormMixin, forms.Form):
    held_on = LenientDateField(label="会议日期")
    session = forms.CharField(label="会议届次", max_length=60, help_text="如 第12次")
    agenda_item = forms.CharField(label="议题", max_length=200)
    approved = forms.ChoiceField(label="会议意见", choices=[("yes", "同意"), ("no", "不同意")], widget=forms.RadioSelect)
    opinion = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meeting: str = "", **kwargs):
        """`meeting`: the deciding meeting's name in the application's region (`selectors.meeting_label`)."""
        super().__init__(*args, **kwargs)
        if meeting:
            self.fields["session"].help_text = f"如 {meeting}第12次，填写“第12次”"
        self._style()


class PublishForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label="文号", max_length=60, help_text="如 潍政字〔2023〕12号")
    issuer = forms.CharField(label="发文机关", max_length=100, required=False,
                             help_text="不填则按文号的机关代字确定（如 潍政字 → 潍坊市人民政府，潍政办字 → 潍坊市人民政府办公室）")
    issued_on = LenientDateField(label="成文日期")
    title = forms.CharField(label="文件标题", max_length=300)
    effective_on = LenientDateField(label="生效日期（不填则为成文日期）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ConsentForm(BootstrapFormMixin, forms.Form):
    agreed = forms.ChoiceField(label="本单位意见", choices=[("yes", "同意撤销"), ("no", "不同意")],
                               widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
