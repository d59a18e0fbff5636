from stanchion.core.choices import ChoiceSet


class EmploymentStatus(ChoiceSet):
    CHOICES = (
        ("pre_hire", "Pre-hire", "blue"),
        ("active", "Active", "green"),
        ("on_leave", "On leave", "amber"),
        ("terminated", "Terminated", "grey"),
    )


class SupportTier(ChoiceSet):
    CHOICES = (
        ("l1", "L1 (service desk)", "blue"),
        ("l2", "L2 (specialist)", "teal"),
        ("l3", "L3 (engineering)", "purple"),
    )


class TokenScope(ChoiceSet):
    CHOICES = (
        ("read", "Read only", "grey"),
        ("write", "Read and write", "amber"),
    )
