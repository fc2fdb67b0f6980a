from django.apps import AppConfig


class CaseManagementConfig(AppConfig):
    name = "casemanagement"

    def ready(self) -> None:
        from flags import sources
        from patients import summary

        from . import flag_sources, selectors

        sources.register(flag_sources.records)
        summary.contact_source_register(selectors.latest_contact_at)
