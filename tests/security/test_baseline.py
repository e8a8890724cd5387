"""The security baseline: a strict CSP on every page, pages that need no inline script or style, and
production settings with secure cookies and HSTS.

Lockout, MFA for officials and the admin behind MFA are proven in tests/accounts (test_login.py,
test_mfa.py); `check --deploy` in tests/ops/test_production.py; upload headers in tests/attachments.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from tests.ops.test_production import PRODUCTION_ENV, _run
from tests.urls import route_path, routes

pytestmark = pytest.mark.django_db

SKIPPED = ("admin/", "i18n/", "accounts/logout", "healthz", "api/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=\"|\son[a-z]+=\"", re.I)


def plain_get_routes() -> list[str]:
    """Every route of the URLconf without captured arguments: the lists, forms and dashboards."""
    found = []
    for route, _pattern in routes():
        if "<" in route or "(?P" in route or route.startswith(SKIPPED):
            continue
        path = route_path(route)
        if not re.search(r"[\\()\[\]*+?|]", path):
            found.append(path)
    return sorted(set(found))


def test_every_page_carries_a_csp_without_unsafe_inline_and_needs_none(role_users, client_for, client):
    routes = plain_get_routes()
    assert len(routes) > 20, routes
    offenders = []
    pages = 0
    for user in [None, *role_users.values()]:
        browser = client_for(user) if user else client
        for path in routes:
            response = browser.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            policy = response.get("Content-Security-Policy", "")
            body = response.content.decode(errors="replace")
            if (
                "script-src 'self'" not in policy
                or "style-src 'self'" not in policy
                or "unsafe-inline" in policy
                or "unsafe-eval" in policy
            ):
                offenders.append((path, "policy", policy))
            for pattern in (INLINE_SCRIPT, INLINE_STYLE):
                if match := pattern.search(body):
                    offenders.append((path, "inline", body[max(0, match.start() - 60) : match.end() + 60]))
    assert pages > 50, pages
    assert not offenders, "\n".join(map(str, offenders[:20]))


def test_api_docs_start_without_inline_script(client_for, role_users):
    client = client_for(role_users["tenant_admin"])
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert not INLINE_SCRIPT.search(client.get("/api/redoc/").content.decode())


def test_redoc_page_alone_allows_styles_carrying_its_nonce(client_for, role_users):
    client = client_for(role_users["tenant_admin"])
    response = client.get("/api/redoc/")
    page = response.content.decode()
    policy = response["Content-Security-Policy"]
    nonce = re.search(r'data-nonce="([^"]+)"', page).group(1)
    assert f"style-src 'self' 'nonce-{nonce}'" in policy and "worker-src 'self' blob:" in policy
    assert "unsafe-inline" not in policy and not INLINE_SCRIPT.search(page) and not INLINE_STYLE.search(page)
    # A nonce per response, and no other page allows one.
    assert nonce not in client.get("/api/redoc/")["Content-Security-Policy"]
    other = client.get("/dashboard/")["Content-Security-Policy"]
    assert "nonce-" not in other and "blob:" not in other


def test_public_scan_page_carries_the_csp_and_its_own_stylesheet(client):
    response = client.get("/01/08935049500121/10/LOT-1/21/NOT-A-REAL-CODE")
    assert response.status_code in (200, 404)
    body = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "/static/css/scan.css" in body and not INLINE_STYLE.search(body)


def test_the_site_policy_built_once_is_django_csps_own_and_follows_the_settings(client):
    from csp.utils import build_policy

    scan = "/01/08935049500121/10/LOT-1/21/NOT-A-REAL-CODE"
    assert client.get(scan)["Content-Security-Policy"] == build_policy()
    stricter = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=stricter, CONTENT_SECURITY_POLICY_REPORT_ONLY=stricter):
        response = client.get(scan)
        assert "img-src 'self';" in response["Content-Security-Policy"] + ";"
        assert "data:" not in response["Content-Security-Policy"]
        assert response["Content-Security-Policy-Report-Only"] == response["Content-Security-Policy"]
    after = client.get(scan)
    assert "img-src 'self' data:" in after["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in after


_PRINT_SECURITY = (
    "import django, json; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    " 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
    " 'SECURE_SSL_REDIRECT',"
    " 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'DEBUG')}))"
)


def test_production_cookies_are_secure_and_hsts_lasts_a_year(tmp_path):
    result = _run([sys.executable, "-c", _PRINT_SECURITY], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["DEBUG"] is False


def test_production_answers_https_requests_with_hsts_and_the_csp(tmp_path):
    """A real request through the production settings (test client, HTTPS as the proxy reports it); an
    API route, because production's static manifest exists only after collectstatic."""
    script = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/api/v1/organizations/', HTTP_X_FORWARDED_PROTO='https',"
        " HTTP_HOST='tdc.tuyenquang.example.vn');"
        "print(r.status_code, r.get('Strict-Transport-Security'), '|', r.get('Content-Security-Policy'))"
    )
    env = {**PRODUCTION_ENV, "DATABASE_URL": _app_url(), "REDIS_URL": settings.REDIS_URL}
    result = _run([sys.executable, "-c", script], env, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert "max-age=31536000; includeSubDomains; preload" in line, line
    assert "default-src 'self'" in line and "unsafe-inline" not in line, line


def _app_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
