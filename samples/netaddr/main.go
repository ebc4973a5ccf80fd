// netaddr: net.IP arguments and results, each call printed by the
// program with fmt's %v (the type's String()), for goattach's decoding.
package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
)

// The network of ip: its first mask bits kept.
//
//go:noinline
func network(ip net.IP, bits int) net.IP {
	return ip.Mask(net.CIDRMask(bits, len(ip)*8))
}

// The first address of a's prefix of bits bits (Go's String() of each).
//
//go:noinline
func first(a netip.Addr, bits int) netip.Addr {
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "netip" {
		mapped := netip.AddrFrom16(netip.MustParseAddr("10.9.8.7").As16())
		for _, c := range []struct {
			a    netip.Addr
			bits int
		}{
			{netip.MustParseAddr("10.1.2.3"), 16},
			{netip.MustParseAddr("2001:db8::1:0:0:1"), 64},
			{netip.MustParseAddr("::1"), 128},
			{netip.Addr{}, 8},
			{netip.MustParseAddr("192.168.1.1"), 40},
			{mapped, 120},
		} {
			fmt.Printf("main.first(a=%v, bits=%d) = (%v)\n", c.a, c.bits, first(c.a, c.bits))
		}
		return
	}
	for _, c := range []struct {
		ip   net.IP
		bits int
	}{
		{net.IPv4(10, 1, 2, 3).To4(), 16},
		{net.ParseIP("2001:db8:0:0:1::1"), 64},
		{net.ParseIP("2001:db8:0:0:1::1"), 80},
		{net.IPv4(192, 168, 1, 1), 120},
		{net.ParseIP("::1"), 128},
		{net.ParseIP("fe80::1:0:0:0:1"), 10},
	} {
		fmt.Printf("main.network(ip=%v, bits=%d) = (%v)\n", c.ip, c.bits, network(c.ip, c.bits))
	}
}
