from yixie.core.errors import DomainError


class OrgError(DomainError):
    """A refused change to the organisation tables."""
