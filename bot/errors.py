"""The domain error tree. Edges (CLI, Slack, Teams) translate these into user messages.

    BriefbotError                 anything briefbot expects and can explain in one line
     ├── ConfigError              the config file or environment is invalid (names field + fix)
     ├── FetchError               a URL could not be fetched; ``reason`` is user-safe
     │    ├── BlockedURLError     scheme or resolved address refused (SSRF guard)
     │    ├── ResponseTooLargeError  body (or its decompressed form) over the size cap
     │    ├── ContentTypeError    not a text/HTML/XML/JSON document
     │    ├── RedirectError       too many redirects, or a redirect loop
     │    └── FetchTimeoutError   the server was too slow or never answered
     ├── SourceError              a source's document could not be parsed (broken feed, …)
     ├── ExtractError             no article text could be found in a document
     ├── StoreError               the database could not be opened or migrated
     ├── PromptError              a prompt file is invalid or rendered with wrong variables
     ├── LLMError                 the language model failed; callers fall back to offline
     │    └── LLMOutputError      it answered, but not with what the schema asks for
     ├── DeliveryError            a chat platform refused or never answered a post
     └── RequestError             a chat request cannot be done as asked (unknown topic, …)

Every message must be safe to show a user: no tracebacks, no raw exception text
from libraries, no secrets.
"""

from __future__ import annotations


class BriefbotError(Exception):
    """Base of every error briefbot expects; ``str(err)`` is a one-line, user-safe reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class ConfigError(BriefbotError):
    """The configuration file or environment is invalid."""


class FetchError(BriefbotError):
    """A URL could not be fetched."""


class BlockedURLError(FetchError):
    """The URL's scheme or resolved address is not allowed."""


class ResponseTooLargeError(FetchError):
    """The response body is larger than the configured cap."""


class ContentTypeError(FetchError):
    """The response is not a text document."""


class RedirectError(FetchError):
    """Too many redirects, or a redirect without a usable target."""


class FetchTimeoutError(FetchError):
    """The server did not answer in time."""


class SourceError(BriefbotError):
    """A source document (feed, sitemap, search result) could not be parsed."""


class ExtractError(BriefbotError):
    """No article text could be extracted."""


class StoreError(BriefbotError):
    """The store could not be opened, migrated or written."""


class PromptError(BriefbotError):
    """A prompt file is invalid, or was rendered with missing or unknown variables."""


class LLMError(BriefbotError):
    """The language model could not be used (down, timing out, rate-limited, refusing)."""


class LLMOutputError(LLMError):
    """The language model answered, but its output does not match the requested schema."""


class DeliveryError(BriefbotError):
    """A chat platform (Slack, Teams) refused a post or could not be reached."""


class RequestError(BriefbotError):
    """What a user asked for in chat cannot be done as asked; the reason says what to do."""
