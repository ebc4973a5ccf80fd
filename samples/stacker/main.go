// stacker: a long-running call that grows the goroutine stack. A uretprobe
// on main.stacker crashes it; tests and the demo trace it with goattach.
package main

import (
	"fmt"
	"os"
	"strconv"
)

type Example struct {
	ID   int
	Name string
}

//go:noinline
func stacker(count int) string {
	result := 0
	for i := 0; i < count; i++ {
		temp := Example{ID: i * 2, Name: fmt.Sprintf("%d", result)}
		result += temp.ID
	}
	return fmt.Sprintf("hello: %d", result)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stacker COUNT")
		os.Exit(2)
	}
	count, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "stacker:", err)
		os.Exit(2)
	}
	fmt.Println(stacker(count))
}
