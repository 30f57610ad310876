"""What 制度保障 registers with the core registries: each part its own (work rules, disputes)."""


def register() -> None:
    from .registration_disputes import register as register_disputes
    from .registration_workrules import register as register_workrules

    register_workrules()
    register_disputes()
