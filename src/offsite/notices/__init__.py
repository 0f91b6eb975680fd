"""Friendly notices that tell a sender why a message was stopped or changed, and what to do.

Notices are data: one TOML file per language in ``offsite/notices/templates`` (en, es, pt, fr,
de), with variants for teens and adults and for a first or a repeated slip. A site can point to
its own template directory: a file there with the same name overrides any of the strings, and a
new file adds a language.

    >>> from offsite.notices import render_notice
    >>> render_notice("profile", locale="en", field_name="bio", kinds=["phone"]).startswith(
    ...     "We couldn't save your bio")
    True
"""

from offsite.notices.catalog import (
    AUDIENCES,
    BUILTIN_LANGUAGES,
    NoticeError,
    Notices,
    default_notices,
    language_of,
    render_notice,
)

__all__ = [
    "AUDIENCES", "BUILTIN_LANGUAGES", "NoticeError", "Notices", "default_notices", "language_of",
    "render_notice",
]
