module example.com/netaddr

go 1.19
