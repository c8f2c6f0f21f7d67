"""Posting each subscribed channel its briefing, once a day at its local time, exactly once."""

from bot.deliver.service import (
    ChatPlatform,
    DeliveryResult,
    DeliveryService,
    delivery_key,
    due_date,
)

__all__ = ["ChatPlatform", "DeliveryResult", "DeliveryService", "delivery_key", "due_date"]
