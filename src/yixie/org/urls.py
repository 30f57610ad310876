from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<int:pk>/holder/", views.post_holder, name="post_holder"),
]
