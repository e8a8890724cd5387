"""Writes of the accounts layer: business self-registration and its review, members of a tenant.

Every change to a membership or a review is a save of a tenant-owned model, so the audit trail records
it with the acting user. Emails go out only once the transaction has committed.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role

from .models import RegistrationReview

User = get_user_model()


def _send_after_commit(*, to: str, template: str, context: dict) -> None:
    """Renders `accounts/email/<template>_{subject,message}.txt` in Vietnamese and sends it after commit."""

    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
            body = render_to_string(f"accounts/email/{template}_message.txt", context)
        send_mail(subject, body, None, [to])

    transaction.on_commit(send)


def register_business(
    *, user, tenant: Tenant, full_name: str, phone: str, organization_name: str, tax_code: str, address: str
) -> Membership:
    """Makes a just-signed-up user a business member of `tenant`, waiting for approval.

    The membership is linked to the tenant's organisation with that tax code, or to a new one. A pending
    membership grants nothing: the user sees only their registration's status until an admin approves.
    """
    user.full_name = full_name
    user.phone = phone
    user.save(update_fields=["full_name", "phone"])
    with tenant_context(tenant, user_id=user.pk):
        organization = Organization.objects.filter(tax_code=tax_code).first()
        if organization is None:
            organization = Organization(
                kind=Organization.Kind.BUSINESS,
                name=organization_name,
                tax_code=tax_code,
                address=address,
                phone=phone,
                email=user.email,
            )
            organization.full_clean(exclude=["tenant"])
            organization.save()
        return Membership.objects.create(
            user=user, role=Role.BUSINESS, organization=organization, status=Membership.Status.PENDING
        )


def _require_pending(membership: Membership) -> None:
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This registration has already been decided."))


def approve_registration(*, membership: Membership, actor) -> RegistrationReview:
    """Activates a pending business membership and tells the applicant by email."""
    _require_pending(membership)
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    review = RegistrationReview.objects.create(
        membership=membership, outcome=RegistrationReview.Outcome.APPROVED, reviewer=actor
    )
    _send_after_commit(
        to=membership.user.email,
        template="registration_approved",
        context={"membership": membership, "tenant": membership.tenant},
    )
    return review


def reject_registration(*, membership: Membership, actor, reason: str) -> RegistrationReview:
    """Refuses a pending business membership; the reason is required, kept and sent to the applicant."""
    _require_pending(membership)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing, so the applicant can correct it.")})
    membership.status = Membership.Status.REJECTED
    membership.save(update_fields=["status"])
    review = RegistrationReview.objects.create(
        membership=membership, outcome=RegistrationReview.Outcome.REJECTED, reason=reason, reviewer=actor
    )
    _send_after_commit(
        to=membership.user.email,
        template="registration_rejected",
        context={"membership": membership, "tenant": membership.tenant, "reason": reason},
    )
    return review


def _validate_role(role: str, organization: Organization | None) -> None:
    if role == Role.ISO_FOCAL and (organization is None or organization.kind != Organization.Kind.AGENCY):
        raise ValidationError({"organization": _("An agency ISO focal person needs their state agency.")})


def invite_member(
    *,
    tenant: Tenant,
    email: str,
    full_name: str,
    role: str,
    actor,
    base_url: str,
    organization: Organization | None = None,
) -> Membership:
    """Gives a person a role in `tenant`, creating their account if they have none.

    A new account has no password: the email carries allauth's password-reset link, so the person sets
    their own and no password ever passes through an administrator.
    """
    _validate_role(role, organization)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    elif Membership.objects.filter(user=user).exists():
        raise ValidationError({"email": _("This person is already a member of this province.")})
    membership = Membership.objects.create(
        user=user, role=role, organization=organization, status=Membership.Status.ACTIVE
    )
    if user.has_usable_password():
        link = base_url + reverse("account_login")
    else:
        link = base_url + reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
    _send_after_commit(
        to=user.email,
        template="member_invited",
        context={
            "membership": membership,
            "tenant": tenant,
            "link": link,
            "inviter": actor,
            "new_account": not user.has_usable_password(),
        },
    )
    return membership


def _refuse_self(membership: Membership, actor) -> None:
    # An administrator who demotes or suspends themselves may leave the province with nobody to manage it.
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot change your own membership; ask another administrator."))


def change_role(*, membership: Membership, role: str, actor) -> Membership:
    """Gives a member another role in the active tenant."""
    _refuse_self(membership, actor)
    if membership.role == Role.BUSINESS or role == Role.BUSINESS:
        raise ValidationError({"role": _("A business account keeps the business role.")})
    _validate_role(role, membership.organization)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def suspend_member(*, membership: Membership, actor) -> Membership:
    """Takes every right in this tenant away from the member, keeping the membership and its history."""
    _refuse_self(membership, actor)
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only an active member can be suspended."))
    membership.status = Membership.Status.SUSPENDED
    membership.save(update_fields=["status"])
    return membership


def reactivate_member(*, membership: Membership, actor) -> Membership:
    _refuse_self(membership, actor)
    if membership.status != Membership.Status.SUSPENDED:
        raise ValidationError(_("Only a suspended member can be reactivated."))
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    return membership
