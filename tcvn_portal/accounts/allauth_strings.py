"""allauth ships no Vietnamese catalog. These are the strings of its Python code that our pages show
(form labels, form errors); listing them here lets `makemessages` carry them into this app's catalog,
where they get their Vietnamese. Strings of allauth's templates come with our overrides in templates/.
"""

from django.utils.translation import gettext_noop

ALLAUTH_STRINGS = (
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Code"),
    gettext_noop("Authenticator code"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
    gettext_noop("This account is currently inactive."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Please type your current password."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Incorrect code."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop("You cannot activate two-factor authentication until you have verified your email address."),
    gettext_noop("You cannot generate recovery codes without having two-factor authentication enabled."),
)
