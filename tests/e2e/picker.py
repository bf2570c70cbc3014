"""Drive the official picker (Tom Select) as a person does: type part of a name, choose from the list."""

from __future__ import annotations


def pick_official(page, select_id: str, typed: str, label: str) -> None:
    """Type ``typed`` into the picker of ``<select id=select_id>`` and choose the official named ``label``."""
    page.locator(f"#{select_id}.tomselected").wait_for(state="attached")  # the script has set it up
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.press_sequentially(typed, delay=30)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=label).first
    try:
        option.wait_for(state="visible", timeout=3000)
    except Exception:  # the list closed while the answers came in: open it again, as a person would
        control.press("ArrowDown")
        option.wait_for(state="visible")
    option.click()
    page.locator(f"#{select_id} option:checked", has_text=label).first.wait_for(state="attached")
    page.keyboard.press("Escape")  # close a multiple picker's list
