"""What the portal asks of allauth.mfa: has this user a TOTP authenticator, did this session pass MFA."""

from __future__ import annotations

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

# allauth stores beside the records the id of the user they belong to; records of another user don't count.
_RECORDS_USER_SESSION_KEY = "account_authentication_methods_user"


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session's login (or a later reauthentication) included a second factor."""
    session = request.session
    owner = session.get(_RECORDS_USER_SESSION_KEY)
    if owner is not None and owner != str(request.user.pk):
        return False
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    return isinstance(records, list) and any(
        isinstance(record, dict) and record.get("method") == "mfa" for record in records
    )
