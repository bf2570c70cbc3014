"""Read the official picker from a rendered page: the <option>s its <select> carries (only the chosen ones)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Select(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.found = name, False, False
        self.attrs: dict[str, str | None] = {}
        self.options: list[tuple[str, str, bool]] = []
        self._option: dict[str, str | None] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select" and values.get("name") == self.name and not self.found:
            self.inside, self.found, self.attrs = True, True, values
        elif tag == "option" and self.inside:
            self._option, self._text = values, ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None:
            self.options.append((self._option.get("value") or "", self._text.strip(), "selected" in self._option))
            self._option = None
        elif tag == "select" and self.inside:
            self.inside = False


def picker(html: str, name: str) -> _Select:
    """The <select name=...> of ``html``: ``.attrs`` and ``.options`` as (value, label, selected)."""
    parser = _Select(name)
    parser.feed(html)
    assert parser.found, f"no <select name={name}> on the page"
    return parser


def picker_values(html: str, name: str) -> list[str]:
    """The non-empty option values the picker carries (the chosen officials)."""
    return [value for value, _label, _selected in picker(html, name).options if value]
