// overhead: a small non-leaf function called in a tight loop, by 1 or
// more goroutines, for bench/overhead.sh. Prints the calls made and the
// wall time per call (total elapsed / total calls).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

//go:noinline
func leaf(x int) int {
	return x*3 + 1
}

// small has a frame (it calls leaf), so its prologue checks the stack:
// the entry probe goes on that branch.
//
//go:noinline
func small(x int) int {
	return leaf(x) + 1
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: overhead GOROUTINES CALLS")
		os.Exit(2)
	}
	g, _ := strconv.Atoi(os.Args[1])
	n, _ := strconv.Atoi(os.Args[2])
	per := n / g
	var wg sync.WaitGroup
	sums := make([]int, g)
	t0 := time.Now()
	for i := 0; i < g; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := 0
			for k := 0; k < per; k++ {
				s += small(k)
			}
			sums[i] = s
		}(i)
	}
	wg.Wait()
	el := time.Since(t0)
	fmt.Printf("calls=%d ns_per_call=%.1f\n", per*g, float64(el.Nanoseconds())/float64(per*g))
}
