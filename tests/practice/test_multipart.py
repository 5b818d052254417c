"""The practice server reads multipart uploads through the `multipart` package, byte for byte."""

from __future__ import annotations

import os

import httpx2
import openai
import pytest

from desktop_app.core.practice_server.multipart import MultipartError, parse_multipart


def _body(boundary: str, *parts: tuple[str | bytes, bytes]) -> bytes:
    out = b""
    for head, data in parts:
        raw = head.encode() if isinstance(head, str) else head
        out += f"--{boundary}\r\n".encode() + raw + b"\r\n\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def test_parts_keep_binary_data_that_looks_like_a_boundary() -> None:
    data = b"\r\n--bound\x00\xff" + os.urandom(4096) + b"\r\n\r\n"
    body = _body(
        "XyZ",
        ('Content-Disposition: form-data; name="purpose"', b"fine-tune"),
        (
            'Content-Disposition: form-data; name="file"; filename="a.jsonl"\r\n'
            "Content-Type: application/octet-stream",
            data,
        ),
    )
    parts = parse_multipart("multipart/form-data; boundary=XyZ", body)

    assert parts["purpose"].data == b"fine-tune"
    assert parts["file"].data == data
    assert parts["file"].filename == "a.jsonl"
    assert parts["file"].content_type == "application/octet-stream"


def test_quoted_and_utf8_file_names() -> None:
    body = _body(
        "b",
        ('Content-Disposition: form-data; name="file"; filename="say \\"hi\\".jsonl"', b"1"),
        ('Content-Disposition: form-data; name="other"; filename="café ☕.jsonl"'.encode(), b"2"),
    )
    parts = parse_multipart('multipart/form-data; boundary="b"', body)

    assert parts["file"].filename == 'say "hi".jsonl'
    assert parts["other"].filename == "café ☕.jsonl"  # raw UTF-8, as browsers and httpx send it


@pytest.mark.parametrize(
    ("content_type", "body", "words"),
    [
        ("application/json", b"{}", "expected multipart/form-data"),
        ("multipart/form-data", b"", "boundary is missing"),
        ("multipart/form-data; boundary=b", b"--b--\r\n", "no parts"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="x"',
            "end of multipart",
        ),
    ],
)
def test_broken_bodies_are_refused(content_type: str, body: bytes, words: str) -> None:
    with pytest.raises(MultipartError, match=words):
        parse_multipart(content_type, body)


def test_large_binary_upload_with_a_utf8_quoted_name(client: openai.OpenAI) -> None:
    content = os.urandom(3 * 1024 * 1024) + b"\r\n--\r\n" + "é ☕".encode() * 1000
    name = 'Café "menu" ☕.jsonl'
    created = client.files.create(file=(name, content), purpose="fine-tune")

    assert created.filename == name
    assert created.bytes == len(content)
    assert client.files.content(created.id).read() == content


def test_a_malformed_form_gets_a_plain_400(server) -> None:
    response = httpx2.post(
        server.base_url + "/files",
        headers={
            "Authorization": "Bearer sk-practice-test",
            "Content-Type": "multipart/form-data; boundary=zz",
        },
        content=b"--zz\r\nno header end",
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Could not read the multipart form")
