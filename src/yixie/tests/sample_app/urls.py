from django.http import Http404, HttpResponse
from django.urls import path

from yixie.core.access import requires

app_name = "sample_capability"


@requires("sample.view")
def index(request):
    return HttpResponse("示例")


@requires("sample.view")
def item(request, pk: int):
    if pk < 0:
        raise Http404
    return HttpResponse(f"示例 {pk}")


urlpatterns = [path("", index, name="index"), path("<int:pk>/", item, name="item")]
