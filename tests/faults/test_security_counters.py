"""Security counters while Redis is really stopped: the login lockout, the API rate and the one-use TOTP
code are counted in PostgreSQL (the cache table) instead, and Redis is again their store once it is back.

First the cache alone, in the test process; then the portal under gunicorn with REDIS_URL pointing at the
test's own Redis (as in test_redis_outage.py), which is stopped (SIGTERM) and started again.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid

import pytest
import redis
from django.db import connection

from tcvn_portal.cache import FALLBACK_TABLE, PAUSE_AFTER_FAILURE, DegradingRedisCache
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.services import issue_api_token
from tests.accounts.helpers import PASSWORD, enrol_totp, totp_code
from tests.fixtures import create_member, create_organization

from .conftest import Browser, Gunicorn
from .test_redis_outage import portal_env

pytestmark = pytest.mark.django_db(transaction=True)

TOTP_KEY = "allauth.mfa.totp.used?user=7&code=123456"
HISTORY_KEY = "allauth:rl:allauth.account:login_failed:5/900.0/key:abc"
LOCK_KEY = HISTORY_KEY + ":lock"
LOCKED_OUT = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."
WRONG_PASSWORD = "Địa chỉ email hoặc mật khẩu không đúng."


def stored_keys(prefix: str) -> set[str]:
    """The keys in the database's cache table under `prefix` (the cache's KEY_PREFIX)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {FALLBACK_TABLE} WHERE cache_key LIKE %s", [f"{prefix}:%"])
        return {row[0] for row in cursor.fetchall()}


def redis_keys(url: str, pattern: str) -> set[str]:
    return {key.decode() for key in redis.Redis.from_url(url).scan_iter(match=pattern)}


def test_security_keys_are_kept_in_the_database_while_redis_is_down_and_in_redis_again_after(redis_server):
    prefix = f"fault-security-{uuid.uuid4().hex[:8]}"
    cache = DegradingRedisCache(redis_server.url, {"KEY_PREFIX": prefix})
    redis_server.stop()

    # A used TOTP code: the first use marks it, the second is refused — as Redis's SET NX would.
    assert cache.add(TOTP_KEY, "y", timeout=90) is True
    assert cache.add(TOTP_KEY, "y", timeout=90) is False
    # allauth's rate limit: a lock, a history read and written, the lock released.
    assert cache.add(LOCK_KEY, True, timeout=10) is True
    assert cache.add(LOCK_KEY, True, timeout=10) is False
    assert cache.get(HISTORY_KEY, []) == []
    cache.set(HISTORY_KEY, [3.0, 2.0, 1.0], 900)
    assert cache.delete(LOCK_KEY) is True
    assert cache.add(LOCK_KEY, True, timeout=10) is True
    assert cache.get(HISTORY_KEY) == [3.0, 2.0, 1.0] and cache.has_key(HISTORY_KEY)
    # DRF's throttle history, and the rest of the interface.
    cache.set("throttle_user_7", [1.0], 60)
    assert cache.add("throttle_count_7", 1) is True
    assert cache.incr("throttle_count_7", 1) == 2 and cache.get("throttle_count_7") == 2
    assert cache.get_many(["throttle_user_7", "trace:batch:1"]) == {"throttle_user_7": [1.0]}
    assert cache.set_many({"throttle_anon_1.2.3.4": [1.0], "trace:batch:1": "page"}) == ["trace:batch:1"]
    assert cache.get("trace:batch:1", "miss") == "miss"  # other keys still only miss
    assert stored_keys(prefix) == {
        f"{prefix}:1:{key}"
        for key in (
            TOTP_KEY,
            HISTORY_KEY,
            LOCK_KEY,
            "throttle_user_7",
            "throttle_count_7",
            "throttle_anon_1.2.3.4",
        )
    }
    cache.delete_many([LOCK_KEY, "throttle_count_7"])
    assert f"{prefix}:1:{LOCK_KEY}" not in stored_keys(prefix)

    redis_server.start()
    time.sleep(PAUSE_AFTER_FAILURE + 0.2)  # the backend tries Redis again after its pause
    before = stored_keys(prefix)
    assert cache.add("allauth.mfa.totp.used?user=8&code=654321", "y", timeout=90) is True
    cache.set("throttle_user_8", [1.0], 60)
    assert cache.get("throttle_user_8") == [1.0]
    assert redis_keys(redis_server.url, f"{prefix}:*") == {
        f"{prefix}:1:allauth.mfa.totp.used?user=8&code=654321",
        f"{prefix}:1:throttle_user_8",
    }
    assert stored_keys(prefix) == before  # the database is no longer written


