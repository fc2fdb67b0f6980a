"""The site's URLs and one view that fails, for the 500 tests of test_console.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from careteam.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
handler500 = "careteam.errorpages.server_error"
