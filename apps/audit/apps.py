from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"

    def ready(self) -> None:
        from apps.audit.console import console_audit_install

        console_audit_install()  # console changes -> audit events with the operator's name
