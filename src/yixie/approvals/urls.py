from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("todo/", views.todo, name="todo"),
    path("stats/", views.stats, name="stats"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("new/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/review/<str:step>/", views.review, name="review"),
    path("<int:pk>/deliberate/", views.deliberate, name="deliberate"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/files/<int:file_pk>/", views.file_download, name="file"),
]
