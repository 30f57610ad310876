from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("bodies/<int:pk>/", views.body_register, name="body"),
    path("bodies/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("bodies/<int:pk>/documents/new/", views.document_new, name="document_new"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/void/", views.meeting_void, name="meeting_void"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("decisions/<int:pk>/reopen/", views.decision_reopen, name="decision_reopen"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/void/", views.document_void, name="document_void"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("load/", views.leader_load, name="load"),
    path("idle/", views.idle_bodies, name="idle"),
]
