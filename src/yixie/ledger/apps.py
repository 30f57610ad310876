from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yixie.ledger"
    label = "ledger"
    verbose_name = "台账"
