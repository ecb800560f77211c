"""Domain errors raised by services; their message is shown to the user as it is."""


class DomainError(Exception):
    """A rule of the domain forbids what was asked. The message is Chinese."""


class NotPermitted(DomainError):
    """The actor's roles do not allow the action on that body."""
