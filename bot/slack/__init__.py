"""The Slack edge: Block Kit rendering (pure) now; the Bolt app and delivery build on it."""
