from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.db import transaction

# This module is imported while INSTALLED_APPS is read (it holds the AdminConfig): models and the
# journal are imported inside the functions, once the app registry is ready.

ADMIN_REASON = "系统管理后台"


def _picture(obj) -> dict:
    """Concrete fields and many-to-many values (a user's groups, say) of a saved object."""
    from . import audit

    data = audit.snapshot(obj)
    if obj.pk is not None:
        for f in obj._meta.many_to_many:
            data[f.name] = sorted(str(x) for x in getattr(obj, f.name).all())
    return data


def _never_deleted(model) -> bool:
    from .models import AuditEntry, NoDeleteModel

    return issubclass(model, NoDeleteModel) or model is AuditEntry


def _audit():
    from . import audit

    return audit


def _record(**kwargs) -> None:
    from . import audit

    audit.record(reason=ADMIN_REASON, **kwargs)


class AuditedAdminMixin:
    """Every change made in the admin site lands in the audit journal with before and after values
    (the client address comes with every entry); ledger rows, which are never deleted, offer no delete."""

    def has_delete_permission(self, request, obj=None):
        if _never_deleted(self.model):
            return False
        return super().has_delete_permission(request, obj)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if _never_deleted(inline.model):
                inline.can_delete = False
        return inlines

    def save_model(self, request, obj, form, change):
        if change:
            old = type(obj)._base_manager.filter(pk=obj.pk).first()
            request._yixie_admin_before = _picture(old) if old is not None else None
        else:
            request._yixie_admin_before = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        _record(actor=request.user, action=_audit().ADMIN_CHANGE if change else _audit().ADMIN_ADD, target=obj,
                     before=getattr(request, "_yixie_admin_before", None), after=_picture(obj))

    def save_formset(self, request, form, formset, change):
        before = {f.instance.pk: _picture(f.instance) for f in formset.initial_forms
                  if f.instance.pk is not None and f.has_changed()}
        # The database's values, not the form's: has_changed() compared against them.
        for pk in list(before):
            old = formset.model._base_manager.filter(pk=pk).first()
            before[pk] = _picture(old) if old is not None else None
        deleted = [(o, _picture(o)) for o in getattr(formset, "deleted_objects", [])] if formset.is_bound else []
        super().save_formset(request, form, formset, change)
        for o in formset.new_objects:
            _record(actor=request.user, action=_audit().ADMIN_ADD, target=o, after=_picture(o))
        for o, _fields in formset.changed_objects:
            _record(actor=request.user, action=_audit().ADMIN_CHANGE, target=o, before=before.get(o.pk),
                         after=_picture(o))
        for o, picture in deleted:
            _record(actor=request.user, action=_audit().ADMIN_DELETE, target=o, before=picture)

    def delete_model(self, request, obj):
        picture, pk = _picture(obj), obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            obj.pk = pk
            _record(actor=request.user, action=_audit().ADMIN_DELETE, target=obj, before=picture)

    def delete_queryset(self, request, queryset):
        doomed = [(o, _picture(o)) for o in queryset]
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for o, picture in doomed:
                _record(actor=request.user, action=_audit().ADMIN_DELETE, target=o, before=picture)


#: What each of the three administrators may do in the admin site (三员分立, docs/decisions/0021): model
#: label -> the verbs granted. The one home of this split; `AdminRoleBackend` answers Django's permission
#: checks from it, so every ModelAdmin (their own refusals, such as no delete for ledger rows, still hold)
#: follows it. Business rule values (ledger.PolicyValue) are 编办's and no administrator's.
ROLE_MODELS: dict[str, dict[str, str]] = {
    # user accounts and system settings: users, the organisation tables, background jobs
    "system_admin": {
        "auth.user": "view add change",
        "org.region": "view add change", "org.department": "view add change", "org.post": "view add change",
        "org.postholding": "view add change delete",
        "django_q.schedule": "view add change delete", "django_q.success": "view delete",
        "django_q.failure": "view delete", "django_q.ormq": "view delete",
    },
    # role grants and the login protection (unlocking = deleting an account's lockout records)
    "security_admin": {
        "org.roleassignment": "view add change delete",
        "org.region": "view", "org.department": "view",  # to name where a role is held
        "axes.accessattempt": "view delete", "axes.accesslog": "view", "axes.accessfailurelog": "view",
        "otp_totp.totpdevice": "view delete",  # unbinding a lost phone
        "core.securitypolicy": "view add change",  # the security parameters (password, lockout, session)
    },
    # the security journal, read only
    "audit_admin": {"core.auditentry": "view"},
}


def admin_grants(user) -> dict[str, set[str]]:
    """model label -> verbs, over the user's administrator roles (empty for everyone else)."""
    from .access import user_roles

    cached = getattr(user, "_yixie_admin_grants", None)
    if cached is None:
        cached = {}
        for a in user_roles(user):
            for label, verbs in ROLE_MODELS.get(a.role, {}).items():
                cached.setdefault(label, set()).update(verbs.split())
        user._yixie_admin_grants = cached
    return cached


def is_administrator(user) -> bool:
    """Whether the user holds one of the three administrator roles."""
    from .access import user_roles
    from .roles import ADMIN_ROLES

    return any(a.role in ADMIN_ROLES for a in user_roles(user))


class AdminRoleBackend:
    """Answers `user.has_perm("app.verb_model")` from `ROLE_MODELS` (it authenticates nobody)."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not getattr(user_obj, "is_active", False):
            return False
        app_label, _, codename = perm.partition(".")
        verb, _, model = codename.partition("_")
        return verb in admin_grants(user_obj).get(f"{app_label}.{model}", set())

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not getattr(user_obj, "is_active", False):
            return False
        return any(label.split(".")[0] == app_label for label in admin_grants(user_obj))


class SuperuserAdminSite(admin.AdminSite):
    """The admin is the three administrators' tool (and the set-up superuser's): staff status alone is not
    enough. What each administrator sees is `ROLE_MODELS`. Every model admin registered here, the
    third-party ones included, is audited (`AuditedAdminMixin`)."""

    site_header = "议协 · 系统管理"
    site_title = "议协系统管理"
    index_title = "系统管理"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or is_administrator(user)))

    def each_context(self, request):
        context = super().each_context(request)
        if not request.user.is_superuser:
            context["site_url"] = None  # the administrators have no business page to go back to
        return context

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedAdminMixin, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(BaseAdminConfig):
    default_site = "yixie.core.admin_site.SuperuserAdminSite"
