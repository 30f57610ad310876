from django.shortcuts import render

from yixie.core.access import AUTHENTICATED, requires

from . import selectors


@requires(AUTHENTICATED)
def home(request):
    return render(request, "insight/home.html", {"widgets": selectors.home_widgets(request.user)})
