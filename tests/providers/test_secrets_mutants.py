"""Key handling edges that mutation testing showed unguarded (docs/architecture.md, "Tests that
notice bugs"): which account a key belongs to, that every key handed out is hidden from what the
app writes, the exact words about where a key is kept, and a password store that refuses.

The backends are real keyring classes; `LockedKeyring` is the real file backend of conftest with
its store locked (every call refused, as a locked keychain does)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import SecretService, Windows, fail, kwallet, libsecret
from keyring.backends.macOS import Keyring as MacKeyring
from keyring.errors import KeyringError
from keyrings.alt.file import PlaintextKeyring
from keyrings.alt.multi import MultipartKeyringWrapper
from keyrings.alt.Windows import EncryptedKeyring as WindowsFileKeyring

from desktop_app.core.keys import secrets
from desktop_app.core.keys.scrub import HIDDEN, scrub

ODD_KEY = "Zq9~not-shaped-like-a-key-41"  # no key shape: only remembering it hides it


@pytest.fixture(autouse=True)
def _clean_memory(no_remembered_keys):  # type: ignore[no-untyped-def]
    yield
    keyring.set_keyring(
        fail.Keyring()
    )  # forget only the session keys (conftest restores the store)
    for account in ("default", "work", "home"):
        secrets.delete_key("openai", account)


class LockedKeyring(PlaintextKeyring):
    """The plaintext file backend with its store locked: it refuses every call."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("locked")


def test_a_key_without_an_account_is_the_default_accounts(isolated_keyring) -> None:
    assert secrets.username("openai") == "openai:default"
    secrets.set_key("openai", "sk-default-account-123456")
    assert keyring.get_password("finetune-studio", "openai:default") == "sk-default-account-123456"
    assert secrets.get_key("openai") == "sk-default-account-123456"
    assert secrets.find_key("openai") == ("sk-default-account-123456", secrets.KeySource.KEYRING)


def test_session_keys_belong_to_their_account() -> None:
    secrets.set_session_key("openai", "sk-session-work-99999", "work")
    assert secrets.find_key("openai", "work") == (
        "sk-session-work-99999",
        secrets.KeySource.SESSION,
    )
    assert secrets.get_key("openai") is None
    assert secrets.delete_key("openai", "default") is False
    assert secrets.delete_key("openai", "work") is True
    assert secrets.get_key("openai", "work") is None


def test_saving_a_key_replaces_the_session_key_of_that_account(isolated_keyring) -> None:
    secrets.set_session_key("openai", "sk-typed-for-now-11111", "work")
    secrets.set_session_key("openai", "sk-typed-for-home-2222", "home")
    secrets.set_key("openai", "sk-saved-for-good-33333", "work")
    assert secrets.find_key("openai", "work") == (
        "sk-saved-for-good-33333",
        secrets.KeySource.KEYRING,
    )
    assert secrets.find_key("openai", "home") == (
        "sk-typed-for-home-2222",
        secrets.KeySource.SESSION,
    )


@pytest.mark.parametrize("keep", [secrets.set_key, secrets.set_session_key])
def test_a_key_given_to_the_app_is_hidden_from_everything_it_writes(keep, isolated_keyring) -> None:
    assert scrub(f"key {ODD_KEY}") == f"key {ODD_KEY}"
    keep("openai", ODD_KEY)
    assert scrub(f"key {ODD_KEY}") == f"key {HIDDEN}"


def test_a_key_from_the_environment_is_hidden_once_found(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ODD_KEY)
    assert scrub(ODD_KEY) == ODD_KEY
    assert secrets.find_key("openai") == (ODD_KEY, secrets.KeySource.ENVIRONMENT)
    assert scrub(ODD_KEY) == HIDDEN


def test_a_provider_without_an_environment_variable_has_no_key_by_default() -> None:
    assert secrets.find_key("practice") == (None, secrets.KeySource.NONE)
    assert secrets.find_key("nonesuch", "x") == (None, secrets.KeySource.NONE)


@pytest.mark.parametrize("keep", [secrets.set_key, secrets.set_session_key])
def test_an_empty_key_is_refused_in_plain_words(keep) -> None:
    with pytest.raises(secrets.SecretsError) as refused:
        keep("openai", " \n ")
    assert refused.value.message == "The key is empty."
    assert refused.value.next_step == "Paste the whole key and try again."


