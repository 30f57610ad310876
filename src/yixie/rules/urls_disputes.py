"""Duty dispute pages (see views_disputes)."""

from django.urls import path

from . import views_disputes as v

urlpatterns: list = [
    path("disputes/", v.dispute_list, name="disputes"),
    path("disputes/new/", v.dispute_new, name="dispute_new"),
    path("disputes/<int:pk>/", v.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/consult/", v.dispute_consult, name="dispute_consult"),
    path("disputes/<int:pk>/escalate/", v.dispute_escalate, name="dispute_escalate"),
    path("disputes/<int:pk>/file/", v.dispute_file, name="dispute_file"),
    path("disputes/<int:pk>/opinion/", v.dispute_opinion, name="dispute_opinion"),
    path("disputes/<int:pk>/refer/", v.dispute_refer, name="dispute_refer"),
    path("disputes/<int:pk>/decide/", v.dispute_decide, name="dispute_decide"),
    path("disputes/<int:pk>/withdraw/", v.dispute_withdraw, name="dispute_withdraw"),
    path("disputes/<int:pk>/files/<int:file_pk>/", v.dispute_file_download, name="dispute_download"),
    path("disputes/<int:pk>/minutes/<int:c_pk>/", v.minutes_download, name="dispute_minutes"),
]
