"""Microsoft Teams: Adaptive Card rendering (pure), webhook and bot delivery, the bot endpoint."""
