from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in and sessions: API tokens, two-factor sign-in, password change and reset."""

    name = "accounts"
