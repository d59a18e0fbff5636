"""The organisation's KPI targets, one row per KPI (and per priority for
KPIs with targets per priority)."""

import math

from django import forms

from .registry import kpis


class KpiTargetForm(forms.Form):
    kpi = forms.CharField(max_length=64, error_messages={"required": "Say which KPI (kpi)."})
    priority = forms.CharField(max_length=2, required=False)
    target = forms.FloatField(
        error_messages={
            "required": "Enter a target: a number such as 95.",
            "invalid": "The target must be a number, such as 95.",
        }
    )
    warning = forms.FloatField(
        required=False,
        error_messages={"invalid": "The warning threshold must be a number, or empty for none."},
    )
    version = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={"invalid": "The version must be a whole number; reload the page."},
    )

    def clean_kpi(self):
        key = self.cleaned_data["kpi"]
        kpi = kpis.get(key)
        if kpi is None:
            raise forms.ValidationError(f"There is no KPI {key!r}.")
        return key

    def clean_priority(self):
        priority = self.cleaned_data.get("priority") or ""
        kpi = kpis.get(self.data.get("kpi", ""))
        if priority and (kpi is None or priority not in kpi.priority_targets):
            name = kpi.name if kpi else "This KPI"
            raise forms.ValidationError(f"{name} has no target per priority {priority!r}.")
        return priority

    def clean_target(self):
        return self._finite("target", "The target")

    def clean_warning(self):
        return self._finite("warning", "The warning threshold")

    def _finite(self, name, words):
        number = self.cleaned_data.get(name)
        if number is not None and not math.isfinite(number):
            raise forms.ValidationError(f"{words} must be a finite number.")
        return number
