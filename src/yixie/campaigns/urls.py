from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("take/", views.take_proposal, name="take_proposal"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/advance/", views.campaign_advance, name="advance"),
    path("<int:pk>/remind/", views.reports_remind, name="remind"),
    path("<int:pk>/reports/<int:report_pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/reports/<int:report_pk>/return/", views.report_return, name="return"),
    path("<int:pk>/reports/<int:report_pk>/inspection/", views.report_inspection, name="inspection"),
    path("<int:pk>/files/<int:file_pk>/", views.campaign_file, name="file"),
    path("<int:pk>/files/generate/", views.files_generate, name="files_generate"),
    path("<int:pk>/items/<int:item_pk>/", views.item_report, name="item"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/agree-rest/", views.opinions_agree_rest, name="agree_rest"),
    path("<int:pk>/review/pairs/", views.overlap_pairs, name="pairs"),
    path("<int:pk>/review/<int:item_pk>/", views.opinion, name="opinion"),
    path("<int:pk>/review/<int:item_pk>/agree/", views.opinion_agree, name="agree"),
    path("<int:pk>/deliberate/", views.deliberate, name="deliberate"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/stats/", views.stats, name="stats"),
    path("<int:pk>/stats/export/", views.stats_export, name="stats_export"),
]
