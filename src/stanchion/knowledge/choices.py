from stanchion.core.choices import ChoiceSet


class ArticleType(ChoiceSet):
    CHOICES = (
        ("howto", "How-to", "blue"),
        ("troubleshooting", "Troubleshooting", "amber"),
        ("runbook", "Runbook", "purple"),
        ("known_error", "Known error", "red"),
        ("faq", "FAQ", "teal"),
    )


class Audience(ChoiceSet):
    CHOICES = (
        # Every employee reads it in the portal, and it is suggested to them.
        ("employees", "Employees", "green"),
        # IT staff only: requesters never see it anywhere.
        ("it", "IT only", "grey"),
    )


class ArticleState(ChoiceSet):
    CHOICES = (
        ("draft", "Draft", "grey"),
        ("published", "Published", "green"),
        ("retired", "Retired", "red"),
    )


# Allowed state moves (the article's workflow, as data).
TRANSITIONS = {
    "draft": ("published", "retired"),
    "published": ("retired",),
    "retired": ("published",),
}
