"""Loading, validating and rendering notice templates (see :mod:`offsite.notices`)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from offsite.lru import BoundedMemo
from offsite.models import AgeGroup, Kind

BUILTIN_LANGUAGES = ("en", "es", "pt", "fr", "de")
DEFAULT_LANGUAGE = "en"
AUDIENCES = ("adult", "teen")
SLIPS = ("first", "repeat")
SHARED_KEYS = ("why", "why_short", "instead")
PLACEHOLDERS = frozenset({"kinds", "field", "the_field", "mute", *SHARED_KEYS})
UNITS = ("minute", "hour", "day")
_VARIANTS = frozenset(
    {*SLIPS, *(f"{slip}_{audience}" for slip in SLIPS for audience in AUDIENCES)}
)
_LANG = re.compile(r"^[a-z]{2,3}$")
_KEY = re.compile(r"^[a-z][a-z0-9_.-]*$")


class NoticeError(ValueError):
    """A template file is invalid, or a notice that does not exist was asked for."""


@dataclass(frozen=True)
class Language:
    """The notice texts of one language (validated)."""

    code: str
    name: str
    words: Mapping[str, str]
    kinds: Mapping[str, str]
    fields: Mapping[str, str]
    units: Mapping[str, tuple[str, str]]
    shared: Mapping[str, Mapping[str, str]]
    notices: Mapping[str, Mapping[str, str]]


def language_of(locale: str | None) -> str:
    """``pt-BR`` / ``pt_BR`` / ``PT`` -> ``pt``; empty -> ``en``."""
    if not locale:
        return DEFAULT_LANGUAGE
    return re.split(r"[-_.@]", locale.strip().lower(), maxsplit=1)[0] or DEFAULT_LANGUAGE


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path | None, text: str | None, source: str) -> dict[str, Any]:
    try:
        if text is None:
            assert path is not None
            text = path.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise NoticeError(f"{source}: cannot read it ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise NoticeError(f"{source}: not valid TOML: {exc}") from None


def _strings(data: Any, where: str, source: str, *, placeholders: frozenset[str] | None = None,
             keys: Iterable[str] | None = None) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise NoticeError(f"{source}: {where}: expected a table")
    out: dict[str, str] = {}
    allowed = set(keys) if keys is not None else None
    for key, value in data.items():
        if allowed is not None and key not in allowed:
            raise NoticeError(f"{source}: {where}.{key}: unknown key (expected one of {', '.join(sorted(allowed))})")
        if not isinstance(value, str) or not value.strip():
            raise NoticeError(f"{source}: {where}.{key}: expected a non-empty string")
        template = Template(value)
        if not template.is_valid():
            raise NoticeError(f"{source}: {where}.{key}: a '$' that is not a placeholder (write $$ for a dollar sign)")
        used = set(template.get_identifiers())
        bad = used - (placeholders or frozenset())
        if bad:
            ok = ", ".join(f"${p}" for p in sorted(placeholders or ())) or "none"
            raise NoticeError(f"{source}: {where}.{key}: unknown placeholder(s) "
                              f"{', '.join('$' + b for b in sorted(bad))} (allowed: {ok})")
        out[key] = value
    return out


def _language(code: str, data: Mapping[str, Any], source: str) -> Language:
    allowed_top = {"language", "words", "kinds", "fields", "units", "shared", "notices"}
    for key in data:
        if key not in allowed_top:
            raise NoticeError(f"{source}: {key}: unknown key (expected one of {', '.join(sorted(allowed_top))})")
    name = data.get("language", code)
    if not isinstance(name, str):
        raise NoticeError(f"{source}: language: expected a string")
    words = _strings(data.get("words", {}), "words", source, keys=("and", "this_field", "the_field"),
                     placeholders=frozenset({"name"}))
    kinds = _strings(data.get("kinds", {}), "kinds", source, keys=[*(k.value for k in Kind), "other"])
    fields = _strings(data.get("fields", {}), "fields", source)
    units_raw = data.get("units", {})
    if not isinstance(units_raw, Mapping):
        raise NoticeError(f"{source}: units: expected a table")
    units: dict[str, tuple[str, str]] = {}
    for key, value in units_raw.items():
        if key not in UNITS:
            raise NoticeError(f"{source}: units.{key}: unknown unit (expected one of {', '.join(UNITS)})")
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v for v in value)):
            raise NoticeError(f"{source}: units.{key}: expected [singular, plural]")
        units[key] = (value[0], value[1])
    shared_raw = data.get("shared", {})
    if not isinstance(shared_raw, Mapping):
        raise NoticeError(f"{source}: shared: expected a table")
    shared: dict[str, dict[str, str]] = {}
    for audience, texts in shared_raw.items():
        if audience not in AUDIENCES:
            raise NoticeError(f"{source}: shared.{audience}: unknown age group (expected adult or teen)")
        shared[audience] = _strings(texts, f"shared.{audience}", source, keys=SHARED_KEYS)
    notices_raw = data.get("notices", {})
    if not isinstance(notices_raw, Mapping):
        raise NoticeError(f"{source}: notices: expected a table")
    notices: dict[str, dict[str, str]] = {}
    for key, variants in notices_raw.items():
        if not _KEY.match(key):
            raise NoticeError(f"{source}: notices.{key}: notice names are lower-case words")
        notices[key] = _strings(variants, f"notices.{key}", source, keys=_VARIANTS, placeholders=PLACEHOLDERS)
    return Language(code, name, words, kinds, fields, units, shared, notices)


def _check_complete(lang: Language, source: str) -> None:
    """The fallback language must have everything."""
    for key in ("and", "this_field", "the_field"):
        if key not in lang.words:
            raise NoticeError(f"{source}: words.{key}: missing")
    for kind in [*(k.value for k in Kind), "other"]:
        if kind not in lang.kinds:
            raise NoticeError(f"{source}: kinds.{kind}: missing")
    for unit in UNITS:
        if unit not in lang.units:
            raise NoticeError(f"{source}: units.{unit}: missing")
    for audience in AUDIENCES:
        for key in SHARED_KEYS:
            if key not in lang.shared.get(audience, {}):
                raise NoticeError(f"{source}: shared.{audience}.{key}: missing")
    for name, variants in lang.notices.items():
        for slip in SLIPS:
            if slip not in variants:
                raise NoticeError(f"{source}: notices.{name}.{slip}: missing")


#: the arguments of one rendered notice (key, locale, audience, repeat, kinds, field, mute)
_NoticeArgs = tuple[str, str | None, str, bool, tuple[str, ...], str | None, timedelta | None]
#: rendered notices remembered per catalogue
_RENDERED_KEPT = 2048


class Notices:
    """A validated set of notice templates: the built-in ones, optionally overridden or extended
    by the files in ``template_dir`` (``<lang>.toml``, same format as the built-in files)."""

    def __init__(self, template_dir: str | Path | None = None) -> None:
        self.template_dir = Path(template_dir) if template_dir is not None else None
        raw: dict[str, tuple[dict[str, Any], str]] = {}
        builtin = resources.files("offsite.notices").joinpath("templates")
        for code in BUILTIN_LANGUAGES:
            text = builtin.joinpath(f"{code}.toml").read_text(encoding="utf-8")
            raw[code] = (_read(None, text, f"offsite/notices/templates/{code}.toml"),
                         f"offsite/notices/templates/{code}.toml")
        if self.template_dir is not None:
            if not self.template_dir.is_dir():
                raise NoticeError(f"{self.template_dir}: not a directory of notice templates")
            for path in sorted(self.template_dir.glob("*.toml")):
                code = path.stem.lower()
                if not _LANG.match(code):
                    raise NoticeError(f"{path}: file names are language codes, like en.toml or pt.toml")
                site = _read(path, None, str(path))
                base = raw.get(code, ({}, ""))[0]
                raw[code] = (_merge(base, site), str(path))
        self._languages = {code: _language(code, data, source) for code, (data, source) in raw.items()}
        _check_complete(self._languages[DEFAULT_LANGUAGE], raw[DEFAULT_LANGUAGE][1])
        # A notice is a pure function of its arguments, and a few combinations recur: remembered.
        self._rendered: BoundedMemo[_NoticeArgs, str] = BoundedMemo(lambda args: self._render(*args), _RENDERED_KEPT)

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes with templates."""
        return tuple(sorted(self._languages))

    def keys(self) -> frozenset[str]:
        """Notice names available (in the fallback language, so in every language)."""
        return frozenset(self._languages[DEFAULT_LANGUAGE].notices)

    def missing(self, keys: Iterable[str]) -> frozenset[str]:
        """Which of ``keys`` have no template."""
        return frozenset(keys) - self.keys()

    def render(
        self,
        key: str,
        *,
        locale: str | None = "en",
        audience: str | AgeGroup = "adult",
        repeat: bool = False,
        kinds: Iterable[Kind | str] = (),
        field_name: str | None = None,
        mute: timedelta | None = None,
    ) -> str:
        """The notice ``key`` in the language of ``locale`` (falling back to English), for an
        ``audience`` of ``adult`` or ``teen`` (``unknown`` reads as adult), first or repeated slip."""
        kind_values = tuple(Kind(k).value if isinstance(k, Kind) else str(k) for k in kinds)
        return self._rendered((key, locale, _audience(audience), repeat, kind_values, field_name, mute))

    def _render(self, key: str, locale: str | None, aud: str, repeat: bool, kinds: tuple[str, ...],
                field_name: str | None, mute: timedelta | None) -> str:
        slip = "repeat" if repeat else "first"
        code = language_of(locale)
        chosen: tuple[Language, str] | None = None
        for candidate in dict.fromkeys((code, DEFAULT_LANGUAGE)):
            lang = self._languages.get(candidate)
            if lang is None or key not in lang.notices:
                continue
            variants = lang.notices[key]
            text = variants.get(f"{slip}_{aud}") or variants.get(slip)
            if text is not None:
                chosen = (lang, text)
                break
        if chosen is None:
            raise NoticeError(f"notice {key!r}: no such notice (known: {', '.join(sorted(self.keys()))})")
        lang, text = chosen
        fallback = self._languages[DEFAULT_LANGUAGE]
        values = self._values(lang, fallback, aud, kinds, field_name, mute)
        rendered = Template(text).substitute(values)
        return re.sub(r"[ \t]{2,}", " ", rendered).strip()

    @staticmethod
    def _values(lang: Language, fallback: Language, audience: str, kinds: Iterable[Kind | str],
                field_name: str | None, mute: timedelta | None) -> dict[str, str]:
        def word(table: str, key: str) -> str:
            mine: Mapping[str, str] = getattr(lang, table)
            theirs: Mapping[str, str] = getattr(fallback, table)
            return mine.get(key) or theirs[key]

        names = [word("kinds", k) if k in fallback.kinds else word("kinds", "other")
                 for k in dict.fromkeys(Kind(k).value if isinstance(k, Kind) else str(k) for k in kinds)]
        if not names:
            names = [word("kinds", "other")]
        joiner = word("words", "and")
        kinds_text = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"
        if field_name:
            field = lang.fields.get(field_name) or fallback.fields.get(field_name) or field_name.replace("_", " ")
            the_field = Template(word("words", "the_field")).safe_substitute(name=field)
        else:
            field = word("words", "this_field")
            the_field = field
        shared = {**fallback.shared[audience], **lang.shared.get(audience, {})}
        return {
            "kinds": kinds_text,
            "field": field,
            "the_field": the_field,
            "mute": _mute_words(mute, lang, fallback),
            **shared,
        }


