"""django-csp's middleware, with the site's own policy built once instead of twice per response.

Most responses carry the policy of the settings unchanged: no nonce was asked for and no view decorator
(csp_update, csp_replace, csp_exempt…) touched it. That header is the same string every time, yet django-csp
rebuilds it, and its report-only twin, from the settings on every response: about 5 % of the public scan
page's Python. Any other response goes through django-csp as before.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view decorator leaves on its response (csp.decorators); any of them means a policy of its own.
_PER_RESPONSE = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


@cache
def _site_policy() -> tuple[str, str] | None:
    """The policy and report-only headers of the settings, or None when a setting excludes URL prefixes
    (then django-csp decides per request)."""
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _forget_site_policy(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class PortalCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        policy = _site_policy()
        if (
            policy is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        enforced, report_only = policy
        if enforced and HEADER not in response:
            response[HEADER] = enforced
        if report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header is written would be in no header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
