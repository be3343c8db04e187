"""Submit an admin page's form as a browser without JavaScript would: every field's current
value, read from the HTML, then the test's changes."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.fields = []  # (name, value) in document order
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = [name, "multiple" in attrs, []]
        elif tag == "option" and self._select is not None:
            self._option = attrs
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form_id is not None:
            self.inside = False
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        if tag == "select" and self._select is not None:
            name, multiple, chosen = self._select
            for value in chosen if multiple else chosen[-1:]:
                self.fields.append((name, value))
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def close(self):
        super().close()


class _Options(_FormFields):
    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "option" and self._select is not None and "selected" in dict(attrs):
            self._select[2].append(dict(attrs).get("value", ""))


def form_data(html, form_id=None, **changes):
    """The fields of the form ``form_id`` (or of every form) as a dict for the test client
    (lists for repeated names), updated with ``changes``."""
    parser = _Options(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.update(changes)
    return data
