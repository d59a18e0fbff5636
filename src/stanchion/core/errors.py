"""Errors raised by service functions; the web and API layers translate them."""

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """Someone else saved the record since the caller read it."""

    def __init__(self, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            f"{instance._meta.verbose_name.capitalize()} was changed by someone else "
            f"(you edited version {expected_version}, it is now at version {instance.version})."
        )


class TransitionError(ValidationError):
    """An invalid state change; the message names both states."""

    def __init__(self, model_name, from_state, to_state):
        super().__init__(
            f"A {model_name} cannot go from '{from_state}' to '{to_state}'.", code="transition"
        )
