"""Mounted at the site root: GS1 Digital Link paths must start with /01/ and the resolver description
lives at /.well-known/gs1resolver."""

from django.urls import path, re_path

from . import public_views, views

urlpatterns = [
    # The lot may hold "/" (percent-encoded in the URI, decoded by the time it is routed): the serial is
    # the last segment, so the lot takes everything between /10/ and /21/.
    re_path(
        r"^01/(?P<gtin>\d{14})/10/(?P<lot>.{1,20})/21/(?P<serial>[^/]{1,20})$",
        public_views.scan,
        name="traceability_scan",
    ),
    path(".well-known/gs1resolver", views.gs1resolver, name="gs1resolver"),
]
