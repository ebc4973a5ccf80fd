// Values that take more machine words than one probe fetches: each call is
// printed afterwards in goattach's text syntax, built from the program's
// own values, so a test can compare them.
package main

import (
	"fmt"
	"os"
	"strings"
)

// Flags fills one stack word with many small fields.
type Flags struct {
	A, B, C, D, E, F bool
	N                int8
	M                uint16
	K                int32
}

//go:noinline
func bytes32(b [32]byte) int {
	s := 0
	for _, x := range b {
		s += int(x)
	}
	return s
}

//go:noinline
func ints40(a [40]int64) int64 {
	return a[0] + a[39]
}

//go:noinline
func flags(f [3]Flags) int32 {
	return f[2].K + int32(f[1].N)
}

func join(xs []string) string { return "[" + strings.Join(xs, " ") + "]" }

func main() {
	var b [32]byte
	for i := range b {
		b[i] = byte(i * 7)
	}
	var a [40]int64
	for i := range a {
		a[i] = int64(i*i) - 300
	}
	f := [3]Flags{{A: true, N: -3, M: 65535, K: 7}, {C: true, F: true, N: 42, K: -9}, {B: true, E: true, N: 1, M: 2, K: 123456}}
	for round := 0; round < 2; round++ {
		if len(os.Args) > 1 && round == 1 {
			break
		}
		r := bytes32(b)
		var bs []string
		for _, x := range b {
			bs = append(bs, fmt.Sprint(x))
		}
		fmt.Printf("main.bytes32(b=%s) = (%d)\n", join(bs), r)
		s := ints40(a)
		var as []string
		for _, x := range a {
			as = append(as, fmt.Sprint(x))
		}
		fmt.Printf("main.ints40(a=%s) = (%d)\n", join(as), s)
		k := flags(f)
		var fs []string
		for _, x := range f {
			fs = append(fs, fmt.Sprintf("%+v", x))
		}
		fmt.Printf("main.flags(f=%s) = (%d)\n", join(fs), k)
	}
}
