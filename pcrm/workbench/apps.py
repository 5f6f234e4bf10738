from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "pcrm.workbench"
    label = "workbench"

    def ready(self) -> None:
        # The audit app cannot import the role matrix (it is a lower layer): give it
        # the capability check here, so /audit/ and its admin follow roles.toml.
        from pcrm.audit.access import set_capability_check
        from pcrm.org.roles import can

        set_capability_check(can)
