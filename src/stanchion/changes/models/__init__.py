from .approvals import ApprovalDelegation, ChangeApproval
from .cab import CabAgendaItem, CabAttendance, CabMeeting
from .changes import Change, ChangeEvent, ChangeIncident, ChangeTemplate
from .feeds import CalendarFeed
from .schedule import Blackout, MaintenanceWindow

__all__ = [
    "ApprovalDelegation",
    "Blackout",
    "CabAgendaItem",
    "CabAttendance",
    "CabMeeting",
    "CalendarFeed",
    "Change",
    "ChangeApproval",
    "ChangeEvent",
    "ChangeIncident",
    "ChangeTemplate",
    "MaintenanceWindow",
]
