"""One filter set for the ledger list, its export and (later) the API."""

from __future__ import annotations

from datetime import timedelta

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from yixie.org.models import Department, Region

from .choices import BodyCategory, BodyStatus, Sequence
from .models import LedgerEvent

SORTS = {
    "name": ("name", "机构名称"),
    "-established": ("-body__established_on", "设立时间（新→旧）"),
    "established": ("body__established_on", "设立时间（旧→新）"),
    "region": ("region__code", "区划"),
    "ends_on": ("ends_on", "存续期限"),
}


#: The status choices of the list: those in force first (the default, shown selected), then every body, then
#: each ended status on its own.
STATUS_ALL = "all"
STATUS_CHOICES = [(BodyStatus.ACTIVE.value, "在设立"), (STATUS_ALL, "全部状态")] + [
    (value, label) for value, label in BodyStatus.choices if value != BodyStatus.ACTIVE]


class LedgerFilter(filters.FilterSet):
    q = filters.CharFilter(label="搜索", method="filter_q",
                           widget=forms.TextInput(attrs={"placeholder": "名称、简称、别名、职责"}))
    region = filters.ModelChoiceFilter(label="区划", queryset=Region.objects.none(), empty_label="全部区划")
    category = filters.ChoiceFilter(label="类别", choices=BodyCategory.choices, empty_label="全部类别")
    sequence = filters.ChoiceFilter(label="序列", choices=Sequence.choices, empty_label="全部序列")
    # No status in the URL means the bodies in force (在设立); 全部状态 also shows the ended ones.
    status = filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, empty_label=None, method="filter_status")
    # The department a link names (the department list links here by id); the form offers `dept`.
    department = filters.ModelChoiceFilter(label="涉及部门", queryset=Department.objects.none(),
                                           method="filter_department", widget=forms.HiddenInput)
    # The lead department (牵头部门) a link names: the departments page's 牵头机构数 opens the list with it.
    lead = filters.ModelChoiceFilter(label="牵头部门", queryset=Department.objects.none(),
                                     method="filter_lead", widget=forms.HiddenInput)
    # 涉及部门 typed by name: a city 编办 sees ~460 departments and a province role ~5,000, too many for
    # a <select>; the page suggests names as one types (`department_suggest`).
    dept = filters.CharFilter(label="涉及部门", method="filter_department_name", max_length=50)
    temporary = filters.ChoiceFilter(label="存续", choices=[("1", "临时机构"), ("0", "常设机构")], method="filter_temporary",
                                     empty_label="常设和临时")
    expiring = filters.NumberFilter(label="N天内到期", method="filter_expiring", min_value=0, max_value=3650)
    missing_basis = filters.BooleanFilter(label="缺依据文件", method="filter_missing_basis",
                                          widget=forms.CheckboxInput)
    sort = filters.ChoiceFilter(label="排序", choices=[(k, v[1]) for k, v in SORTS.items()], method="filter_sort",
                                empty_label="默认排序")

    class Meta:
        model = LedgerEvent
        fields: list[str] = []

    def __init__(self, data=None, *args, regions=None, departments=None, **kwargs):
        if data is not None and not data.get("status"):
            # No status chosen (a link, a bookmark, 清空条件): the bodies in force, and the form shows so.
            data = data.copy()
            data["status"] = BodyStatus.ACTIVE.value
        super().__init__(data, *args, **kwargs)
        if regions is not None:
            self.filters["region"].queryset = regions
        self.departments = departments if departments is not None else Department.objects.none()
        self.filters["department"].queryset = self.departments
        self.filters["lead"].queryset = self.departments
        self.unknown_department = ""
        for name in ("region", "category", "sequence", "status", "temporary", "sort"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.form.fields["status"].initial = BodyStatus.ACTIVE.value  # shown selected on an unbound page

    @property
    def qs(self):
        qs = super().qs
        cleaned = getattr(self.form, "cleaned_data", {})
        # In force by default (also when the form is unbound or invalid); 全部状态 shows every body.
        if not cleaned.get("status"):
            qs = qs.filter(status=BodyStatus.ACTIVE)
        if not cleaned.get("sort"):
            qs = qs.order_by("region__code", "category", "name", "id")
        return qs

    def filter_q(self, qs, name, value):
        for word in value.split():
            qs = qs.filter(search_text__icontains=word)
        return qs

    def filter_status(self, qs, name, value):
        if value == STATUS_ALL:
            return qs
        return qs.filter(status=value)

    @property
    def status_label(self) -> str:
        """The chosen status as the page says it (在设立 unless another choice was made)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return dict(STATUS_CHOICES).get(cleaned.get("status") or BodyStatus.ACTIVE.value, "在设立")

    def filter_department(self, qs, name, value):
        return qs.filter(department_keys__contains=f"|{value.pk}|")

    def filter_lead(self, qs, name, value):
        return qs.filter(lead_department_id=value.pk)

    def filter_department_name(self, qs, name, value):
        """Bodies one of whose departments (lead, office or member, on the date shown) is named `value`:
        the departments of that exact name (or short name) if there are any, else those whose name
        contains it — so 发展和改革 finds the 发改委 of the city and the 发改局 of every county."""
        value = value.strip()
        if not value:
            return qs
        exact = list(self.departments.filter(Q(name=value) | Q(short_name=value)).values_list("id", flat=True))
        ids = exact or list(self.departments.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
                            .values_list("id", flat=True))
        if not ids:
            self.unknown_department = value
            return qs.none()
        alternatives = "|".join(str(i) for i in sorted(set(ids)))
        return qs.filter(department_keys__regex=rf"\|({alternatives})\|")

    def filter_temporary(self, qs, name, value):
        return qs.filter(is_temporary=value == "1")

    def filter_expiring(self, qs, name, value):
        today = timezone.localdate()
        return qs.filter(is_temporary=True, ends_on__isnull=False, ends_on__lte=today + timedelta(days=int(value)))

    def filter_missing_basis(self, qs, name, value):
        if value:
            return qs.filter(Q(body__basis_document__isnull=True))
        return qs

    def filter_sort(self, qs, name, value):
        return qs.order_by(SORTS[value][0], "id")
