// blocker: many goroutines block inside one function (time.Sleep parks
// them, and they may resume on another OS thread). Each call measures its
// own duration; tests compare goattach's per-goroutine latencies with it.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Parks, then yields through the global run queue: the goroutine often
// resumes on another OS thread before it returns.
//
//go:noinline
func work(id int, d time.Duration) int {
	time.Sleep(d)
	runtime.Gosched()
	return id * 2
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: blocker GOROUTINES MS")
		os.Exit(2)
	}
	g, err1 := strconv.Atoi(os.Args[1])
	ms, err2 := strconv.Atoi(os.Args[2])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "blocker: bad arguments")
		os.Exit(2)
	}
	if v := os.Getenv("BLOCKER_DELAY_MS"); v != "" {
		if d, err := strconv.Atoi(v); err == nil {
			time.Sleep(time.Duration(d) * time.Millisecond)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := 0; i < g; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := time.Duration(ms+i%7*3) * time.Millisecond
			t0 := time.Now()
			r := work(i, d)
			el := time.Since(t0)
			mu.Lock()
			fmt.Printf("work id=%d result=%d ns=%d\n", i, r, el.Nanoseconds())
			mu.Unlock()
		}(i)
	}
	wg.Wait()
}
