"""Excel export and import pages (filled in by the Excel io module)."""

from django.http import HttpResponse

from yixie.core.access import requires


@requires("ledger.export")
def export(request):
    return HttpResponse(status=501)


@requires("ledger.import")
def import_start(request):
    return HttpResponse(status=501)


@requires("ledger.import")
def import_status(request, pk):
    return HttpResponse(status=501)
