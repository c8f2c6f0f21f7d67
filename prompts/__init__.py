"""Prompt files (installed as the `bot.prompts` package data; see bot/llm/prompts.py)."""
