"""API keys: in the operating system's password store (keyring), one per provider account.

Keys are stored under the service “finetune-studio” with the user name “<provider>:<account>”.
A key in the environment (`OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`, `TOGETHER_API_KEY`, …) is
honoured, never stored, and takes precedence over a stored one, as the openai SDK and CLI do; the
key status says which one is used. For an OpenAI-compatible service, `OPENAI_API_KEY` counts only
for the service named by `OPENAI_BASE_URL` (the two travel together), so an OpenAI key is never
sent to another service. Without a usable password store the app says so in plain words and can keep a key for
this session only, in memory; it never falls back to a file of its own.

A key is never logged, never part of an error message or a repr; show it with `mask()`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys.scrub import HIDDEN, looks_like_key, remember_key, scrub

__all__ = [
    "HIDDEN",
    "looks_like_key",
    "remember_key",
    "scrub",
]  # the one scrubber (core.keys.scrub)

SERVICE = "finetune-studio"
ENVIRONMENT_KEYS = {
    "openai": "OPENAI_API_KEY",
    "azure": "AZURE_OPENAI_API_KEY",
    "together": "TOGETHER_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
    "nebius": "NEBIUS_API_KEY",
    "compatible": "OPENAI_API_KEY",  # only for the service at OPENAI_BASE_URL (_environment_key)
}

_session_keys: dict[str, str] = {}
_session_lock = threading.Lock()


class SecretsError(UserFacingError):
    """The password store could not be used."""


class KeyringUnavailableError(SecretsError):
    """There is no usable password store on this computer (keyring's fail backend)."""


class KeySource(StrEnum):
    SESSION = "session"
    KEYRING = "keyring"
    ENVIRONMENT = "environment"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KeyStatus:
    provider: str
    account: str
    source: KeySource
    masked: str  # “sk-…abcd”, or "" without a key
    where: str  # one plain sentence: where the key comes from

    @property
    def has_key(self) -> bool:
        return self.source is not KeySource.NONE


def username(provider: str, account: str = "default") -> str:
    return f"{provider}:{account}"


def mask(key: str | None) -> str:
    """“sk-…abcd”: enough to recognise a key, never enough to use it."""
    if not key:
        return ""
    if len(key) < 12:
        return "…" + key[-2:]
    return f"{key[:3]}…{key[-4:]}"


# ---- the password store -------------------------------------------------------------------
def keyring_available() -> bool:
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def backend_description() -> str:
    """Where a saved key goes, in plain words (shown next to the key field in Settings)."""
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    name = type(backend).__name__
    if not keyring_available():
        return (
            "This computer has no password store the app can use, so your key cannot be saved. "
            "You can use a key for this session only; it is forgotten when the app closes."
        )
    if module.startswith("keyring.backends.macOS"):
        return "Your key is kept in the macOS Keychain."
    if module.startswith("keyring.backends.Windows"):
        return "Your key is kept in Windows Credential Manager."
    if module.startswith(("keyring.backends.SecretService", "keyring.backends.libsecret")):
        return "Your key is kept in your desktop's password store (Secret Service, such as GNOME Keyring)."
    if module.startswith("keyring.backends.kwallet"):
        return "Your key is kept in KWallet, your desktop's password store."
    if module.startswith("keyrings.alt.file") and "Plaintext" in name:
        path = getattr(backend, "file_path", "a file")
        return f"Your key is kept in a plain, unencrypted file on this computer ({path})."
    if module.startswith("keyrings.alt"):
        path = getattr(backend, "file_path", "")
        where = f" ({path})" if path else ""
        return f"Your key is kept in a file-based password store{where}."
    return f"Your key is kept in the “{name}” password store."


def _no_store_error() -> KeyringUnavailableError:
    return KeyringUnavailableError(
        "This computer has no password store the app can use, so the key cannot be saved.",
        "Use the key for this session only, or set the OPENAI_API_KEY environment variable "
        "before starting the app.",
    )


def _store_error(action: str, exc: Exception) -> SecretsError:
    return SecretsError(
        f"The password store refused to {action} the key.",
        "Unlock your password store (keychain) if it is locked, then try again.",
        technical=type(exc).__name__,
    )


def set_key(provider: str, key: str, account: str = "default") -> None:
    """Save a key in the password store; raises KeyringUnavailableError without one."""
    import keyring
    from keyring.errors import KeyringError

    key = key.strip()
    if not key:
        raise SecretsError("The key is empty.", "Paste the whole key and try again.")
    remember_key(key)
    if not keyring_available():
        raise _no_store_error()
    try:
        keyring.set_password(SERVICE, username(provider, account), key)
    except KeyringError as exc:
        raise _store_error("save", exc) from None
    with _session_lock:
        _session_keys.pop(username(provider, account), None)


def set_session_key(provider: str, key: str, account: str = "default") -> None:
    """Keep a key in memory until the app closes (no password store, or the user's choice)."""
    key = key.strip()
    if not key:
        raise SecretsError("The key is empty.", "Paste the whole key and try again.")
    remember_key(key)
    with _session_lock:
        _session_keys[username(provider, account)] = key


def delete_key(provider: str, account: str = "default") -> bool:
    """Forget the saved and the session key; True when there was one."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    with _session_lock:
        removed = _session_keys.pop(username(provider, account), None) is not None
    if not keyring_available():
        return removed
    try:
        keyring.delete_password(SERVICE, username(provider, account))
    except PasswordDeleteError:
        return removed
    except KeyringError as exc:
        raise _store_error("remove", exc) from None
    return True


def _stored_key(provider: str, account: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, username(provider, account)) or None
    except KeyringError as exc:
        raise _store_error("read", exc) from None


def _environment_key(provider: str, account: str) -> str:
    variable = ENVIRONMENT_KEYS.get(provider)
    if not variable:
        return ""
    if provider == "compatible":
        from urllib.parse import urlsplit

        url = os.environ.get("OPENAI_BASE_URL", "").strip()
        if not url or (urlsplit(url).netloc or url) != account:
            return ""
    return os.environ.get(variable, "").strip()


def find_key(provider: str, account: str = "default") -> tuple[str | None, KeySource]:
    """The key to use and where it came from: one typed for this session, then the environment
    (it takes precedence over a stored key, as for the openai SDK), then the password store."""
    key, source = _find_key(provider, account)
    remember_key(key)  # from now on this exact key is hidden from every text the app writes
    return key, source


def _find_key(provider: str, account: str) -> tuple[str | None, KeySource]:
    with _session_lock:
        session = _session_keys.get(username(provider, account))
    if session:
        return session, KeySource.SESSION
    from_env = _environment_key(provider, account)
    if from_env:
        return from_env, KeySource.ENVIRONMENT
    stored = _stored_key(provider, account)
    if stored:
        return stored, KeySource.KEYRING
    return None, KeySource.NONE


def _has_stored_key(provider: str, account: str) -> bool:
    try:
        return bool(_stored_key(provider, account))
    except SecretsError:
        return False


def get_key(provider: str, account: str = "default") -> str | None:
    return find_key(provider, account)[0]


def key_status(provider: str, account: str = "default") -> KeyStatus:
    key, source = find_key(provider, account)
    if source is KeySource.SESSION:
        where = "Using a key for this session only; it is forgotten when the app closes."
    elif source is KeySource.KEYRING:
        where = backend_description()
    elif source is KeySource.ENVIRONMENT:
        where = f"Using the key from the environment variable {ENVIRONMENT_KEYS[provider]} (not stored)."
        if _has_stored_key(provider, account):
            where += " It takes precedence over the key stored in your password store."
    else:
        where = "No key is set."
    return KeyStatus(provider, account, source, mask(key), where)
