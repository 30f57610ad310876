from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("notifications/", views.notification_list, name="notifications"),
    path("audit/chain/", views.audit_chain, name="audit_chain"),
]
