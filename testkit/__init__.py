"""Local stand-ins for the services briefbot talks to, over real HTTP on 127.0.0.1, shared by
the tests and the benchmarks: a web server for feeds and pages (`web`), an OpenAI-compatible
chat server (`openai_server`), Slack's Web API (`slack_api`) and Teams' Bot Connector and
Workflows (`teams`), all started and stopped by `http.LocalServer`.

Not installed with briefbot: it is imported from the repository root, like `tests` and `bench`.
"""
