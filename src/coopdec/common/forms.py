"""Form pieces shared by the apps."""

from django import forms

# A day picked in the browser's own calendar. Its value is always ISO ("2026-03-01"), whatever the
# reader's language: a browser shows an empty box for a value written the French way ("01/03/2026"),
# and a form posted back from it would lose the day.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
