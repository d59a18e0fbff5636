"""`stanchion demo --tickets N`: the size of the service desk's year.

(Its own module: the demo goes into an empty directory, and the history
tests keep a demo company for their whole module.)"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_demo_command_takes_a_ticket_count(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--employees", "50", "--tickets", "4", stdout=out)
    counts = dict(re.findall(r"^\s+(\w[\w ]*?)\s+(\d+)$", out.getvalue(), re.M))
    planned = int(counts["Incidents"]) + int(counts["Service requests"])
    # Four over the year, the outage reports and this week's intake on top.
    assert planned >= 4 + 10
    with pytest.raises(CommandError, match="--tickets"):
        call_command("demo", "--tickets", "-1", stdout=StringIO())
