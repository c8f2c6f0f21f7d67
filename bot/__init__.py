"""briefbot: collect coverage of a story, summarise it with verbatim quotes, and brief a channel."""

__version__ = "0.1.0"