def test_without_a_password_store_saving_says_what_to_do_instead() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(secrets.KeyringUnavailableError) as refused:
        secrets.set_key("openai", "sk-nowhere-to-go-1234")
    assert refused.value.message == (
        "This computer has no password store the app can use, so the key cannot be saved."
    )
    assert refused.value.next_step == (
        "Use the key for this session only, or set the OPENAI_API_KEY environment variable "
        "before starting the app."
    )
    assert secrets.backend_description() == (
        "This computer has no password store the app can use, so your key cannot be saved. "
        "You can use a key for this session only; it is forgotten when the app closes."
    )


@pytest.mark.parametrize(
    ("call", "action"),
    [
        (lambda: secrets.set_key("openai", "sk-locked-out-123456"), "save"),
        (lambda: secrets.delete_key("openai"), "remove"),
        (lambda: secrets.get_key("openai"), "read"),
    ],
)
def test_a_locked_password_store_is_named_with_what_was_refused(call, action, tmp_path) -> None:
    locked = LockedKeyring()
    locked.file_path = str(tmp_path / "locked.cfg")  # type: ignore[misc]
    keyring.set_keyring(locked)
    with pytest.raises(secrets.SecretsError) as refused:
        call()
    assert refused.value.message == f"The password store refused to {action} the key."
    assert refused.value.next_step == (
        "Unlock your password store (keychain) if it is locked, then try again."
    )
    assert refused.value.technical == "KeyringError"


def test_an_environment_key_with_a_locked_store_claims_no_stored_key(monkeypatch, tmp_path) -> None:
    locked = LockedKeyring()
    locked.file_path = str(tmp_path / "locked.cfg")  # type: ignore[misc]
    keyring.set_keyring(locked)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-5555555555")
    status = secrets.key_status("openai")
    assert status.where == (
        "Using the key from the environment variable OPENAI_API_KEY (not stored)."
    )


def test_an_environment_key_over_a_stored_one_says_both(monkeypatch, isolated_keyring) -> None:
    secrets.set_key("openai", "sk-stored-777777777777")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-5555555555")
    assert secrets.key_status("openai").where == (
        "Using the key from the environment variable OPENAI_API_KEY (not stored). "
        "It takes precedence over the key stored in your password store."
    )


def test_the_status_names_the_provider_the_account_and_no_key(isolated_keyring) -> None:
    secrets.set_key("openai", "sk-work-account-000111", "work")
    assert secrets.key_status("openai", "work") == secrets.KeyStatus(
        "openai",
        "work",
        secrets.KeySource.KEYRING,
        "sk-…0111",
        f"Your key is kept in a plain, unencrypted file on this computer "
        f"({isolated_keyring.file_path}).",
    )
    assert secrets.key_status("openai", "home") == secrets.KeyStatus(
        "openai", "home", secrets.KeySource.NONE, "", "No key is set."
    )


def test_a_key_of_twelve_characters_is_masked_as_a_long_one() -> None:
    assert secrets.mask("abcdefghijkl") == "abc…ijkl"
    assert secrets.mask("abcdefghijk") == "…jk"


@pytest.mark.parametrize(
    ("backend", "sentence"),
    [
        (MacKeyring(), "Your key is kept in the macOS Keychain."),
        (Windows.WinVaultKeyring(), "Your key is kept in Windows Credential Manager."),
        (
            SecretService.Keyring(),
            "Your key is kept in your desktop's password store (Secret Service, such as GNOME "
            "Keyring).",
        ),
        (
            libsecret.Keyring(),
            "Your key is kept in your desktop's password store (Secret Service, such as GNOME "
            "Keyring).",
        ),
        (kwallet.DBusKeyring(), "Your key is kept in KWallet, your desktop's password store."),
        (
            MultipartKeyringWrapper(fail.Keyring()),
            "Your key is kept in a file-based password store.",
        ),
    ],
    ids=["macOS", "Windows", "SecretService", "libsecret", "KWallet", "keyrings.alt"],
)
def test_each_password_store_is_named_in_plain_words(backend, sentence) -> None:
    keyring.set_keyring(backend)
    assert secrets.backend_description() == sentence


def test_a_file_based_store_names_its_file() -> None:
    backend = WindowsFileKeyring()  # keyrings.alt's file store for Windows: made, never used here
    keyring.set_keyring(backend)
    assert secrets.backend_description() == (
        f"Your key is kept in a file-based password store ({backend.file_path})."
    )
