"""Work rules pages (see views_workrules)."""

from django.urls import path

from . import views_workrules as v

urlpatterns: list = [
    path("", v.workrules_list, name="workrules_list"),
    path("work-rules/overdue/", v.workrules_overdue, name="workrules_overdue"),
    path("work-rules/bodies/<int:pk>/", v.workrules_body, name="workrules_body"),
    path("work-rules/bodies/<int:pk>/new/", v.workrules_new, name="workrules_new"),
    path("work-rules/<int:pk>/", v.workrules_detail, name="workrules_detail"),
    path("work-rules/<int:pk>/edit/", v.workrules_edit, name="workrules_edit"),
    path("work-rules/<int:pk>/submit/", v.workrules_submit, name="workrules_submit"),
    path("work-rules/<int:pk>/review/", v.workrules_review, name="workrules_review"),
    path("work-rules/<int:pk>/file/", v.workrules_file, name="workrules_file"),
    path("departments/<int:pk>/duties/", v.department_duties, name="department_duties"),
]
