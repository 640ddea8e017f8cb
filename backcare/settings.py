"""Server-side settings, read from the environment once at start-up.

The mode is the server's decision, never the visitor's: nothing here looks
at a URL, a cookie or anything else a browser sends. Each setting is an
environment variable (documented in the README); a value that makes no sense
stops the server with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODES = ("personal", "kiosk")
#: BACKCARE_STORE values with these schemes name a PostgreSQL database; others are file paths.
URL_SCHEMES = ("postgresql", "postgres")
DEFAULT_STORE = Path(__file__).resolve().parent.parent / "var" / "backcare.duckdb"
#: The smallest cell size anyone may configure for the analysts' figures.
MIN_K = 5
#: Seconds the "are you still there?" warning counts down before a kiosk wipes
#: the session: at least 20 s, as WCAG 2.2.1 asks.
IDLE_WARNING_SECONDS = 20


class SettingsError(ValueError):
    """An environment variable holds a value BackCare cannot use."""


@dataclass(frozen=True)
class Settings:
    mode: str = "personal"
    #: Identifies the clinic or deployment in anonymous records.
    site_id: str = "default"
    #: Seconds of inactivity before a kiosk warns and then wipes the session.
    idle_timeout: int = 120
    #: Seconds the warning counts down. WCAG 2.2.1 asks for at least 20; a shorter
    #: countdown exists so the browser tests of the wipe take seconds, not minutes.
    idle_warning: int = IDLE_WARNING_SECONDS
    #: Whether the "share an anonymous record" box starts ticked (kiosk only).
    share_default: bool = False
    #: Where anonymous records are kept: a DuckDB file's path, or a postgresql:// URL.
    store: str = str(DEFAULT_STORE)
    #: Minimum cell size: smaller counts are never shown to analysts.
    k: int = 11
    analyst_password: str | None = None
    #: The number an emergency result asks the person to call (999 in the UK).
    emergency_number: str = "999"
    #: The number an urgent result offers when no appointment is possible today (NHS 111).
    urgent_number: str = "111"
    #: Whether the analysts' Insights page can be reached at its URL. Never in a kiosk.
    insights_enabled: bool = False
    #: Whether a kiosk may print the clinician summary (used by the printable summary).
    print_in_kiosk: bool = False

    @property
    def kiosk(self) -> bool:
        return self.mode == "kiosk"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} is below the minimum of {minimum}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r}: use true or false")


def _phone(env: Mapping[str, str], name: str, default: str) -> str:
    """A number to show and to dial: digits, with spaces, '-' or a leading '+' for reading."""
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    digits = raw.removeprefix("+").replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit() and 2 <= len(digits) <= 15):
        raise SettingsError(
            f"{name}={raw!r}: use a phone number of 2 to 15 digits (spaces, '-' and a "
            "leading '+' are allowed)"
        )
    return raw


def _insights(env: Mapping[str, str], mode: str) -> bool:
    """Off unless the server asks for it; a kiosk refuses, since patients use it."""
    wanted = _flag(env, "BACKCARE_INSIGHTS", False)
    if wanted and mode == "kiosk":
        raise SettingsError(
            "BACKCARE_INSIGHTS=true: Insights cannot be switched on in kiosk mode, where "
            "patients use the device; serve it from a separate personal-mode server"
        )
    return wanted


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read BACKCARE_* variables; unset ones keep their defaults."""
    env = os.environ if env is None else env
    mode = env.get("BACKCARE_MODE", "personal").strip().lower() or "personal"
    if mode not in MODES:
        raise SettingsError(f"BACKCARE_MODE={mode!r}: use one of {', '.join(MODES)}")
    site_id = env.get("BACKCARE_SITE_ID", "default").strip() or "default"
    if not (site_id.replace("-", "").replace("_", "").isalnum() and len(site_id) <= 40):
        raise SettingsError(
            f"BACKCARE_SITE_ID={site_id!r}: use up to 40 letters, digits, '-' or '_'"
        )
    store = env.get("BACKCARE_STORE", "").strip() or str(DEFAULT_STORE)
    scheme, colon_slashes, _ = store.partition("://")
    if colon_slashes and scheme not in URL_SCHEMES:
        raise SettingsError(f"BACKCARE_STORE={scheme}://…: use a file path or a postgresql:// URL")
    return Settings(
        mode=mode,
        site_id=site_id,
        idle_timeout=_int(env, "BACKCARE_IDLE_TIMEOUT", 120, minimum=2),
        idle_warning=_int(env, "BACKCARE_IDLE_WARNING", IDLE_WARNING_SECONDS, minimum=2),
        # Only a clinic's kiosk may pre-tick sharing; in personal mode it always starts off.
        share_default=mode == "kiosk" and _flag(env, "BACKCARE_SHARE_DEFAULT", False),
        store=store,
        k=_int(env, "BACKCARE_K", 11, minimum=MIN_K),
        analyst_password=env.get("BACKCARE_ANALYST_PASSWORD") or None,
        emergency_number=_phone(env, "BACKCARE_EMERGENCY_NUMBER", "999"),
        urgent_number=_phone(env, "BACKCARE_URGENT_NUMBER", "111"),
        insights_enabled=_insights(env, mode),
        print_in_kiosk=_flag(env, "BACKCARE_KIOSK_PRINT", False),
    )


@lru_cache(maxsize=1)
def current() -> Settings:
    """The settings of this server process (read once; tests call ``current.cache_clear()``)."""
    return from_env()
