from django.urls import path  # noqa: F401

from .urls_results import result_urlpatterns

app_name = "evaluation"
urlpatterns: list = []
urlpatterns += result_urlpatterns
