from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, LenientDateField

from .choices import DepartmentKind
from .models import Region
from .services import OrgError, check_department_dates
from .uscc import UsccError, validate_uscc


class DepartmentForm(BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label="所属区划", queryset=Region.objects.none())
    name = forms.CharField(label="部门名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=60, required=False)
    kind = forms.ChoiceField(label="类别", choices=DepartmentKind.choices)
    order = forms.IntegerField(label="排序（数字小的在前）", min_value=0, max_value=9999, initial=100)
    uscc = forms.CharField(label="统一社会信用代码", max_length=24, required=False)
    duties = forms.CharField(label="主要职责（三定规定）", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                             help_text="一行一条职责。删去的一条自今日起终止，新增的一条自今日起施行，未改动的保留原有记录。")
    established_on = LenientDateField(label="设立日期", required=False,
                                      help_text="部门组建（挂牌）之日；不详的留空（视为一直存在）")
    ended_on = LenientDateField(label="撤销日期", required=False,
                                help_text="部门撤销、整合或因机构改革更名之日，当日起不再存在；仍存在的留空")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self._style()

    def clean_uscc(self):
        raw = (self.cleaned_data.get("uscc") or "").strip()
        if not raw:
            return ""
        try:
            return validate_uscc(raw)
        except UsccError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self):
        cleaned = super().clean()
        try:
            check_department_dates(cleaned.get("established_on"), cleaned.get("ended_on"))
        except OrgError as exc:
            self.add_error(exc.field, exc.message)
        return cleaned


class PostHolderForm(BootstrapFormMixin, forms.Form):
    person_name = forms.CharField(label="新任人员姓名", max_length=30)
    started_on = LenientDateField(label="任职日期")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
