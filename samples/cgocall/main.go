// cgocall: a cgo program (external linking, C code at the start of .text)
// for the analyzer tests: Go text does not start at .text there.
package main

/*
static int add_c(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func addGo(a, b int) int {
	return int(C.add_c(C.int(a), C.int(b)))
}

func main() {
	a, _ := strconv.Atoi(os.Args[1])
	b, _ := strconv.Atoi(os.Args[2])
	fmt.Println(addGo(a, b))
}
