"""Sentences in English and Swedish from one set of templates (notes.toml: each key in both languages),
and numbers as each language writes them. A `Text` is one sentence (or part of one) in both languages;
`say` fills a template, so code that explains a status builds both at once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files

NOTES = tomllib.loads(files(__package__).joinpath("notes.toml").read_text(encoding="utf-8"))
NOTE_LANGUAGES = ("en", "sv")


@dataclass(frozen=True)
class Text:
    en: str = ""
    sv: str = ""

    def __bool__(self) -> bool:
        return bool(self.en or self.sv)


def _in(value: object, lang: str) -> object:
    return getattr(value, lang) if isinstance(value, Text) else value


def say(key: str, **params: object) -> Text:
    """The template `key` filled with `params` in each language (a `Text` param gives its own language's words)."""
    return Text(**{lang: NOTES[key][lang].format(**{k: _in(v, lang) for k, v in params.items()}) for lang in NOTE_LANGUAGES})


def join(*texts: Text, sep: str = " ") -> Text:
    """The non-empty `texts` one after the other."""
    kept = [t for t in texts if t]
    return Text(**{lang: sep.join(_in(t, lang) for t in kept) for lang in NOTE_LANGUAGES})


def swedish(english: str) -> str:
    """A number as Python writes it with ',' thousands ('-1,234.5', '+2.3%') the Swedish way, as
    marts.format_sv writes it: no-break space thousands, decimal comma, minus sign U+2212, and a
    no-break space before '%'."""
    return english.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212").replace("%", "\u00a0%")


def figure(value: float, spec: str, trim: bool = False) -> Text:
    """`value` by the format `spec` ('.2f', '+.1%', 'g'; no grouping): in English exactly as Python
    writes it, in Swedish by `swedish` with thousands grouped. `trim` drops trailing decimal zeros."""
    grouped = spec.replace(".", ",.", 1) if "." in spec else f"{spec[:-1]},{spec[-1]}"
    en, sv = format(value, spec), format(value, grouped)
    if trim:
        en, sv = (s.rstrip("0").rstrip(".") if "." in s else s for s in (en, sv))
    return Text(en, swedish(sv))
