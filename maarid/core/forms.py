from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import auth, services
from .models import User
from .phones import looks_like_phone, normalise_phone


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("That e-mail or number and password do not match an account."),
        "inactive": _("This account is not active."),
        "throttled": _("Too many failed attempts. Wait a few minutes and try again."),
    }

    def clean(self):
        # The throttle is in the authentication backend (maarid.core.auth), where every login
        # form passes; here it only chooses the message.
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            self.user_cache = authenticate(self.request, username=identifier, password=password)
            if self.user_cache is None:
                if auth.login_throttled(self.request):
                    raise ValidationError(self.error_messages["throttled"], code="throttled")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ContactField(forms.CharField):
    """An e-mail address or a Moroccan mobile number; cleans to {"email": …} or {"phone": …}."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("E-mail or Moroccan mobile number"))
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if "@" in value:
            return {"email": forms.EmailField().clean(value).lower()}
        if looks_like_phone(value):
            return {"phone": normalise_phone(value, mobile_only=True)}
        raise ValidationError(_("Enter an e-mail address or a Moroccan mobile number."))


class SignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    contact = ContactField(
        help_text=_("You will sign in with it. A mobile number looks like 0612345678."),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the personal data notice and agree to it (law 09-08)."),
    )

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        services.require_free_contact(contact)  # said here too, beside the field
        return contact

    def clean(self):
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1,
                    User(
                        first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
                    ),
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(label=_("E-mail or mobile number"), max_length=254)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password1") != data.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        if data.get("password1"):
            password_validation.validate_password(data["password1"], self.user)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "show_contact_publicly"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token or device"), max_length=100)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form that sent it: on its field when it names one of
    the form's fields, else above the form."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
