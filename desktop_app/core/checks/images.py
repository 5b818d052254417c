"""Image parts: only in user messages, at most 10 per example, https or data URLs, JPEG/PNG/WEBP."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks.base import Findings, describe, nth, quote, rule
from desktop_app.core.problems import Severity

F = "images"
MAX_IMAGES = 10
MAX_IMAGE_BYTES = 10 * 1024 * 1024
FORMATS = ("jpeg", "jpg", "png", "webp")
DETAILS = ("auto", "low", "high")
_BAD_EXTENSIONS = (".gif", ".bmp", ".tif", ".tiff", ".svg", ".heic", ".heif", ".avif", ".ico")

IMAGE_NOT_IN_USER = rule(
    "image_not_in_user_message",
    Severity.ERROR,
    "An image is in a system, assistant or tool message; images may only be in user messages.",
    family=F,
)
TOO_MANY_IMAGES = rule(
    "too_many_images",
    Severity.ERROR,
    f"The example has more images than the provider takes ({MAX_IMAGES} at OpenAI, 64 at Azure).",
    family=F,
)
IMAGE_URL_INVALID = rule(
    "image_url_invalid",
    Severity.ERROR,
    "An image part has no usable address: it needs an https:// link or a data:image/... URL.",
    family=F,
)
IMAGE_FORMAT_UNSUPPORTED = rule(
    "image_format_unsupported",
    Severity.ERROR,
    "An embedded image is not JPEG, PNG or WEBP.",
    family=F,
)
IMAGE_URL_FORMAT = rule(
    "image_link_format",
    Severity.WARNING,
    "An image link ends in a format OpenAI does not take (it accepts JPEG, PNG and WEBP).",
    "OpenAI skips images it cannot read; convert the picture to JPEG, PNG or WEBP.",
    family=F,
)
IMAGE_TOO_LARGE = rule(
    "image_too_large",
    Severity.ERROR,
    "An embedded image is larger than 10 MB.",
    family=F,
)
IMAGE_DETAIL_INVALID = rule(
    "image_detail_invalid",
    Severity.ERROR,
    "An image's “detail” is not low, high or auto.",
    family=F,
)


def count_and_check(message: dict[str, Any], role: str, index: int, out: Findings) -> int:
    """Check the image parts of one message; return how many there are."""
    content = message.get("content")
    if not isinstance(content, list):
        return 0
    count = 0
    for i, part in enumerate(content):
        if isinstance(part, dict) and part.get("type") == "image_url":
            count += 1
            field = f"content[{i}]"
            if role != "user":
                out.add(
                    IMAGE_NOT_IN_USER,
                    f"{nth(index)} ({role}) contains an image; images may only be in user "
                    "messages.",
                    message_index=index,
                    field=field,
                )
            _check_image(part, index, i, out)
    return count


def count_in(messages: Any) -> int:
    """The image parts in a list of messages."""
    count = 0
    for message in messages if isinstance(messages, list) else ():
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            count += sum(1 for p in content if isinstance(p, dict) and p.get("type") == "image_url")
    return count


def check_count(total: int, out: Findings) -> None:
    if total > MAX_IMAGES:
        out.add(
            TOO_MANY_IMAGES,
            f"This example has {total} images; OpenAI takes at most {MAX_IMAGES} per example.",
        )


def _check_image(part: dict[str, Any], index: int, i: int, out: Findings) -> None:
    field = f"content[{i}].image_url"
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else None
    label = f"{nth(index)}, image {i + 1}"
    if not isinstance(url, str) or not url.strip():
        out.add(
            IMAGE_URL_INVALID,
            f"{label} has no address ({describe(url)}). Give an https:// link or a data: URL.",
            message_index=index,
            field=field,
        )
        return
    if url.startswith("data:"):
        _check_data_url(url, label, index, field, out)
    elif not url.lower().startswith("https://"):
        out.add(
            IMAGE_URL_INVALID,
            f"{label} has the address {quote(url)}; OpenAI needs an https:// link or a data: URL.",
            message_index=index,
            field=field,
        )
    elif url.lower().split("?", 1)[0].endswith(_BAD_EXTENSIONS):
        out.add(
            IMAGE_URL_FORMAT,
            f"{label} links to a file that does not look like JPEG, PNG or WEBP ({quote(url)}).",
            message_index=index,
            field=field,
        )
    detail = image.get("detail", "auto") if isinstance(image, dict) else "auto"
    if detail not in DETAILS:
        out.add(
            IMAGE_DETAIL_INVALID,
            f"{label} has the detail {quote(str(detail))}; use low, high or auto.",
            message_index=index,
            field=f"{field}.detail",
        )


def _check_data_url(url: str, label: str, index: int, field: str, out: Findings) -> None:
    header, _, payload = url.partition(",")
    mime = header[5:].split(";", 1)[0].lower()
    if not mime.startswith("image/") or ";base64" not in header.lower() or not payload:
        out.add(
            IMAGE_URL_INVALID,
            f"{label} is a data: URL that is not a base64 image (it starts {quote(header, 30)}).",
            message_index=index,
            field=field,
        )
        return
    if mime[6:] not in FORMATS:
        out.add(
            IMAGE_FORMAT_UNSUPPORTED,
            f"{label} is a {mime[6:].upper() or 'unknown'} image; OpenAI takes JPEG, PNG and WEBP.",
            message_index=index,
            field=field,
        )
    size = len(payload) * 3 // 4
    if size > MAX_IMAGE_BYTES:
        out.add(
            IMAGE_TOO_LARGE,
            f"{label} is about {size / 1024 / 1024:.1f} MB; OpenAI takes images up to 10 MB.",
            message_index=index,
            field=field,
        )
