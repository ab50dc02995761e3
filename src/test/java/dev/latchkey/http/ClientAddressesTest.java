package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressesTest {
    private static ClientAddresses trusting(String... ranges) {
        return new ClientAddresses(java.util.Arrays.stream(ranges).map(IpRange::parse).toList());
    }

    @Test
    void resolveWhenNoProxyIsTrustedThenForwardedForIsIgnored() {
        var addresses = trusting();
        assertThat(addresses.resolve("198.51.100.20", List.of("203.0.113.5"))).isEqualTo("198.51.100.20");
    }

    @Test
    void resolveWhenPeerIsUntrustedThenSpoofedForwardedForIsIgnored() {
        var addresses = trusting("10.0.0.0/8");
        assertThat(addresses.resolve("198.51.100.20", List.of("10.0.0.1", "203.0.113.5"))).isEqualTo("198.51.100.20");
    }

    @Test
    void resolveWhenPeerIsTrustedThenRightmostUntrustedAddressWins() {
        var addresses = trusting("10.0.0.0/8");
        assertThat(addresses.resolve("10.1.2.3", List.of("1.1.1.1", "203.0.113.5", "10.9.9.9")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void resolveWhenEveryHopIsTrustedThenLeftmostHopIsTheClient() {
        var addresses = trusting("10.0.0.0/8");
        assertThat(addresses.resolve("10.1.2.3", List.of("10.0.0.7", "10.0.0.8"))).isEqualTo("10.0.0.7");
    }

    @Test
    void resolveWhenHopIsGarbageThenStopsAtTheLastTrustedProxy() {
        var addresses = trusting("10.0.0.0/8");
        assertThat(addresses.resolve("10.1.2.3", List.of("evil.example", "10.0.0.8"))).isEqualTo("10.0.0.8");
        assertThat(addresses.resolve("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
    }

    @Test
    void resolveWhenHopsCarryPortsOrIpv6ThenTheyAreNormalised() {
        var addresses = trusting("10.0.0.0/8", "::1");
        assertThat(addresses.resolve("10.1.2.3", List.of("203.0.113.5:4711"))).isEqualTo("203.0.113.5");
        assertThat(addresses.resolve("::1", List.of("[2001:db8:0:0:0:0:0:1]:443"))).isEqualTo("2001:db8::1");
        assertThat(addresses.resolve("0:0:0:0:0:0:0:1", List.of())).isEqualTo("::1");
    }

    @Test
    void parseWhenNotALiteralThenEmptyWithoutAnyLookup() {
        assertThat(IpAddresses.parse("localhost")).isEmpty();
        assertThat(IpAddresses.parse("example.com")).isEmpty();
        assertThat(IpAddresses.parse("256.1.1.1")).isEmpty();
        assertThat(IpAddresses.parse("1.2.3")).isEmpty();
        assertThat(IpAddresses.parse("")).isEmpty();
        assertThat(IpAddresses.parse("::ffff:192.0.2.1")).map(IpAddresses::format).contains("192.0.2.1");
    }

    @Test
    void rangeContainsOnlyAddressesOfItsBlockAndFamily() {
        IpRange v4 = IpRange.parse("192.168.16.0/20");
        assertThat(v4.contains(IpAddresses.parse("192.168.31.255").orElseThrow())).isTrue();
        assertThat(v4.contains(IpAddresses.parse("192.168.32.0").orElseThrow())).isFalse();
        assertThat(v4.contains(IpAddresses.parse("::1").orElseThrow())).isFalse();
        IpRange v6 = IpRange.parse("fd00::/8");
        assertThat(v6.contains(IpAddresses.parse("fd12:3456::1").orElseThrow())).isTrue();
        assertThat(v6.contains(IpAddresses.parse("fe80::1").orElseThrow())).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains(IpAddresses.parse("8.8.8.8").orElseThrow())).isTrue();
    }

    @Test
    void rangeWhenMalformedThenRefused() {
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("proxy.internal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
