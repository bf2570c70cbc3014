"""What the browser tests of the htmx forms do to a form that a person could not do by typing: a value past the
field's ``maxlength``, a choice the page never offered (a stale page, a forged request). And the check that a
message reached the screen in Chinese, not in Django's English."""

from __future__ import annotations

import re

# Django's own messages, as they read when the catalogue misses them.
ENGLISH = ("Select a valid choice", "Ensure this value", "This field is required", "Enter a", "Invalid request",
           "is not one of the available choices")
CJK = re.compile(r"[\u4e00-\u9fff]")


def force_value(locator, value: str) -> None:
    """Put ``value`` in a text field past its ``maxlength`` and fire ``input`` and ``change`` as typing would."""
    locator.evaluate(
        """(field, value) => {
             field.removeAttribute("maxlength");
             field.value = value;
             field.dispatchEvent(new Event("input", {bubbles: true}));
             field.dispatchEvent(new Event("change", {bubbles: true}));
           }""", value)


def forge_option(select, value: str, label: str = "伪造的选项", *, fire: bool = True) -> None:
    """Add an option the page never offered to ``select``, choose it, and (``fire``) send ``change``."""
    select.evaluate(
        """(select, [value, label, fire]) => {
             const option = new Option(label, value, true, true);
             select.add(option);
             select.value = value;
             if (fire) { select.dispatchEvent(new Event("change", {bubbles: true})); }
           }""", [value, label, fire])


def assert_said_in_chinese(text: str, *expected: str) -> None:
    """The message is in Chinese, holds every ``expected`` piece, and no English message of Django's leaked."""
    assert CJK.search(text), text
    for piece in expected:
        assert piece in text, (piece, text)
    for english in ENGLISH:
        assert english not in text, (english, text)
