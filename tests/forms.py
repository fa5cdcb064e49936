"""A page's form posted back as a browser would post it, for tests that save what a page shows."""

import re

import lxml.html

# What a browser keeps of a value written into a date or number box (the HTML value sanitization
# algorithm): a value it cannot read becomes empty, and the form posts nothing for that field.
SANITISED = {
    "date": re.compile(r"^\d{4,}-\d\d-\d\d$"),
    "number": re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$"),
}


def posted_back(content: bytes, *, field: str | None = None) -> dict[str, list[str]]:
    """The values a browser would post from the page ``content``, untouched: its form holding ``field``,
    else its largest POST form."""
    page = lxml.html.fromstring(content)
    if field:
        (form,) = [form for form in page.forms if field in form.fields]
    else:
        form = max((form for form in page.forms if form.method == "POST"), key=lambda form: len(form.inputs))
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        element = form.inputs[name]
        if getattr(element, "tag", "") == "textarea":
            value = value.removeprefix("\n")  # HTML drops a textarea's first line break; lxml keeps it
        kind = getattr(element, "type", "")
        if kind in SANITISED and value and not SANITISED[kind].match(value):
            value = ""
        data.setdefault(name, []).append(value)
    return data
