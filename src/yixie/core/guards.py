"""Request guards that hold for every view, before any view code runs."""

from __future__ import annotations

import re

from django.shortcuts import render

#: C0 control characters other than tab, newline and carriage return (NUL first among them): no form
#: or search on the site takes them, and PostgreSQL refuses NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ControlCharacterMiddleware:
    """A URL parameter carrying a control character (a NUL, say) gets a Chinese 400 page, never reaches a
    view and so never a database. Posted forms are checked by their fields (Django's CharField refuses NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
                return render(request, "errors/error.html", {
                    "title": "请求无效",
                    "message": f"网址参数“{_CONTROL.sub('', key)[:40]}”中含有无法处理的控制字符（如空字符），"
                               "请检查输入内容后重试。"}, status=400)
        return self.get_response(request)
