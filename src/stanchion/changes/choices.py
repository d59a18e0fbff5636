from stanchion.core.choices import ChoiceSet


class ChangeType(ChoiceSet):
    CHOICES = (
        # Pre-approved from a template: low risk, no approval step.
        ("standard", "Standard", "green"),
        # Assessed for risk, approved by the policy its risk level selects.
        ("normal", "Normal", "blue"),
        # Expedited approval by the emergency approvers; a retrospective
        # review is required before it can close.
        ("emergency", "Emergency", "red"),
    )


class ChangeState(ChoiceSet):
    CHOICES = (
        ("draft", "Draft", "grey"),
        ("assessment", "Assessment", "blue"),
        ("authorisation", "Authorisation", "purple"),
        ("scheduled", "Scheduled", "teal"),
        ("implementing", "Implementing", "amber"),
        ("review", "Review", "blue"),
        ("closed", "Closed", "green"),
        ("cancelled", "Cancelled", "grey"),
    )


OPEN_STATES = ("draft", "assessment", "authorisation", "scheduled", "implementing", "review")
# States whose planned times occupy the calendar and take part in conflicts.
PLANNED_STATES = ("assessment", "authorisation", "scheduled", "implementing")


class ChangeOutcome(ChoiceSet):
    CHOICES = (
        ("successful", "Successful", "green"),
        ("successful_with_issues", "Successful with issues", "amber"),
        ("failed", "Failed", "red"),
        ("rolled_back", "Rolled back", "red"),
    )


# Outcomes that count as a failed change (plus any change that caused an
# incident, whatever its recorded outcome).
FAILED_OUTCOMES = ("failed", "rolled_back")


class RiskLevel(ChoiceSet):
    CHOICES = (
        ("low", "Low", "green"),
        ("medium", "Medium", "amber"),
        ("high", "High", "red"),
    )


class ApproverKind(ChoiceSet):
    CHOICES = (
        ("team_manager", "Manager of the implementer team", "teal"),
        ("service_owner", "Owner team of an affected service", "blue"),
        ("cab", "Change advisory board", "purple"),
        ("emergency", "Emergency approvers", "red"),
    )


class ApprovalState(ChoiceSet):
    CHOICES = (
        ("pending", "Pending", "amber"),
        ("approved", "Approved", "green"),
        ("rejected", "Rejected", "red"),
        # The change went back to assessment (e.g. re-planned): the decision
        # no longer applies and a new approval round is opened.
        ("superseded", "Superseded", "grey"),
    )


class ConflictKind(ChoiceSet):
    CHOICES = (
        ("overlap", "Overlaps another change on the same service", "red"),
        ("dependent_overlap", "Overlaps a change on a dependent service", "amber"),
        ("outside_window", "Outside the service's maintenance window", "amber"),
        ("blackout", "Inside a blackout period", "red"),
    )


class CabMeetingState(ChoiceSet):
    CHOICES = (
        ("planned", "Planned", "blue"),
        ("held", "Held", "green"),
        ("cancelled", "Cancelled", "grey"),
    )


class CabDecision(ChoiceSet):
    CHOICES = (
        ("", "Not decided", "grey"),
        ("approved", "Approved", "green"),
        ("rejected", "Rejected", "red"),
        ("deferred", "Deferred", "amber"),
    )


class FeedOwnerKind(ChoiceSet):
    CHOICES = (
        ("user", "Personal", "blue"),
        ("team", "Team", "teal"),
    )
