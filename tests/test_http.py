"""portal/http.py: which address a request is counted under."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from portal.http import client_address, client_ip


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestClientIp:
    def test_facing_the_internet_it_is_the_connection_s_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"

    def test_behind_one_proxy_it_is_the_address_the_proxy_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client wrote the first entry itself; the proxy appended the second.
        r = request("10.0.0.2", "1.2.3.4, 203.0.113.7")
        assert client_ip(r) == "203.0.113.7"

    @pytest.mark.parametrize("forwarded", [None, "", " , "])
    def test_behind_a_proxy_that_sent_nothing_it_falls_back(self, settings, forwarded):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request("10.0.0.2", forwarded)) == "10.0.0.2"

    def test_behind_two_proxies_it_skips_the_inner_one(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        r = request("10.0.0.3", "9.9.9.9, 203.0.113.7, 10.0.0.2")
        assert client_ip(r) == "203.0.113.7"

    def test_a_forwarded_value_that_is_not_an_address_is_not_trusted(self, settings):
        # A proxy count set where no proxy is: the client wrote the header itself.
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request("203.0.113.7", "'; DROP TABLE x")) == "203.0.113.7"

    def test_without_any_address_lockouts_get_none_and_limits_share_one(self):
        bare = RequestFactory().get("/")
        del bare.META["REMOTE_ADDR"]
        assert client_address(bare) is None and client_ip(bare) == "unknown"
