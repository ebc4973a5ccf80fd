// swapper: the classic two-string example. Tests trace main.swap and check
// that the decoded arguments and results match what the program prints.
package main

import (
	"fmt"
	"os"
)

//go:noinline
func swap(x, y string) (string, string) {
	return y, x
}

func main() {
	a, b := swap(os.Args[1], os.Args[2])
	fmt.Println(a, b)
}
