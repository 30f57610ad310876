from django.urls import path

from . import views
from .urls_results import result_urlpatterns

app_name = "evaluation"

urlpatterns = [
    # part A: evaluations, self-evaluations, checks, indicator systems
    path("", views.evaluation_list, name="list"),
    path("new/", views.evaluation_new, name="new"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/selfevals/", views.selfeval_list, name="selfevals"),
    path("selfevals/<int:pk>/", views.selfeval_edit, name="selfeval"),
    path("selfevals/<int:pk>/evidence/", views.evidence_upload, name="evidence"),
    path("selfevals/<int:pk>/evidence/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("selfevals/<int:pk>/submit/", views.selfeval_submit, name="submit"),
    path("selfevals/<int:pk>/check/", views.check, name="check"),
    path("selfevals/<int:pk>/check/done/", views.check_done, name="check_done"),
    path("selfevals/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("systems/", views.system_list, name="systems"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/scale/", views.scale, name="scale"),
    path("systems/<int:pk>/indicators/<int:ind_pk>/", views.indicator_edit, name="indicator"),
    path("systems/<int:pk>/indicators/<int:ind_pk>/remove/", views.indicator_remove, name="indicator_remove"),
]
urlpatterns += result_urlpatterns
