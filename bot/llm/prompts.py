"""Prompts are data: files in `prompts/` with a name, a version and declared variables.

    ---
    name: summarise_article
    version: 2
    variables: title, article
    ---
    ## system
    …
    ## user
    … {{title}} … {{article}} …

Loading checks that the template uses exactly the declared variables; rendering with a
missing or unknown variable is a `PromptError`. Values are substituted once, literally, so
text inside a value is never read as a placeholder. `untrusted()` wraps article or user text in
delimiters it cannot close itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from bot.errors import PromptError
from bot.llm import Message

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    variables: frozenset[str]
    system: str
    user: str

    @property
    def id(self) -> str:
        """`name@version`, stored with everything the prompt produced."""
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> list[Message]:
        """The system and user messages with every declared variable filled in."""
        missing = sorted(self.variables - values.keys())
        unknown = sorted(values.keys() - self.variables)
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown {', '.join(unknown)}")
            raise PromptError(f"prompt {self.id}: {'; '.join(parts)}")

        def fill(template: str) -> str:
            return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)

        return [Message("system", fill(self.system)), Message("user", fill(self.user))]


def parse_prompt(text: str, origin: str = "prompt") -> Prompt:
    """Parse a prompt file's text, checking its declared variables against its template."""
    if not text.startswith("---\n"):
        raise PromptError(f"{origin}: must start with a '---' header")
    try:
        header, body = text[4:].split("\n---\n", 1)
    except ValueError:
        raise PromptError(f"{origin}: the '---' header is not closed") from None
    meta: dict[str, str] = {}
    for line in header.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    for key in ("name", "version", "variables"):
        if not meta.get(key) and key != "variables":
            raise PromptError(f"{origin}: the header needs '{key}:'")
    declared = frozenset(v.strip() for v in meta.get("variables", "").split(",") if v.strip())
    sections = _SECTION.split(body)
    parts = dict(zip(sections[1::2], (s.strip() for s in sections[2::2]), strict=True))
    if set(parts) != {"system", "user"}:
        raise PromptError(f"{origin}: needs a '## system' and a '## user' section")
    used = frozenset(_PLACEHOLDER.findall(parts["system"] + parts["user"]))
    if used != declared:
        raise PromptError(
            f"{origin}: declared variables {sorted(declared)} but the text uses {sorted(used)}"
        )
    return Prompt(meta["name"], meta["version"], declared, parts["system"], parts["user"])


def prompts_dir() -> Path:
    """The prompts shipped with briefbot (the repository's `prompts/`, packaged as bot.prompts)."""
    return Path(str(resources.files("bot.prompts")))


@cache
def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Load `name.md` from the prompts folder."""
    path = (directory or prompts_dir()) / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise PromptError(f"prompt file {path.name} not found in {path.parent}") from None
    prompt = parse_prompt(text, origin=path.name)
    if prompt.name != name:
        raise PromptError(f"{path.name}: its header names it {prompt.name!r}")
    return prompt


def untrusted(text: str, tag: str = "article") -> str:
    """Wrap untrusted text in <tag>…</tag> so that it cannot close (or reopen) the tag."""
    neutral = re.sub(rf"<(/?)\s*{tag}\b", rf"&lt;\1{tag}", text, flags=re.IGNORECASE)
    return f"<{tag}>\n{neutral}\n</{tag}>"
