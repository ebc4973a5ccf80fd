// funcs: functions of many shapes for the end-to-end tests. Each mode
// prints what the traced function received and returned, one line per
// call, so the tests compare goattach's decoding with the program itself.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Several return paths: each compiles to its own RET.
//
//go:noinline
func classify(n int) string {
	if n < 0 {
		return "negative"
	}
	if n == 0 {
		return "zero"
	}
	if n < 10 {
		return "small"
	}
	return "large"
}

// A one-line function, called at full speed by the "par" mode.
//
//go:noinline
func step(x int) int {
	return x*3 + 1
}

// Results of mixed kinds: int, bool, float64, string, error.
//
//go:noinline
func mixed(n int) (int, bool, float64, string, error) {
	var err error
	if n%2 != 0 {
		err = errors.New("odd")
	}
	return n * 3, n%2 == 0, float64(n) / 4, fmt.Sprintf("n=%d", n), err
}

type Counter struct {
	total int
	name  string
}

// A method on a pointer receiver.
//
//go:noinline
func (c *Counter) Add(n int) int {
	c.total += n
	return c.total
}

// Recursion: nested calls of one function on one goroutine.
//
//go:noinline
func fact(n int) int {
	if n <= 0 {
		return 1
	}
	return n * fact(n-1)
}

// A large frame on every level: fresh goroutines must grow their stacks
// in grow's prologue, which passes the entry's stack check twice.
//
//go:noinline
func grow(depth int) int {
	var buf [1024]byte
	buf[depth%len(buf)] = byte(depth)
	if depth == 0 {
		return int(buf[0])
	}
	return grow(depth-1) + 1 + int(buf[(depth+1)%len(buf)])
}

// Slices: a []byte shown as text, a []int32 by its elements.
//
//go:noinline
func sum(b []byte, xs []int32) (int, []byte) {
	total := len(b)
	for _, x := range xs {
		total += int(x)
	}
	return total, b[:1]
}

// Recursion to a given depth.
//
//go:noinline
func nest(n int) int {
	if n <= 1 {
		return 1
	}
	return nest(n-1) + 1
}

// Panics for odd n; a caller may recover.
//
//go:noinline
func risky(n int) int {
	if n%2 != 0 {
		panic(fmt.Sprintf("risky(%d)", n))
	}
	return n * 10
}

func safeRisky(n int) (r int, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	return risky(n), false
}

// Ends its goroutine with runtime.Goexit: it never returns.
//
//go:noinline
func quitter(n int) int {
	if n >= 0 {
		runtime.Goexit()
	}
	return n
}

// Blocks until the channel is closed (never, in "hang").
//
//go:noinline
func waiter(c chan int) int {
	return <-c
}

// A time.Duration in and out: goattach prints both as Go's String() does.
//
//go:noinline
func timeout(d time.Duration, n int) time.Duration {
	return d * time.Duration(n)
}

// A time.Time in and out: goattach prints both in RFC 3339, UTC.
//
//go:noinline
func later(t time.Time, d time.Duration) time.Time {
	return t.Add(d)
}

// A chain of calls for --stack: serve calls handle calls leaf, which
// prints its own call stack as the runtime sees it.
//
//go:noinline
func leaf(n int) int {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	line := fmt.Sprintf("stack(%d):", n)
	for {
		f, more := frames.Next()
		line += " " + f.Function
		if !more {
			break
		}
	}
	fmt.Println(line)
	return n + 1
}

//go:noinline
func handle(n int) int {
	return leaf(n) * 2
}

