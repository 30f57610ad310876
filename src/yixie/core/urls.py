from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("notifications/", views.notification_list, name="notifications"),
    path("audit/chain/", views.audit_chain, name="audit_chain"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("account/2fa/setup/", views.twofactor_setup, name="twofactor_setup"),
    path("account/2fa/verify/", views.twofactor_verify, name="twofactor_verify"),
]
