// soak: the target of tests/soak/soak.py. Each batch it is told to run
// makes traced calls from 1000 goroutines that move between threads
// (GOMAXPROCS > 1, Gosched, blocking syscalls, channel waits), grow their
// stacks in deep recursion, unwind traced frames by recovered panics and
// by runtime.Goexit, and churn the GC; it counts every call of each traced
// function, how many returned and how many were unwound, and prints the
// counts when the batch is over. Outside a batch it makes no traced call,
// so a tracer attached before the command and detached after the counts
// must account for exactly these calls.
//
// Commands, one per line on stdin:
//
//	batch SEED OPS   run a batch (OPS operations per goroutine), print "counts {...}"
//	crash SEED OPS   the same, then main.fatal panics unrecovered: the process dies
//	quit             exit 0 (so does EOF)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

const goroutines = 1000

// The traced functions, in the order of the counters.
const (
	fWork = iota
	fBlocker
	fRecurse
	fRecoverer
	fPanicker
	fExiter
	fCollect
	fFatal
	nFuncs
)

var names = [nFuncs]string{"main.work", "main.blocker", "main.recurse", "main.recoverer",
	"main.panicker", "main.exiter", "main.collect", "main.fatal"}

type counter struct{ calls, returned, unwound int64 }

var counts [nFuncs]counter

// At most this many goroutines recurse at once: goattach tracks 16384
// calls in flight, and 1000 goroutines 64 frames deep would be far more.
var deepSem = make(chan struct{}, 24)

// A channel every blocker waits on, fed by one goroutine outside the calls.
var ticks = make(chan int)

func entered(f int) { atomic.AddInt64(&counts[f].calls, 1) }

func returned(f int) { atomic.AddInt64(&counts[f].returned, 1) }

//go:noinline
func work(n int) int {
	entered(fWork)
	// garbage for the GC: a few slices, most of them dropped at once
	sum := 0
	for i := 0; i < 4; i++ {
		b := make([]byte, 256+n%4096)
		b[len(b)-1] = byte(i)
		sum += int(b[len(b)-1]) + len(b)
	}
	if n%7 == 0 {
		runtime.Gosched()
	}
	return sum
}

// blocker waits in the kernel or on a channel: its goroutine usually
// comes back on another thread.
//
//go:noinline
func blocker(n int) int {
	entered(fBlocker)
	switch n % 3 {
	case 0:
		ts := syscall.Timespec{Nsec: int64(20000 + n%50000)}
		syscall.Nanosleep(&ts, nil)
	case 1:
		n += <-ticks
	default:
		runtime.Gosched()
	}
	return n
}

// recurse grows the goroutine's stack: 512 bytes a frame, started at 8 KiB,
// copied each time it doubles, while every frame is a traced call.
//
//go:noinline
func recurse(depth int) int {
	var pad [64]int
	entered(fRecurse)
	pad[depth%64] = depth
	if depth == 0 {
		runtime.Gosched()
		return pad[0]
	}
	r := recurse(depth-1) + pad[depth%64]
	returned(fRecurse)
	return r
}

type unwinding struct{ frames int64 }

// panicker panics depth+1 frames down: every one of its frames unwinds.
//
//go:noinline
func panicker(depth int) int {
	entered(fPanicker)
	if depth == 0 {
		panic(unwinding{})
	}
	return panicker(depth-1) + 1
}

// recoverer recovers the panic of the panickers it called and returns normally.
//
//go:noinline
func recoverer(depth int) (r int) {
	entered(fRecoverer)
	defer func() {
		if recover() != nil {
			atomic.AddInt64(&counts[fPanicker].unwound, int64(depth+1))
			r = -1
		}
	}()
	return panicker(depth)
}

// exiter ends its goroutine by runtime.Goexit: its frame never returns.
//
//go:noinline
func exiter(n int) {
	entered(fExiter)
	if n%2 == 0 {
		runtime.Gosched()
	}
	runtime.Goexit()
}

//go:noinline
func collect() {
	entered(fCollect)
	runtime.GC()
}

// fatal is counted by its caller, before the call: nothing runs after it.
// It returns when n < 0 (never here), so it has a RET to trace.
//
//go:noinline
func fatal(n int) int {
	if n >= 0 {
		panic("soak: the unrecovered panic the driver asked for")
	}
	return n
}

func worker(seed int64, ops int, wg *sync.WaitGroup) {
	rng := rand.New(rand.NewSource(seed))
	exiting := false

	defer func() {
		if exiting {
			atomic.AddInt64(&counts[fExiter].unwound, 1)
		}
		wg.Done()
	}()
	for i := 0; i < ops; i++ {
		n := rng.Intn(1 << 20)
		switch op := rng.Intn(100); {
		case op < 35:
			work(n)
			returned(fWork)
		case op < 70:
			blocker(n)
			returned(fBlocker)
		case op < 72:
			deepSem <- struct{}{}
			recurse(16 + n%48)
			returned(fRecurse) // the outermost frame
			<-deepSem
		case op < 87:
			recoverer(n % 4)
			returned(fRecoverer)
		case op < 88:
			collect()
			returned(fCollect)
		case op < 92:
			if rng.Intn(4) == 0 {
				exiting = true
				exiter(n)
			}
		}
	}
}

func runBatch(seed int64, ops int) {
	var wg sync.WaitGroup

	wg.Add(goroutines)
	for i := 0; i < goroutines; i++ {
		go worker(seed*goroutines+int64(i), ops, &wg)
	}
	wg.Wait()
}

type funcCounts struct {
	Calls    int64 `json:"calls"`
	Returned int64 `json:"returned"`
	Unwound  int64 `json:"unwound"`
}

// printCounts prints the counts since the last print and clears them.
func printCounts(w *bufio.Writer, batch string) {
	out := struct {
		Batch string                `json:"batch"`
		Pid   int                   `json:"pid"`
		Funcs map[string]funcCounts `json:"funcs"`
	}{batch, os.Getpid(), map[string]funcCounts{}}

	for f := range counts {
		c := funcCounts{atomic.SwapInt64(&counts[f].calls, 0), atomic.SwapInt64(&counts[f].returned, 0),
			atomic.SwapInt64(&counts[f].unwound, 0)}
		out.Funcs[names[f]] = c
	}
	b, _ := json.Marshal(out)
	fmt.Fprintf(w, "counts %s\n", b)
	w.Flush()
}

func main() {
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	go func() {
		for i := 0; ; i++ {
			ticks <- i
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "ready %d\n", os.Getpid())
	out.Flush()
	for in.Scan() {
		words := strings.Fields(in.Text())
		if len(words) == 1 && words[0] == "quit" {
			return
		}
		if len(words) != 3 || (words[0] != "batch" && words[0] != "crash") {
			fmt.Fprintf(os.Stderr, "soak: bad command %q\n", in.Text())
			os.Exit(2)
		}
		seed, err1 := strconv.ParseInt(words[1], 10, 64)
		ops, err2 := strconv.Atoi(words[2])
		if err1 != nil || err2 != nil {
			fmt.Fprintf(os.Stderr, "soak: bad command %q\n", in.Text())
			os.Exit(2)
		}
		runBatch(seed, ops)
		if words[0] == "crash" {
			// counted before the call: nothing runs after it
			atomic.AddInt64(&counts[fFatal].calls, 1)
			atomic.AddInt64(&counts[fFatal].unwound, 1)
			printCounts(out, words[1])
			go fatal(1)
			select {} // the panic kills the process
		}
		printCounts(out, words[1])
	}
}
