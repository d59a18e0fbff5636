"""A problem's timeline events in words."""

from .choices import ProblemState


def describe(event):
    data = event.data or {}
    if event.kind == "created":
        return "raised the problem"
    if event.kind == "state":
        return (
            f"moved it from {ProblemState.label(data.get('from', ''))} "
            f"to {ProblemState.label(data.get('to', ''))}"
        )
    if event.kind == "incident_linked":
        return f"linked incident {data.get('incident', '')}"
    if event.kind == "incident_unlinked":
        return f"unlinked incident {data.get('incident', '')}"
    if event.kind == "comment":
        return "commented"
    if event.kind == "updated":
        return "edited the problem"
    return event.kind.replace("_", " ")
