from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(authenticator_added, dispatch_uid="tcvn_totp_activation_counts_as_mfa")
def totp_activation_counts_as_mfa(sender, request, user, authenticator, **kwargs):
    # Activating TOTP means typing a valid code from the new app: the session has just passed a second
    # factor, so the official is not asked for another code on the very next page.
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
