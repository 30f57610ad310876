"""The root URLs: login and health here; every app's URLs under its AppConfig's `url_prefix`, so that a new
app joins the product from its own `apps.py` (and one line in INSTALLED_APPS), never from here."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from yixie.core import views as core_views

urlpatterns = [
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("healthz/", core_views.health, name="health"),
    *[path(config.url_prefix, include(f"{config.name}.urls"))
      for config in apps.get_app_configs() if getattr(config, "url_prefix", None) is not None],
    path("admin/", admin.site.urls),
]

handler403 = "yixie.core.views.permission_denied"
handler404 = "yixie.core.views.page_not_found"
handler500 = "yixie.core.views.server_error"
handler400 = "yixie.core.views.bad_request"
