from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in and sessions: API tokens, two-factor sign-in, password change and reset."""

    name = "accounts"

    def ready(self) -> None:
        from careteam.signals import staff_credentials_revoke

        from . import schema  # noqa: F401  # registers the token scheme with drf-spectacular
        from .services import on_staff_credentials_revoke

        staff_credentials_revoke.connect(on_staff_credentials_revoke, dispatch_uid="accounts-revoke")