def test_portal_locks_out_throttles_and_refuses_a_reused_totp_code_while_redis_is_stopped(
    tenant_a, redis_server, tmp_path
):
    locked = create_member(tenant_a, Role.BUSINESS, email=f"locked-{uuid.uuid4().hex[:8]}@example.vn")
    other = create_member(tenant_a, Role.BUSINESS, email=f"other-{uuid.uuid4().hex[:8]}@example.vn")
    inspector = create_member(tenant_a, Role.INSPECTOR)
    secret = enrol_totp(inspector)
    erp_users = [
        create_member(tenant_a, Role.BUSINESS, organization=create_organization(tenant_a)) for _ in range(2)
    ]
    with tenant_context(tenant_a):
        tokens = [
            issue_api_token(membership=Membership.objects.get(user=user), name="ERP") for user in erp_users
        ]
    env = {**portal_env(redis_server.url), "TCVN_TEST_API_USER_RATE": "3/min"}
    web = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    web.start()
    prefix = f"tcvn-test-{env['TCVN_TEST_DATABASE']}"  # the portal's KEY_PREFIX (settings/test.py)
    try:
        redis_server.stop()

        # Five wrong passwords are refused as wrong; the sixth attempt, even with the right one, is locked.
        browser = Browser(web.url(""))
        for _ in range(5):
            status, body, _ = browser.post(
                "/accounts/login/", {"login": locked.email, "password": "wrong-pass-1"}
            )
            assert status == 200 and WRONG_PASSWORD in body
        status, body, _ = browser.post(
            "/accounts/login/", {"login": locked.email, "password": "wrong-pass-1"}
        )
        assert status == 200 and LOCKED_OUT in body
        status, body, _ = browser.post("/accounts/login/", {"login": locked.email, "password": PASSWORD})
        assert status == 200 and LOCKED_OUT in body and "sessionid" not in browser.cookies
        # The lockout is per address: the right password of another account still logs in.
        status, _body, headers = Browser(web.url("")).post(
            "/accounts/login/", {"login": other.email, "password": PASSWORD}
        )
        assert status == 302 and "login" not in headers["Location"]

        # An API token is throttled at its rate (3 a minute here).
        assert [api_get(web, tokens[0]) for _ in range(4)] == [200, 200, 200, 429]

        # An official's password and TOTP code log in; the same code is refused the second time.
        assert totp_login(web, inspector.email, totp_code(secret)) == (302, "")
        status, body = totp_login(web, inspector.email, totp_code(secret))
        assert status == 200 and "Mã không đúng." in body

        written = stored_keys(prefix)
        assert any(":allauth:rl:" in key for key in written)
        assert any(f"allauth.mfa.totp.used?user={inspector.pk}&" in key for key in written)
        assert f"{prefix}:1:throttle_user_{erp_users[0].pk}" in written

        redis_server.start()  # the same port, empty
        time.sleep(PAUSE_AFTER_FAILURE + 0.5)  # each worker tries Redis again after its pause

        # Redis is the store again: the second token's rate is counted there, nothing more in the database.
        assert [api_get(web, tokens[1]) for _ in range(4)] == [200, 200, 200, 429]
        assert redis_keys(redis_server.url, f"{prefix}:1:throttle_user_{erp_users[1].pk}")
        assert stored_keys(prefix) == written
        assert "Traceback" not in web.log.read_text()
    finally:
        web.stop()


def api_get(web: Gunicorn, token: str) -> int:
    request = urllib.request.Request(web.url("/api/v1/organizations/"))  # noqa: S310 - loopback only
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def totp_login(web: Gunicorn, email: str, code: str) -> tuple[int, str]:
    """Password, then the TOTP code, in a fresh browser: the second step's status and (on 200) page."""
    browser = Browser(web.url(""))
    status, _body, headers = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert status == 302 and headers["Location"] == "/accounts/2fa/authenticate/"
    status, body, headers = browser.post("/accounts/2fa/authenticate/", {"code": code})
    if status == 302:
        assert browser.get("/dashboard/")[0] == 200
        return status, ""
    return status, body
