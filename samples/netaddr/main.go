// netaddr: net.IP arguments and results, each call printed by the
// program with fmt's %v (the type's String()), for goattach's decoding.
package main

import (
	"fmt"
	"net"
)

// The network of ip: its first mask bits kept.
//
//go:noinline
func network(ip net.IP, bits int) net.IP {
	return ip.Mask(net.CIDRMask(bits, len(ip)*8))
}

func main() {
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
