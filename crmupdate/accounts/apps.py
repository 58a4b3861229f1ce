from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crmupdate.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Registers the project's deploy checks (where sign-in goes).
        from crmupdate import checks  # noqa: F401
