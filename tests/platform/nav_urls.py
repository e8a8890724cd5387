"""Only the instrument list resolves here, under another path (tests/platform/test_navigation.py)."""

from django.http import HttpResponse
from django.urls import include, path

metrology = ([path("", lambda request: HttpResponse(), name="instrument_list")], "metrology")

urlpatterns = [path("elsewhere/metrology/", include(metrology))]
