// inlined: a traced function called from functions the compiler inlined
// into their callers, for goattach --stack. Built WITH inlining (no
// -gcflags=-l): wrap is inlined into handle, and both into serve
// (go build -gcflags=-m says "inlining call to handle", "... to wrap").
// leaf prints its own call stack as the runtime sees it:
// runtime.CallersFrames expands the inlined calls, and a frame whose Func
// is nil is one of them.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

//go:noinline
func leaf(n int) int {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	var names, inlined []string
	for {
		f, more := frames.Next()
		names = append(names, f.Function)
		if f.Func == nil {
			inlined = append(inlined, "1")
		} else {
			inlined = append(inlined, "0")
		}
		if !more {
			break
		}
	}
	fmt.Printf("stack(%d): %s\n", n, strings.Join(names, " "))
	fmt.Printf("inlined(%d): %s\n", n, strings.Join(inlined, " "))
	return n + 1
}

// inlined into handle, and with it into serve
func wrap(n int) int {
	return leaf(n) * 2
}

// inlined into serve
func handle(n int) int {
	return wrap(n) + 3
}

//go:noinline
func serve(n int) int {
	return handle(n) + 1
}

// inlined into main.main: leaf's caller is then main.main itself
func direct(n int) int {
	return leaf(n) - 1
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: inlined N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "inlined:", err)
		os.Exit(2)
	}
	// the chain on the main goroutine, on a goroutine of its own, then
	// called from code inlined into main.main
	serve(n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		serve(n + 1)
	}()
	wg.Wait()
	direct(n + 2)
}
