"""Azure OpenAI and OpenAI-compatible services: what reaches the server, and their own messages.

The practice server stands in for both: for Azure it serves under /openai/v1 (the v1 API's
path) and records each request, so the tests can see the path and the `api-key` header arrive.
"""

from __future__ import annotations

import pytest

from desktop_app.core.practice_server import Fault, PracticeConfig, PracticeServer
from desktop_app.core.providers.azure import AzureProvider, azure_account, azure_base_url
from desktop_app.core.providers.base import ChatMessage, JobRequest, UploadSource
from desktop_app.core.providers.compatible import CompatibleProvider
from desktop_app.core.providers.errors import NotFoundError, NotSupportedError


@pytest.fixture
def azure_server():
    with PracticeServer(config=PracticeConfig(pace=3000, prefix="/openai/v1")) as server:
        yield server


def test_azure_base_urls() -> None:
    assert azure_base_url("my-res") == "https://my-res.openai.azure.com/openai/v1"
    assert (
        azure_base_url("https://my-res.openai.azure.com/")
        == "https://my-res.openai.azure.com/openai/v1"
    )
    assert (
        azure_base_url("https://x.services.ai.azure.com/openai/v1/")
        == "https://x.services.ai.azure.com/openai/v1"
    )
    assert (
        azure_base_url("https://my-res.openai.azure.com/openai")
        == "https://my-res.openai.azure.com/openai/v1"
    )
    assert azure_account("https://my-res.openai.azure.com/openai/v1") == "my-res"


def test_azure_requests_use_the_v1_path_and_the_api_key_header(azure_server, training_data) -> None:
    root = f"http://127.0.0.1:{azure_server.port}"
    with AzureProvider(api_key="azure-key-0123456789", base_url=root) as azure:
        training = azure.upload_file(UploadSource.from_bytes(training_data(), "train.jsonl"))
        job = azure.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))
        azure.get_job(job.id)

    paths = [(r.method, r.path) for r in azure_server.requests]
    assert ("POST", "/openai/v1/files") in paths
    assert ("POST", "/openai/v1/fine_tuning/jobs") in paths
    assert ("GET", f"/openai/v1/fine_tuning/jobs/{job.id}") in paths
    assert all(r.headers.get("api-key") == "azure-key-0123456789" for r in azure_server.requests)
    assert all("api-version" not in r.query for r in azure_server.requests)  # the v1 API needs none


def test_azure_uploads_start_with_a_byte_order_mark(azure_server, training_data) -> None:
    data = training_data()
    with AzureProvider(api_key="k", base_url=f"http://127.0.0.1:{azure_server.port}") as azure:
        ref = azure.upload_file(
            UploadSource.from_bytes(data, "t.jsonl").with_prefix(azure.upload_prefix)
        )

    assert azure_server.api.file_content(ref.id) == b"\xef\xbb\xbf" + data


def test_azure_explains_that_a_tuned_model_must_be_deployed(azure_server) -> None:
    with AzureProvider(api_key="k", base_url=f"http://127.0.0.1:{azure_server.port}") as azure:
        assert azure.capabilities.needs_deployment
        with pytest.raises(NotFoundError) as missing:
            azure.chat("ft:gpt-4o-mini:org::abc", [ChatMessage("user", "hi")])

    assert (
        missing.value.message
        == "The model “ft:gpt-4o-mini:org::abc” is not deployed on your Azure resource."
    )
    assert "Deployments" in missing.value.next_step


def test_a_compatible_service_is_named_by_its_host(training_data) -> None:
    with (
        PracticeServer(pace=3000) as server,
        CompatibleProvider(api_key="k", base_url=server.base_url) as service,
    ):
        host = f"127.0.0.1:{server.port}"
        training = service.upload_file(UploadSource.from_bytes(training_data(), "t.jsonl"))
        job = service.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))
        server.faults.add(Fault("status", path=r"/pause$", status=404))
        with pytest.raises(NotSupportedError) as no_pause:
            service.pause_job(job.id)
        with pytest.raises(NotFoundError):
            service.pause_job("ftjob-unknown")  # a real “no such job” stays a not-found error

    assert service.label == f"the service at {host}"
    assert no_pause.value.message == f"Pausing jobs may not be offered by the service at {host}."
