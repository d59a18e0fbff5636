"""Public holidays by country and subdivision, from the ``holidays`` package."""

from functools import cache

import holidays as holidays_lib
from django.core.exceptions import ValidationError


@cache
def _supported():
    return holidays_lib.list_supported_countries()


def validate_holiday_region(country, subdivision):
    if not country:
        if subdivision:
            raise ValidationError(
                {"holiday_country": "Choose a country for the subdivision's holidays."}
            )
        return
    supported = _supported()
    if country not in supported:
        raise ValidationError(
            {"holiday_country": f"'{country}' is not a country with known public holidays."}
        )
    if subdivision and subdivision not in supported[country]:
        raise ValidationError(
            {
                "holiday_subdivision": f"'{subdivision}' is not a subdivision of {country} "
                f"(known: {', '.join(supported[country][:12])}…)."
            }
        )


@cache
def public_holidays(country, subdivision, year):
    """{date: name} for one year; cached because every SLA computation asks."""
    if not country:
        return {}
    # English names whatever the server locale: the UI and API speak English.
    return dict(
        holidays_lib.country_holidays(
            country, subdiv=subdivision or None, years=year, language="en_US"
        )
    )
