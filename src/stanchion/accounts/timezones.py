import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def time_zone_names():
    return sorted(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in set(time_zone_names()):
        raise ValidationError(f"'{value}' is not a known time zone (use e.g. Europe/Berlin).")
