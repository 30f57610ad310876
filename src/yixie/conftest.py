import pytest


@pytest.fixture
def city(db):
    from yixie.testing.factories import City

    return City()


@pytest.fixture
def client_for(client):
    """Log a test client in as the given user (bypassing the lockout backend's request requirement)."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
