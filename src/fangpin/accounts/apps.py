from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "fangpin.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="fangpin.session_started")


class BackOfficeConfig(admin_apps.AdminConfig):
    """Installed instead of django.contrib.admin so that `admin.site` is the BackOfficeSite
    (superusers only, login through the lockout)."""

    default = False  # not the accounts app's own config
    default_site = "fangpin.accounts.backoffice.BackOfficeSite"
