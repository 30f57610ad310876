"""Duty disputes: actions and grants, navigation, to-dos, policy keys, URL samples."""


def register() -> None:
    pass
