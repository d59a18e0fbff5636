from .calendars import BusinessCalendar, Closure, WorkingInterval
from .items import CatalogItem, FulfilmentTaskTemplate
from .policies import OlaPolicy, SlaPolicy
from .services import Service, ServiceDependency, ServiceLink

__all__ = [
    "BusinessCalendar",
    "CatalogItem",
    "Closure",
    "FulfilmentTaskTemplate",
    "OlaPolicy",
    "Service",
    "ServiceDependency",
    "ServiceLink",
    "SlaPolicy",
    "WorkingInterval",
]
