"""``luodi channel dingtalk-callback`` registers the card callback route with DingTalk (issue 10,
part 3): the route key names luodi's /callbacks/dingtalk, signed with the configured apiSecret
(never printed); a route already bound to another URL is kept unless --force, as DingTalk's
registration API does."""

from __future__ import annotations

from typing import Any

from support.fakeapps import DingTalkPlatform


def test_registers_the_route_keeps_another_url_unless_forced(cli: Any) -> None:
    with DingTalkPlatform(app_key="ding_q4", app_secret="dsecret", agent_id=7, users=set()) as ding:
        missing = cli("channel", "dingtalk-callback")
        assert missing.exit_code == 2 and "LUODI_DINGTALK_CARD_CALLBACK_SECRET" in missing.stderr
        cli.env |= {"LUODI_DINGTALK_APP_KEY": "ding_q4", "LUODI_DINGTALK_APP_SECRET": "dsecret",
                    "LUODI_DINGTALK_AGENT_ID": "7", "LUODI_DINGTALK_API_BASE_URL": ding.base_url,
                    "LUODI_DINGTALK_CARD_CALLBACK_SECRET": "cb-secret-4711", "LUODI_BASE_URL": "https://luodi.example"}
        done = cli("channel", "dingtalk-callback")
        assert done.exit_code == 0, done.stderr
        assert ding.routes == {"luodi": {"callbackUrl": "https://luodi.example/callbacks/dingtalk",
                                         "apiSecret": "cb-secret-4711"}}
        assert "https://luodi.example/callbacks/dingtalk" in done.stdout
        assert "cb-secret-4711" not in done.stdout + done.stderr

        ding.routes["luodi"] = {"callbackUrl": "https://old.example/cb", "apiSecret": "old"}
        kept = cli("channel", "dingtalk-callback")
        assert kept.exit_code == 1 and "https://old.example/cb" in kept.stderr and "--force" in kept.stderr
        assert ding.routes["luodi"]["callbackUrl"] == "https://old.example/cb"
        forced = cli("channel", "dingtalk-callback", "--force")
        assert forced.exit_code == 0, forced.stderr
        assert ding.routes["luodi"] == {"callbackUrl": "https://luodi.example/callbacks/dingtalk",
                                        "apiSecret": "cb-secret-4711"}

        cli.env["LUODI_DINGTALK_APP_SECRET"] = "not-the-secret-93"
        refused = cli("channel", "dingtalk-callback")
        assert refused.exit_code == 1 and "DingTalk refused" in refused.stderr
        assert "not-the-secret-93" not in refused.stderr
