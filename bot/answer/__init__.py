"""Questions answered from the collected coverage, with citations, or "the coverage does not
say". Never imports Slack, Teams or vendor SDKs; the LLM comes in through `bot.llm.LLM`."""

from bot.answer.engine import Answer, QuestionEngine
from bot.answer.render import answer_to_dict

__all__ = ["Answer", "QuestionEngine", "answer_to_dict"]