//go:noinline
func serve(n int) int {
	return handle(n) + 1
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "funcs:", err)
		os.Exit(2)
	}
	return n
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: funcs classify|exit|timeout|later|mixed|add|slices|fact|grow|loop|par|nest|panics|crash|goexit|stack|hang ARGS...")
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "classify":
		for _, a := range args {
			n := atoi(a)
			fmt.Printf("classify(%d) = %q\n", n, classify(n))
		}
	case "exit":
		// classify(N), then exit with status N: goattach -c passes it on
		n := atoi(args[0])
		fmt.Printf("classify(%d) = %q\n", n, classify(n))
		os.Exit(n)
	case "timeout":
		for _, c := range []struct {
			d time.Duration
			n int
		}{{1500 * time.Millisecond, 3}, {-5 * time.Microsecond, 1}, {0, 7}, {2 * time.Hour, 1},
			{999, 1}, {time.Minute + 30500*time.Millisecond, 2}, {1234567, -1}} {
			fmt.Printf("main.timeout(d=%v, n=%d) = (%v)\n", c.d, c.n, timeout(c.d, c.n))
		}
	case "later":
		// wall clock readings (monotonic too), and dates without one
		for _, t := range []time.Time{time.Now(), time.Now().Add(time.Hour).Round(0),
			time.Date(2009, 11, 10, 23, 0, 0, 5, time.UTC), time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC),
			time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(1700000000, 123456789)} {
			r := later(t, 1500*time.Millisecond)
			fmt.Printf("main.later(t=%s, d=1.5s) = (%s)\n", t.UTC().Format(time.RFC3339Nano),
				r.UTC().Format(time.RFC3339Nano))
		}
	case "mixed":
		for _, a := range args {
			n := atoi(a)
			i, b, f, s, err := mixed(n)
			fmt.Printf("mixed(%d) = %d %t %g %q %v\n", n, i, b, f, s, err)
		}
	case "add":
		c := &Counter{name: "c"}
		for _, a := range args {
			n := atoi(a)
			fmt.Printf("add(%d) = %d\n", n, c.Add(n))
		}
	case "slices":
		xs := make([]int32, 0, len(args))
		for _, a := range args[1:] {
			xs = append(xs, int32(atoi(a)))
		}
		n, head := sum([]byte(args[0]), xs)
		fmt.Printf("sum(%q, %v) = %d %q\n", args[0], xs, n, head)
	case "fact":
		n := atoi(args[0])
		fmt.Printf("fact(%d) = %d\n", n, fact(n))
	case "grow":
		g, d := atoi(args[0]), atoi(args[1])
		var wg sync.WaitGroup
		for i := 0; i < g; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				grow(d)
			}()
		}
		wg.Wait()
		fmt.Printf("grow calls=%d\n", g*(d+1))
	case "loop":
		// many calls, no output: for the lost-events test
		n, s := atoi(args[0]), 0
		for i := 0; i < n; i++ {
			s += len(classify(i%20 - 5))
		}
		fmt.Printf("loop calls=%d sum=%d\n", n, s)
	case "par":
		// G goroutines x N calls of step at full speed: the full-rate tests
		g, n := atoi(args[0]), atoi(args[1])
		var wg sync.WaitGroup
		sums := make([]int, g)
		for i := 0; i < g; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for k := 0; k < n; k++ {
					sums[i] += step(k)
				}
			}(i)
		}
		wg.Wait()
		fmt.Printf("par calls=%d\n", g*n)
	case "nest":
		n := atoi(args[0])
		fmt.Printf("nest(%d) = %d\n", n, nest(n))
	case "panics":
		for i := 0; i < atoi(args[0]); i++ {
			r, p := safeRisky(i)
			fmt.Printf("risky(%d) = %d panicked=%t\n", i, r, p)
		}
	case "crash":
		fmt.Println("risky(1) will panic")
		risky(1)
	case "goexit":
		var wg sync.WaitGroup
		for i := 0; i < atoi(args[0]); i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				quitter(i)
			}(i)
		}
		wg.Wait()
		fmt.Printf("goexit goroutines=%s\n", args[0])
	case "stack":
		// the chain on the main goroutine, then on a goroutine of its own
		n := atoi(args[0])
		serve(n)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			serve(n + 1)
		}()
		wg.Wait()
	case "hang":
		// the blocked call starts a second after "waiting": time to attach
		c := make(chan int)
		fmt.Println("waiting")
		time.Sleep(time.Second)
		go waiter(c)
		time.Sleep(time.Duration(atoi(args[0])) * time.Millisecond)
	default:
		fmt.Fprintln(os.Stderr, "funcs: unknown mode", os.Args[1])
		os.Exit(2)
	}
}
