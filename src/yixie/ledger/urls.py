from django.urls import path

from . import views, views_io, views_regulations, views_rules

app_name = "ledger"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("departments/suggest/", views.department_suggest, name="department_suggest"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/events/new/", views.event_create, name="event_create"),
    path("bodies/<int:pk>/events/<int:event_pk>/void/", views.event_void, name="event_void"),
    path("bodies/<int:pk>/aliases/", views.body_aliases, name="body_aliases"),
    path("bodies/<int:pk>/work-rules/", views.body_work_rules, name="body_work_rules"),
    path("bodies/<int:pk>/files/<int:file_pk>/", views.body_file, name="body_file"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/upload/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/files/<int:file_pk>/", views.document_file, name="document_file"),
    path("export/", views_io.export, name="export"),
    path("export/<int:pk>/", views_io.export_status, name="export_status"),
    path("import/", views_io.import_start, name="import"),
    path("import/<int:pk>/", views_io.import_status, name="import_status"),
    path("import/<int:pk>/confirm/", views_io.import_confirm, name="import_confirm"),
    path("rules/", views_rules.rule_list, name="rule_list"),
    path("rules/<int:region_pk>/<str:key>/", views_rules.rule_edit, name="rule_edit"),
    path("regulations/", views_regulations.regulation_list, name="regulation_list"),
    path("regulations/new/", views_regulations.regulation_create, name="regulation_create"),
    path("regulations/<int:pk>/", views_regulations.regulation_detail, name="regulation_detail"),
    path("regulations/<int:pk>/versions/new/", views_regulations.version_create, name="version_create"),
    path("regulations/<int:pk>/versions/<int:version_pk>/sample/", views_regulations.version_mark_sample,
         name="version_mark_sample"),
    path("regulations/articles/<int:pk>/", views_regulations.article_detail, name="article_detail"),
]
