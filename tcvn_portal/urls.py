from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from tcvn_portal.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # GS1 Digital Link /01/… and /.well-known/gs1resolver: the busiest anonymous page, so tried early.
    path("", include("traceability.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("tcvn_portal.accounts.urls")),
    path("", include("tcvn_portal.core.urls")),
    path("org/", include("tcvn_portal.tenancy.urls")),
    path("audit/", include("tcvn_portal.audit.urls")),
    path("files/", include("tcvn_portal.attachments.urls")),
    path("notifications/", include("tcvn_portal.notifications.urls")),
    path("inspections/", include("inspections.urls")),
    path("metrology/", include("metrology.urls")),
    path("iso/", include("iso_qms.urls")),
    path("traceability/", include("traceability.urls")),
    path("reports/", include("tcvn_portal.reports.urls")),
    path("api/v1/", include("tcvn_portal.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc draws with <style> elements it inserts itself, and searches in a worker it makes from a blob:
    # this page alone allows the styles carrying its nonce, and that worker.
    path(
        "api/redoc/",
        csp_update({"style-src": [NONCE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]
