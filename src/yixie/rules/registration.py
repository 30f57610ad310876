"""What 制度保障 registers with the core registries (actions and grants, navigation, to-dos, URL samples)."""


def register() -> None:
    # Filled in by the work-rules and disputes parts.
    pass