def _audience(value: str | AgeGroup) -> str:
    text = value.value if isinstance(value, AgeGroup) else str(value)
    if text == AgeGroup.TEEN.value:
        return "teen"
    if text in (AgeGroup.ADULT.value, AgeGroup.UNKNOWN.value):
        return "adult"
    raise NoticeError(f"audience: expected adult, teen or unknown, got {text!r}")


def _mute_words(mute: timedelta | None, lang: Language, fallback: Language) -> str:
    seconds = int(mute.total_seconds()) if mute is not None else 0
    minutes = max(1, -(-seconds // 60))
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes % size == 0:
            count = minutes // size
            singular, plural = lang.units.get(unit) or fallback.units[unit]
            return f"{count} {singular if count == 1 else plural}"
    raise AssertionError("unreachable")  # pragma: no cover


@cache
def default_notices() -> Notices:
    """The built-in templates (loaded once; immutable)."""
    return Notices()


def render_notice(
    key: str,
    *,
    locale: str | None = "en",
    audience: str | AgeGroup = "adult",
    repeat: bool = False,
    kinds: Iterable[Kind | str] = (),
    field_name: str | None = None,
    mute: timedelta | None = None,
    template_dir: str | Path | None = None,
) -> str:
    """Render one notice (see :meth:`Notices.render`); ``template_dir`` adds a site's own templates."""
    notices = Notices(template_dir) if template_dir is not None else default_notices()
    return notices.render(key, locale=locale, audience=audience, repeat=repeat, kinds=kinds,
                          field_name=field_name, mute=mute)
