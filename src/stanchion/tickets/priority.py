"""Impact x urgency -> priority. Plain Python: the matrix is data, so an
organisation can change it (tickets.models.PriorityMatrix stores its own)."""

LEVELS = ("1", "2", "3")
PRIORITIES = ("p1", "p2", "p3", "p4")

# The usual ITIL-style matrix: rows impact 1-3, columns urgency 1-3.
DEFAULT_MATRIX = {
    "1": {"1": "p1", "2": "p2", "3": "p3"},
    "2": {"1": "p2", "2": "p3", "3": "p3"},
    "3": {"1": "p3", "2": "p3", "3": "p4"},
}


def validate_matrix(matrix):
    """Raise ValueError naming the first bad cell."""
    if not isinstance(matrix, dict) or set(matrix) != set(LEVELS):
        raise ValueError("The matrix needs rows for impact 1, 2 and 3.")
    for impact in LEVELS:
        row = matrix[impact]
        if not isinstance(row, dict) or set(row) != set(LEVELS):
            raise ValueError(f"Impact {impact} needs a priority for urgency 1, 2 and 3.")
        for urgency in LEVELS:
            if row[urgency] not in PRIORITIES:
                raise ValueError(
                    f"Impact {impact}, urgency {urgency}: '{row[urgency]}' is not one of "
                    f"{', '.join(PRIORITIES)}."
                )


def priority_for(impact, urgency, matrix=None):
    matrix = matrix or DEFAULT_MATRIX
    try:
        return matrix[str(impact)][str(urgency)]
    except KeyError:
        raise ValueError(
            f"Impact and urgency must be 1, 2 or 3 (got {impact}, {urgency})."
        ) from None
