// types: functions whose arguments exercise the Go register ABI's corner
// cases: more integers than registers (the tenth goes to the stack),
// structs split over registers, arrays of length 0, 1 and 2 (the last on
// the stack), a value receiver. Each call prints its own arguments so the
// tests compare goattach's decoding with the program.
package main

import (
	"fmt"
	"os"
)

type Point struct {
	X, Y int
}

//go:noinline
func many(a, b, c, d, e, f, g, h, i, j int) int {
	return a + b + c + d + e + f + g + h + i + j
}

//go:noinline
func shift(p Point, dx int) Point {
	return Point{p.X + dx, p.Y - dx}
}

//go:noinline
func arrays(z [0]int, one [1]int, two [2]int) int {
	return len(z) + one[0] + two[0] + two[1]
}

//go:noinline
func (p Point) Sum() int {
	return p.X + p.Y
}

//go:noinline
func flags(a bool, b int8, c uint16, d int32, e uint64) uint64 {
	if a {
		return uint64(b) + uint64(c) + uint64(d) + e
	}
	return e
}

//go:noinline
func Max[T int | string](a, b T) T {
	if a > b {
		return a
	}
	return b
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "quiet" {
		return
	}
	fmt.Printf("many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) = %d\n", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	p := shift(Point{10, 20}, 3)
	fmt.Printf("shift({10 20}, 3) = {%d %d}\n", p.X, p.Y)
	fmt.Printf("arrays([], [7], [8 9]) = %d\n", arrays([0]int{}, [1]int{7}, [2]int{8, 9}))
	fmt.Printf("Point{4 5}.Sum() = %d\n", Point{4, 5}.Sum())
	fmt.Printf("flags(true, -3, 65535, -70000, 1<<40) = %d\n", flags(true, -3, 65535, -70000, 1<<40))
	fmt.Printf("Max(3, 7) = %d\n", Max(3, 7))
	fmt.Printf("Max(\"go\", \"c\") = %q\n", Max("go", "c"))
}
