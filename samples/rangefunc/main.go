// Range-over-func (Go 1.23+): the loop body of sum is compiled into a
// closure, main.sum-range1, called by the iterator main.count.func1 once
// per value until it returns false. The program prints each call as
// goattach shows it, from its own values (DWARF lists no result of a
// range body, so its lines have none).
package main

import (
	"fmt"
	"iter"
	"os"
)

//go:noinline
func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i * 10) {
				return
			}
		}
	}
}

var bodies []string

//go:noinline
func sum(n int) int {
	s := 0
	for v := range count(n) {
		bodies = append(bodies, fmt.Sprintf("main.sum-range1(v=%d)", v))
		if v > 30 {
			break
		}
		s += v
	}
	return s
}

func main() {
	n := 6
	if len(os.Args) > 1 {
		n = 3
	}
	s := sum(n)
	for _, b := range bodies {
		fmt.Println(b)
	}
	fmt.Printf("main.sum(n=%d) = (%d)\n", n, s)
}
