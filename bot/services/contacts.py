"""Phone numbers and other contact facts from `bot/contacts.yml`, as template values."""

from __future__ import annotations

from pathlib import Path

import yaml

CONTACTS_FILE = Path(__file__).resolve().parent.parent / "contacts.yml"


def load_contacts(path: Path = CONTACTS_FILE) -> dict[str, str]:
    """Template values for every entry: its value, its tel: link and its name, e.g.
    `contact_centre_phone`, `contact_centre_phone_tel`, `contact_centre_phone_name`."""
    raw: dict[str, dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    values: dict[str, str] = {}
    for name, entry in raw.items():
        values[name] = str(entry["value"])
        if "tel" in entry:
            values[f"{name}_tel"] = f"tel:{entry['tel']}"
        if "name" in entry:
            values[f"{name}_name"] = str(entry["name"])
    return values
