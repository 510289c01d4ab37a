"""Settings with a fixed set of string values, as enums: given as its string a value becomes
its member; anything else is refused with the setting's name and the values it allows."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

Choice = TypeVar("Choice", bound=StrEnum)


def choice(kind: type[Choice], value: object, setting: str) -> Choice:
    """`value` as a member of `kind` (a member, or its string); ValueError naming `setting`
    and the allowed values for anything else."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass  # refused below, by the setting's name
    allowed = ", ".join(repr(member.value) for member in kind)
    raise ValueError(f"{setting} must be one of {allowed}, not {value!r}")
