"""API keys in the keyring (the real file backend conftest installs), and making providers."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop_app.core.keys import secrets
from desktop_app.core.providers.errors import MissingKeyError, ProviderError
from desktop_app.core.providers.registry import (
    OPENAI_WIND_DOWN_NOTE,
    create_provider,
    default_account,
    provider_info,
    provider_kinds,
)


def test_a_key_is_saved_read_and_removed_under_the_documented_names(isolated_keyring) -> None:
    secrets.set_key("openai", "  sk-test-abcdefghijklmnop1234\n", "work")

    assert keyring.get_password("finetune-studio", "openai:work") == "sk-test-abcdefghijklmnop1234"
    assert secrets.find_key("openai", "work") == (
        "sk-test-abcdefghijklmnop1234",
        secrets.KeySource.KEYRING,
    )
    assert secrets.get_key("openai", "default") is None
    assert secrets.delete_key("openai", "work") is True
    assert secrets.delete_key("openai", "work") is False
    assert secrets.get_key("openai", "work") is None


def test_status_masks_the_key_and_says_where_it_lives(isolated_keyring) -> None:
    secrets.set_key("azure", "azure-secret-key-9876")
    status = secrets.key_status("azure")

    assert status.has_key and status.source is secrets.KeySource.KEYRING
    assert status.masked == "azu…9876"
    assert "azure-secret-key-9876" not in repr(status)
    assert status.where == (
        f"Your key is kept in a plain, unencrypted file on this computer ({isolated_keyring.file_path})."
    )


def test_mask() -> None:
    assert secrets.mask("sk-proj-0123456789abcdef") == "sk-…cdef"
    assert secrets.mask("short") == "…rt"
    assert secrets.mask("") == ""


def test_the_environment_key_is_honoured_never_stored(monkeypatch, isolated_keyring) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-5555555555")
    status = secrets.key_status("openai")

    assert secrets.get_key("openai") == "sk-from-env-5555555555"
    assert status.source is secrets.KeySource.ENVIRONMENT
    assert (
        status.where == "Using the key from the environment variable OPENAI_API_KEY (not stored)."
    )
    assert keyring.get_password("finetune-studio", "openai:default") is None
    keyring_file = Path(isolated_keyring.file_path)
    assert not keyring_file.exists() or b"sk-from-env" not in keyring_file.read_bytes()
    secrets.set_key("openai", "sk-stored-777777777777")
    # as for the openai SDK and CLI, the environment wins over a stored key, and the app says so
    assert secrets.get_key("openai") == "sk-from-env-5555555555"
    status = secrets.key_status("openai")
    assert status.source is secrets.KeySource.ENVIRONMENT
    assert "takes precedence over the key stored" in status.where
    monkeypatch.delenv("OPENAI_API_KEY")
    assert secrets.find_key("openai") == ("sk-stored-777777777777", secrets.KeySource.KEYRING)


def test_openai_environment_pair_serves_the_compatible_service_it_names(
    monkeypatch, isolated_keyring
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-pair-1234567890")
    # without OPENAI_BASE_URL the OpenAI key is never offered to another service
    assert secrets.get_key("compatible", "api.example.com") is None
    monkeypatch.setenv("OPENAI_BASE_URL", "http://api.example.com/v1")
    assert secrets.get_key("compatible", "api.example.com") == "sk-env-pair-1234567890"
    assert secrets.get_key("compatible", "other.example.com") is None
    monkeypatch.setenv("NEBIUS_API_KEY", "nebius-env-key-0987654321")
    assert secrets.find_key("nebius") == (
        "nebius-env-key-0987654321",
        secrets.KeySource.ENVIRONMENT,
    )


def test_without_a_keyring_the_app_explains_and_offers_a_session_key() -> None:
    keyring.set_keyring(fail.Keyring())

    assert not secrets.keyring_available()
    assert "cannot be saved" in secrets.backend_description()
    with pytest.raises(secrets.KeyringUnavailableError) as refused:
        secrets.set_key("openai", "sk-nowhere-to-go-1234")
    assert "no password store" in refused.value.message
    secrets.set_session_key("openai", "sk-session-only-4321")
    try:
        status = secrets.key_status("openai")
        assert status.source is secrets.KeySource.SESSION
        assert status.where.startswith("Using a key for this session only")
    finally:
        assert secrets.delete_key("openai") is True
    assert secrets.get_key("openai") is None


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(secrets.SecretsError):
        secrets.set_key("openai", "   ")


def test_the_registry_knows_four_providers_and_what_they_need() -> None:
    assert provider_kinds()[:4] == ["openai", "azure", "compatible", "practice"]
    assert OPENAI_WIND_DOWN_NOTE in provider_info("openai").notes
    assert "2027-01-06" in OPENAI_WIND_DOWN_NOTE and "2027-01-14" in OPENAI_WIND_DOWN_NOTE
    assert provider_info("practice").needs_key is False
    assert default_account("azure", "my-res") == "my-res"
    assert default_account("compatible", "https://api.example.com/v1") == "api.example.com"
    with pytest.raises(ProviderError):
        provider_info("nonesuch")


def test_create_provider_takes_the_key_from_the_keyring(server) -> None:
    with pytest.raises(MissingKeyError) as missing:
        create_provider("compatible", base_url=server.base_url)
    assert (
        f"ftstudio keys set --provider compatible --account 127.0.0.1:{server.port}"
        in missing.value.next_step
    )

    secrets.set_key("compatible", "sk-compatible-1111", f"127.0.0.1:{server.port}")
    with create_provider("compatible", base_url=server.base_url) as provider:
        assert provider.list_jobs().items == []
    auth = [r.headers["authorization"] for r in server.requests]
    assert auth == ["Bearer sk-compatible-1111"]


def test_create_provider_needs_a_base_url_where_one_is_required() -> None:
    with pytest.raises(ProviderError) as missing:
        create_provider("azure", api_key="k")
    assert missing.value.message == "Azure OpenAI needs an address (base URL)."


def test_practice_needs_no_key(server) -> None:
    with create_provider("practice", base_url=server.base_url) as provider:
        assert provider.check_connection() == "The practice server is running (no key needed)."
