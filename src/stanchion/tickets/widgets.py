"""Drop-downs for the busiest agent pages, written out in Python.

Django renders a ``<select>`` through a template include per option (and a
second one for each option's attributes): the queue's filter form and the
ticket page's assign form, a hundred-odd options each, spent more time there
than in all their queries. ``QuickSelect`` writes exactly the markup Django's
templates write, from the same context, without the template engine.
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """django/forms/widgets/attrs.html: ``False`` leaves the attribute out,
    ``True`` writes it bare. (Its ``stringformat:'s'`` is ``str()``, which
    conditional_escape applies.)"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


class QuickSelect(forms.Select):
    """A ``forms.Select`` whose ``render`` skips the template engine."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                value = conditional_escape(option["value"])
                label = conditional_escape(option["label"])
                parts.append(
                    f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts).strip())  # noqa: S308 - every value escaped above


def quicken_selects(form):
    """Render ``form``'s plain drop-downs with QuickSelect. The form's fields
    are its own copies (Django deep-copies them per form), so this changes
    nothing for other forms; subclasses of Select, which may render
    differently, are left alone."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = QuickSelect
    return form
