"""Domain errors raised by services; the HTTP layer maps them to statuses
(app/core/http_errors.py). Services never see an HTTP status."""


class DomainError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The named entity does not exist (or is a variant nobody implements)."""


class Conflict(DomainError):
    """A uniqueness rule would be broken."""


class Unauthenticated(DomainError):
    """No valid credentials."""


class Invalid(DomainError):
    """Input the schemas accept but the use case does not."""


class UpstreamFailed(DomainError):
    """The real upstream did not answer with JSON."""


class UpstreamMissing(DomainError):
    """No upstream is configured."""


class SerializationFailure(DomainError):
    """A SERIALIZABLE transaction lost to a concurrent one."""
