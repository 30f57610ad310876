from django.contrib import admin
from django.urls import include, path

from yixie.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("healthz/", core_views.health, name="health"),
    path("ledger/", include("yixie.ledger.urls")),
    path("org/", include("yixie.org.urls")),
    path("approvals/", include("yixie.approvals.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "yixie.core.views.permission_denied"
handler404 = "yixie.core.views.page_not_found"
handler500 = "yixie.core.views.server_error"
handler400 = "yixie.core.views.bad_request"
