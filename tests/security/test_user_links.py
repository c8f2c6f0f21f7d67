"""The allow-list (BRIEFBOT_ALLOW_HOSTS) is for configured sources: wiring gives the chat
path an on-demand summariser whose fetches always refuse private and loopback addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BlockedURLError
from bot.wiring import open_services
from testkit.web import WebServer
from tests.helpers.settings import local_settings

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "unions.html"


async def test_chat_users_links_are_checked_although_the_host_is_allowed(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)  # allow_hosts=("127.0.0.1",)
    with WebServer() as web:
        web.add("/unions", PAGE.read_bytes())
        async with open_services(settings) as services:
            operator = await services.ondemand.summarise_input(web.url("/unions"))
            with pytest.raises(BlockedURLError, match="loopback"):
                await services.user_ondemand.summarise_untrusted(web.url("/unions"))
            with pytest.raises(BlockedURLError, match=r"not a valid URL \(bad host name\)"):
                await services.user_ondemand.summarise_untrusted("http://xn--a/")
    assert operator.summary.key_points
    assert [r.path for r in web.requests] == ["/unions"]  # only the operator's fetch
