"""Forms for recording bodies, events and documents. They collect input; services decide."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, IdsChoiceField, LenientDateField
from yixie.org.models import Department, Post, Region

from . import state as st
from .choices import BodyCategory, EventKind, LegalGround, MemberRole, Sequence, TaskScope
from .choices import BodyForm as BodyFormChoice
from .docnumber import DocumentNumberError, issuer_for, parse_document_number
from .models import Body, Document
from .regulations import finding_html


class DocumentFieldsMixin(forms.Form):
    """The basis document of a write: an existing 文号, or a new one registered on the way."""

    doc_number = forms.CharField(label="依据文件文号", required=False, max_length=60,
                                 help_text="如 潍发〔2022〕5号；已登记的文号只需填写文号")
    doc_issuer = forms.CharField(label="发文机关", required=False, max_length=100,
                                 help_text="不填则按文号的机关代字确定（如 潍政字 → 潍坊市人民政府）")
    doc_title = forms.CharField(label="文件标题", required=False, max_length=300)
    doc_date = LenientDateField(label="成文日期", required=False)

    def clean_doc_number(self):
        raw = (self.cleaned_data.get("doc_number") or "").strip()
        if not raw:
            return ""
        try:
            parsed, notes = parse_document_number(raw)
        except DocumentNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        self.doc_notes = notes
        return parsed.canonical

    def clean_document_part(self, cleaned):
        number = cleaned.get("doc_number")
        cleaned["document"] = None
        if not number:
            return
        existing = Document.objects.filter(number=number).first()
        if existing is not None:
            cleaned["document"] = existing
            return
        if not cleaned.get("doc_issuer"):
            # The issuer follows the number's 机关代字 (the one rule in `docnumber.issuer_for`).
            cleaned["doc_issuer"] = issuer_for(self.document_region(), number) or ""
        for key, label in (("doc_issuer", "发文机关"), ("doc_title", "文件标题"), ("doc_date", "成文日期")):
            if not cleaned.get(key):
                self.add_error(key, f"文号“{number}”尚未登记，请填写{label}以便一并登记。")

    def document_region(self) -> Region:
        """The region a new basis document is registered in (the body's)."""
        return self.region if getattr(self, "region", None) is not None else self.body.region


class VersionField(forms.CharField):
    """The body's version the page was opened at (`Body.version`), carried back hidden; empty = not known."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        raw = (super().clean(value) or "").strip()
        if not raw:
            return None
        if not (raw.isdecimal() and raw.isascii() and len(raw) <= 9):
            raise forms.ValidationError("页面的版本信息有误，请刷新页面后重新填写。")
        return int(raw)


class VersionedForm(forms.Form):
    """A form that edits a body: it carries the version it was opened at, and can be re-shown after a
    `ConcurrentChange` with the clerk's input kept and the version now."""

    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:  # a hidden field's error would not show where the clerk can read it
            self.add_error(None, self.errors.pop("version")[0])
        return cleaned

    def moved_on(self, exc, *, opened: dict | None = None, current: dict | None = None) -> None:
        """After `ConcurrentChange`: keep the input, carry the version now, and say what changed. A form
        with a body's state (`StateFieldsMixin`) also shows the new values where the clerk changed nothing
        (`opened`, `current`: see `refresh_untouched`)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(exc.version)
        self.data = data
        self.add_error(None, exc.message)
        if isinstance(self, StateFieldsMixin):
            self.refresh_untouched(opened=opened or {}, current=current or {})


class StateFieldsMixin(forms.Form):
    """The fields of a body's state (spec §2.1), limited to one region's departments and posts."""

    name = forms.CharField(label="机构名称", max_length=150)
    short_name = forms.CharField(label="简称", max_length=60, required=False)
    aliases = forms.CharField(label="别名", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="每行一个")
    category = forms.ChoiceField(label="类别", choices=BodyCategory.choices)
    form = forms.ChoiceField(label="机构形式", choices=BodyFormChoice.choices)
    sequence = forms.ChoiceField(label="序列", choices=Sequence.choices)
    legal_ground = forms.ChoiceField(label="设立依据", choices=LegalGround.choices)
    lead_department = forms.ModelChoiceField(label="牵头部门", queryset=Department.objects.none())
    office_department = forms.ModelChoiceField(label="办事机构所在部门", queryset=Department.objects.none())
    leader = forms.ModelChoiceField(label="组长（领导职务）", queryset=Post.objects.none(), required=False)
    deputies = IdsChoiceField(label="副组长（领导职务，一至二名）", queryset=Post.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    members = IdsChoiceField(label="成员单位", queryset=Department.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    principal_members = IdsChoiceField(
        label="其中主办单位", queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="只勾选主办单位；其余成员单位为协办")
    duties = forms.CharField(label="主要职责", widget=forms.Textarea(attrs={"rows": 4}))
    task_scope = forms.ChoiceField(label="工作性质", choices=TaskScope.choices)
    extra_members_approved = forms.BooleanField(label="成员单位超过上限已经主要领导同意", required=False)
    is_temporary = forms.BooleanField(label="临时机构", required=False)
    ends_on = LenientDateField(label="存续期限（到期日）", required=False)
    end_condition = forms.CharField(label="撤销条件", max_length=300, required=False)
    upper_counterpart = forms.CharField(label="上级机构设置情况", max_length=300, required=False,
                                        help_text="如：省级设有山东省安全生产委员会")

    STATE_FIELD_NAMES = ("name", "short_name", "aliases", "category", "form", "sequence", "legal_ground",
                         "lead_department", "office_department", "leader", "deputies", "members",
                         "principal_members", "duties", "task_scope", "extra_members_approved", "is_temporary",
                         "ends_on", "end_condition", "upper_counterpart")

    #: The form fields that show a state key, where not the key's own name.
    KEY_FIELDS = {"leaders": ("leader", "deputies"), "members": ("members", "principal_members")}

    def refresh_untouched(self, *, opened: dict, current: dict) -> None:
        """After a `ConcurrentChange`, on a bound form: a field someone else changed that the clerk left as
        it was shown (`opened`: the changed keys' values when the page was opened) now shows its value in
        `current` (the body's state now), so a second submit keeps the other person's change; a field both
        changed keeps the clerk's input. Both are named in the form's errors."""
        if not opened or not current:
            return
        then = self.initial_from_state({**current, **opened})
        now = self.initial_from_state(current)
        refreshed, both = [], []
        for key in opened:
            for name in self.KEY_FIELDS.get(key, (key,)):
                if name not in self.fields:
                    continue
                field = self.fields[name]
                if _posted(self.data, name, field) == _as_posted(then[name], field):
                    value = _as_posted(now[name], field)
                    if isinstance(value, list):
                        self.data.setlist(name, value)
                    elif value is None:
                        self.data.pop(name, None)
                    else:
                        self.data[name] = value
                    refreshed.append(str(field.label))
                else:
                    both.append(str(field.label))
        if refreshed:
            self.add_error(None, f"您未改动的{'、'.join(f'“{x}”' for x in dict.fromkeys(refreshed))}已更新为最新登记的内容。")
        if both:
            self.add_error(None, f"{'、'.join(f'“{x}”' for x in dict.fromkeys(both))}您也作了修改，已保留您填写的内容，请核对。")

    def limit_to_region(self, region: Region) -> None:
        depts = Department.objects.filter(region=region, is_active=True).order_by("order", "id")
        posts = Post.objects.filter(region=region, is_active=True).order_by("order", "id")
        for name in ("lead_department", "office_department", "members", "principal_members"):
            if name in self.fields:
                self.fields[name].queryset = depts
        for name in ("leader", "deputies"):
            if name in self.fields:
                self.fields[name].queryset = posts

    def clean_state_part(self, cleaned) -> None:
        """Only what the form itself knows (principal units among the members). The rules of a body's
        composition (spec §3) are the ledger's policy checks; `add_findings` shows them on their fields."""
        members = list(cleaned.get("members") or [])
        principal = set(cleaned.get("principal_members") or [])
        stray = [d.name for d in principal if d not in members]
        if stray:
            self.add_error("principal_members", f"主办单位须同时是成员单位：{'、'.join(stray)}。")

    def add_findings(self, findings) -> None:
        """Show the refusing findings of the policy checks, each on the field it is about."""
        for f in findings:
            if f.is_error:
                self.add_error(f.field if f.field in self.fields else None, finding_html(f))

    def build_state(self) -> dict:
        c = self.cleaned_data
        principal = set(c.get("principal_members") or [])
        return st.build_state(
            name=c["name"], short_name=c.get("short_name", ""),
            aliases=(c.get("aliases") or "").splitlines(),
            category=c["category"], form=c["form"], sequence=c["sequence"], legal_ground=c["legal_ground"],
            lead_department=c["lead_department"], office_department=c["office_department"],
            leader=c.get("leader"), deputies=list(c.get("deputies") or []),
            members=[(d, MemberRole.PRINCIPAL if d in principal else MemberRole.ASSISTING)
                     for d in (c.get("members") or [])],
            duties=c["duties"], task_scope=c["task_scope"],
            extra_members_approved=c.get("extra_members_approved", False),
            is_temporary=c.get("is_temporary", False), ends_on=c.get("ends_on"),
            end_condition=c.get("end_condition", ""), upper_counterpart=c.get("upper_counterpart", ""),
        )

    @staticmethod
    def initial_from_state(state: dict) -> dict:
        leaders = state.get("leaders", [])
        return {
            "name": state.get("name"), "short_name": state.get("short_name"),
            "aliases": "\n".join(state.get("aliases") or []),
            "category": state.get("category"), "form": state.get("form"), "sequence": state.get("sequence"),
            "legal_ground": state.get("legal_ground"),
            "lead_department": (state.get("lead_department") or {}).get("id"),
            "office_department": (state.get("office_department") or {}).get("id"),
            "leader": next((s["post_id"] for s in leaders if s["role"] == "leader"), None),
            "deputies": [s["post_id"] for s in leaders if s["role"] == "deputy"],
            "members": [m["department_id"] for m in state.get("members", [])],
            "principal_members": [m["department_id"] for m in state.get("members", []) if m["role"] == "principal"],
            "duties": state.get("duties"), "task_scope": state.get("task_scope"),
            "extra_members_approved": state.get("extra_members_approved"),
            "is_temporary": state.get("is_temporary"), "ends_on": state.get("ends_on"),
            "end_condition": state.get("end_condition"), "upper_counterpart": state.get("upper_counterpart"),
        }


class BodyCreateForm(BootstrapFormMixin, StateFieldsMixin, DocumentFieldsMixin):
    established_on = LenientDateField(label="设立时间")
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.limit_to_region(region)
        self._style()

    def clean(self):
        cleaned = super().clean()
        self.clean_state_part(cleaned)
        self.clean_document_part(cleaned)
        return cleaned


# Which state fields each kind of event may change.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    EventKind.ADJUST: StateFieldsMixin.STATE_FIELD_NAMES,
    EventKind.RENAME: ("name", "short_name"),
    EventKind.REAFFILIATE: ("lead_department", "office_department", "sequence", "category"),
    EventKind.MEMBERS: ("members", "principal_members"),
    EventKind.DOWNGRADE: ("name", "short_name", "category", "form", "leader", "deputies"),
    EventKind.ABOLISH: (),
    EventKind.DERECOGNISE: (),
    EventKind.MERGE: (),
    EventKind.SPLIT: (),
}
# Form field name → state key.
FIELD_TO_STATE = {"leader": "leaders", "deputies": "leaders", "principal_members": "members"}


class EventForm(BootstrapFormMixin, VersionedForm, StateFieldsMixin, DocumentFieldsMixin):
    kind = forms.ChoiceField(label="事项", choices=[c for c in EventKind.choices if c[0] != EventKind.ESTABLISH])
    effective_on = LenientDateField(label="生效日期")
    successor = forms.ModelChoiceField(label="并入机构（合并时）", queryset=Body.objects.none(), required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.limit_to_region(body.region)
        self.fields["successor"].queryset = Body.objects.filter(region=body.region).exclude(pk=body.pk).order_by("name")
        for name in self.STATE_FIELD_NAMES:
            self.fields[name].required = False
        self._style()

    def clean(self):
        cleaned = super().clean()
        self.clean_document_part(cleaned)
        kind = cleaned.get("kind")
        if kind == EventKind.MERGE and not cleaned.get("successor"):
            self.add_error("successor", "合并须选择并入的机构。")
        if kind in (EventKind.ADJUST, EventKind.RENAME, EventKind.DOWNGRADE) and not cleaned.get("name"):
            self.add_error("name", "请填写机构名称。")
        if kind in (EventKind.ADJUST, EventKind.REAFFILIATE):
            for f in ("lead_department", "office_department"):
                if not cleaned.get(f):
                    self.add_error(f, "请选择部门。")
        self.clean_state_part(cleaned)
        return cleaned

    def changes(self, before: dict) -> dict:
        """The state keys this kind of event changes, with their new values."""
        kind = self.cleaned_data["kind"]
        if kind == EventKind.MERGE:
            s = self.cleaned_data["successor"]
            return {"successor": {"id": s.pk, "name": s.name}}
        allowed = EVENT_FIELDS.get(kind, ())
        if not allowed:
            return {}
        merged = {**self.initial_from_state(before)}
        for name in allowed:
            value = self.cleaned_data.get(name)
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "__iter__") and not isinstance(value, str) and name in (
                    "deputies", "members", "principal_members"):
                value = [v.pk for v in value]
            merged[name] = value
        return st.changes_between(kind, before, state_from_values(merged, before))


def _as_posted(value, field):
    """A form value as a browser posts it: strings, lists of strings; None for an unticked box."""
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(str(v) for v in (value or []))
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def _posted(data, name: str, field):
    """What the clerk posted in a field, in the form of `_as_posted`."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(data.getlist(name))
    return _as_posted(data.get(name), field)


def state_from_values(values: dict, before: dict) -> dict:
    """A state from form-style values (ids), keeping status and successor from `before`."""
    depts = {d.pk: d for d in Department.objects.filter(
        pk__in=[values.get("lead_department"), values.get("office_department"), *values.get("members", [])])}
    posts = {p.pk: p for p in Post.objects.filter(pk__in=[values.get("leader"), *values.get("deputies", [])])}
    principal = set(values.get("principal_members") or [])
    from datetime import date as _date

    ends_on = values.get("ends_on")
    if isinstance(ends_on, str) and ends_on:
        ends_on = _date.fromisoformat(ends_on)
    state = st.build_state(
        name=values.get("name") or "", short_name=values.get("short_name") or "",
        aliases=(values.get("aliases") or "").splitlines(), category=values.get("category"),
        form=values.get("form"), sequence=values.get("sequence"), legal_ground=values.get("legal_ground"),
        lead_department=depts.get(values.get("lead_department")),
        office_department=depts.get(values.get("office_department")),
        leader=posts.get(values.get("leader")), deputies=[posts[p] for p in values.get("deputies", []) if p in posts],
        members=[(depts[d], MemberRole.PRINCIPAL if d in principal else MemberRole.ASSISTING)
                 for d in values.get("members", []) if d in depts],
        duties=values.get("duties") or "", task_scope=values.get("task_scope") or "single",
        extra_members_approved=bool(values.get("extra_members_approved")),
        is_temporary=bool(values.get("is_temporary")), ends_on=ends_on or None,
        end_condition=values.get("end_condition") or "", upper_counterpart=values.get("upper_counterpart") or "",
    )
    # Names of departments and posts as they were recorded, where unchanged.
    state["status"] = before.get("status")
    state["successor"] = before.get("successor")
    return state


class DocumentForm(BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label="区划", queryset=Region.objects.none())
    number = forms.CharField(label="文号", max_length=60, help_text="如 潍发〔2022〕5号")
    issuer = forms.CharField(label="发文机关", max_length=100, required=False,
                             help_text="不填则按文号的机关代字确定（如 潍政字 → 潍坊市人民政府）")
    issued_on = LenientDateField(label="成文日期")
    title = forms.CharField(label="标题", max_length=300)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self._style()


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="附件（PDF、OFD 或 DOCX）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AliasForm(BootstrapFormMixin, VersionedForm):
    aliases = forms.CharField(label="别名（每行一个）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class WorkRulesForm(BootstrapFormMixin, VersionedForm):
    filed_on = LenientDateField(label="工作规则备案日期")
    file = forms.FileField(label="备案的工作规则（PDF、OFD 或 DOCX）", required=False,
                           help_text="上传后在机构页面“工作规则”一栏可查看、下载")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
