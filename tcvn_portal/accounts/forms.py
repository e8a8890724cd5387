from allauth.account.forms import SignupForm


class BusinessSignupForm(SignupForm):
    pass
