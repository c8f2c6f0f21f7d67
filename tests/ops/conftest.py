"""Operations tests use the Slack test fixtures (the app, its stand-in, the corpus)."""

from tests.answer.conftest import corpus  # noqa: F401
from tests.slack.conftest import fake_slack  # noqa: F401
