// filtered: calls with known arguments, results and durations, for the
// goattach --filter tests (tests/test_filter.c) and bench/filter.sh. Each
// mode prints every call it makes, so a test can tell which ones a filter
// must keep.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// The CPU time of the process so far (user + system: a uprobe's trap and
// BPF program run as the traced thread's system time), in ns.
func cpuNs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

//go:noinline
func pick(n int, small int8, u uint16, ok bool) int {
	return n*2 + int(small)
}

//go:noinline
func route(method, path string) int {
	return len(method) + len(path)
}

var errOdd = errors.New("not a multiple of 3")

//go:noinline
func open(n int) (fd int, err error) {
	if n%3 != 0 {
		return 0, errOdd
	}
	return n / 3, nil
}

// Sleeps for the calls with n a multiple of 4: latency > 15ms keeps those.
//
//go:noinline
func slow(n int) int {
	if n%4 == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

type URL struct {
	Host string
	Path string
}

type Request struct {
	Method string
	URL    *URL
	Body   []byte
}

// r.URL is nil for some calls: a filter reading through it must not crash.
//
//go:noinline
func handle(r *Request) int {
	return len(r.Method) + len(r.Body)
}

var requests = []*Request{
	{Method: "POST", URL: &URL{Path: "/api/users"}, Body: []byte("{}")},
	{Method: "POST", URL: &URL{Path: "/api/users"}},
	{Method: "GET", URL: &URL{Path: "/api/items"}},
	{Method: "POST", Body: []byte("x=1")},
	{Method: "GET", URL: &URL{Path: "/index.html"}, Body: []byte("q")},
	{Method: "PUT", URL: &URL{Path: "/ap"}},
}

//go:noinline
func leaf(x int) int {
	return x*3 + 1
}

// hot has a frame (it calls leaf): the entry probe goes on its prologue's branch.
//
//go:noinline
func hot(x int) int {
	return leaf(x) + 1
}

var routes = []struct{ method, path string }{
	{"GET", "/api/users"}, {"POST", "/api/users"}, {"GET", "/index.html"},
	{"POST", "/login"}, {"DELETE", "/api"}, {"GET", "/ap"}, {"POST", ""},
	{"PUT", "/api/users/7/a-long-path-beyond-sixty-four-bytes-of-copied-string-data"},
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: filtered pick N | route | open N | slow N | handle | bench X CALLS")
		os.Exit(2)
	}
	n := 0
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	switch os.Args[1] {
	case "pick":
		for i := 0; i < n; i++ {
			small, u, ok := int8(i%7-3), uint16(i*1000), i%2 == 0
			fmt.Printf("pick(%d, %d, %d, %v) = %d\n", i%10, small, u, ok, pick(i%10, small, u, ok))
		}
	case "route":
		for _, r := range routes {
			fmt.Printf("route(%q, %q) = %d\n", r.method, r.path, route(r.method, r.path))
		}
	case "open":
		for i := 0; i < n; i++ {
			v, err := open(i)
			fmt.Printf("open(%d) = %d %v\n", i, v, err)
		}
	case "slow":
		for i := 0; i < n; i++ {
			fmt.Printf("slow(%d) = %d\n", i, slow(i))
		}
	case "handle":
		for _, r := range requests {
			path := "<nil>"
			if r.URL != nil {
				path = r.URL.Path
			}
			fmt.Printf("handle(%s %s body=%d) = %d\n", r.Method, path, len(r.Body), handle(r))
		}
	case "bench":
		calls, _ := strconv.Atoi(os.Args[3])
		s := 0
		t0, c0 := time.Now(), cpuNs()
		for k := 0; k < calls; k++ {
			s += hot(n)
		}
		el, cpu := time.Since(t0), cpuNs()-c0
		fmt.Printf("calls=%d sum=%d ns_per_call=%.1f cpu_ns_per_call=%.1f\n", calls, s,
			float64(el.Nanoseconds())/float64(calls), float64(cpu)/float64(calls))
	}
}
