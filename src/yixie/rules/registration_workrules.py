"""Work rules: actions and grants, navigation, to-dos, URL samples."""


def register() -> None:
    pass
