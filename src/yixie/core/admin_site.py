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


class SuperuserAdminSite(admin.AdminSite):
    """The admin is a system administrator's tool: staff status alone is not enough. Every model admin
    registered here, the third-party ones included, is audited (`AuditedAdminMixin`)."""

    site_header = "议协 · 系统管理"
    site_title = "议协系统管理"
    index_title = "系统管理"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedAdminMixin, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(BaseAdminConfig):
    default_site = "yixie.core.admin_site.SuperuserAdminSite"
