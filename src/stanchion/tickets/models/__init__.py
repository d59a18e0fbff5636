from .attachments import Attachment
from .clocks import SlaClock
from .csat import CsatSurvey
from .fulfilment import Approval, Task
from .saved_views import SavedView
from .tickets import Category, PriorityMatrix, Ticket, TicketLink
from .timeline import TimelineEvent

__all__ = [
    "Approval",
    "Attachment",
    "Category",
    "CsatSurvey",
    "PriorityMatrix",
    "SavedView",
    "SlaClock",
    "Task",
    "Ticket",
    "TicketLink",
    "TimelineEvent",
]
