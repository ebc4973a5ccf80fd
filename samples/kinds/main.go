// kinds: one function per kind of Go value goattach decodes. After each
// call the program prints the call the way goattach's text output shows
// it, built from the program's own values (fmt, strconv, unsafe), so a
// test can compare every decoded value with the truth line by line.
// Floats the register ABI passes in XMM registers are the one thing a
// uprobe cannot read; the test accepts "?(xmm)" only where the program
// printed a float.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"
)

type Point struct {
	X, Y int
}

type Outer struct {
	P    Point
	Flag bool
	Name string
	Tail [2]int16
}

type Mixed struct {
	I int32
	F float64
	B bool
	G float32
}

type ID int64
type Celsius float64
type Alias = Point

type Counter struct {
	n int
}

type List[T any] struct {
	items []T
}

type named string

func (n named) String() string { return string(n) }

//go:noinline
func ints(a int8, b int16, c int32, d int64, e uint8, f uint16, g uint32, h uint64, i int, j uint, k uintptr) int64 {
	return int64(a) + int64(b) + int64(c) + d + int64(e) + int64(f) + int64(g) + int64(h) + int64(i) + int64(j) + int64(k)
}

//go:noinline
func bools(a, b bool, n int) (bool, bool) {
	return a && b, a || n > 0
}

//go:noinline
func floats(a float32, b float64, c Celsius) (float64, float32) {
	return float64(a) + b + float64(c), a * 2
}

// Sixteen floats: X0-X14 hold fifteen, the last goes to the stack.
//
//go:noinline
func floatSpill(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p float64) float64 {
	return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p
}

//go:noinline
func complexes(a complex64, b complex128) complex128 {
	return complex128(a) + b
}

//go:noinline
func texts(s string, b []byte, xs []int32, ss []string, empty string, none []int) (string, int) {
	return strings.ToUpper(s), len(b) + len(xs) + len(ss) + len(empty) + len(none)
}

//go:noinline
func pointers(p *Point, np *Point) *Point {
	if np != nil {
		return np
	}
	return p
}

//go:noinline
func nested(o Outer) Outer {
	o.P.X++
	o.Flag = !o.Flag
	return o
}

//go:noinline
func arrays(z [0]int, one [1]int8, two [2]uint16, ps [1]Point) int {
	return len(z) + int(one[0]) + int(two[0]) + int(two[1]) + ps[0].X + ps[0].Y
}

//go:noinline
func mixed(m Mixed, n int) (Mixed, int) {
	m.I += int32(n)
	return m, n * 2
}

//go:noinline
func ifaces(e any, s fmt.Stringer, err error) (any, error) {
	if err != nil {
		return s, fmt.Errorf("wrapped: %w", err)
	}
	return e, nil
}

//go:noinline
func refs(m map[string]int, c chan int, f func(int) int) int {
	return len(m) + cap(c) + f(1)
}

//go:noinline
func namedTypes(id ID, a Alias) ID {
	return id + ID(a.X)
}

//go:noinline
func (p Point) Sum() int {
	return p.X + p.Y
}

//go:noinline
func (c *Counter) Add(n int) int {
	c.n += n
	return c.n
}

//go:noinline
func Max[T int | string](a, b T) T {
	if a > b {
		return a
	}
	return b
}

//go:noinline
func (l *List[T]) Push(v T) int {
	l.items = append(l.items, v)
	return len(l.items)
}

// --- the program's own account of each call, in goattach's text syntax ---

func f64(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
func f32(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

func cplx(v complex128, size int) string {
	r, i := strconv.FormatFloat(real(v), 'g', -1, size), strconv.FormatFloat(imag(v), 'g', -1, size)
	if i[0] != '-' && i[0] != '+' {
		i = "+" + i
	}
	return "(" + r + i + "i)"
}

func ptr(p unsafe.Pointer) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%#x", uintptr(p))
}

// The words of an interface value: its type (or itab) and its data.
type ifaceWords struct {
	tab, data unsafe.Pointer
}

func iface(v any, asError bool) string {
	if v == nil {
		return "nil"
	}
	if err, ok := v.(error); ok && asError {
		switch v.(type) {
		case interface{ Unwrap() error }:
			return fmt.Sprintf("<%T %q>", v, err.Error())
		}
		if fmt.Sprintf("%T", v) == "*errors.errorString" {
			return fmt.Sprintf("<%T %q>", v, err.Error())
		}
	}
	w := (*ifaceWords)(unsafe.Pointer(&v))
	return fmt.Sprintf("<%T %#x>", v, uintptr(w.data))
}

func stringerData(s fmt.Stringer) string {
	if s == nil {
		return "nil"
	}
	w := (*ifaceWords)(unsafe.Pointer(&s))
	return fmt.Sprintf("<%T %#x>", s, uintptr(w.data))
}

func point(p Point) string { return fmt.Sprintf("{X:%d Y:%d}", p.X, p.Y) }

func outer(o Outer) string {
	return fmt.Sprintf("{P:%s Flag:%t Name:%q Tail:[%d %d]}", point(o.P), o.Flag, o.Name, o.Tail[0], o.Tail[1])
}

func mixedS(m Mixed) string {
	return fmt.Sprintf("{I:%d F:%s B:%t G:%s}", m.I, f64(m.F), m.B, f32(m.G))
}

func int32s(xs []int32) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(int(x))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func funcWord(f func(int) int) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&f)) }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "quiet" {
		return
	}
	r := ints(-8, -1600, -320000, -64000000000, 200, 65000, 4000000000, 1<<63+5, -7, 9, 0xdead)
	fmt.Printf("main.ints(a=-8, b=-1600, c=-320000, d=-64000000000, e=200, f=65000, g=4000000000, h=%d, i=-7, j=9, k=57005) = (%d)\n", uint64(1<<63+5), r)

	b1, b2 := bools(true, false, 3)
	fmt.Printf("main.bools(a=true, b=false, n=3) = (%t, %t)\n", b1, b2)

	fa, fb := floats(1.5, 0.1, 100000)
	fmt.Printf("main.floats(a=%s, b=%s, c=%s) = (%s, %s)\n", f32(1.5), f64(0.1), f64(100000), f64(fa), f32(fb))

	fs := floatSpill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1e6)
	fmt.Printf("main.floatSpill(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10, k=11, l=12, m=13, n=14, o=15, p=%s) = (%s)\n", f64(1e6), f64(fs))

	c := complexes(complex(1.5, -2), complex(0.25, 4))
	fmt.Printf("main.complexes(a=%s, b=%s) = (%s)\n", cplx(complex(1.5, -2), 32), cplx(complex(0.25, 4), 64), cplx(c, 64))

	bs := []byte("raw\tbytes")
	xs := []int32{1, -2, 30}
	ss := []string{"a", "b"}
	// what a terminal must not get raw: CR, ESC, an invalid byte, a C1 control, a bidi override
	text := "hello \"go\"\r\x1b[1m\xff\u0085\u202e"
	up, n := texts(text, bs, xs, ss, "", nil)
	fmt.Printf("main.texts(s=%q, b=%q, xs=%s, ss=[len=%d cap=%d], empty=\"\", none=nil) = (%q, %d)\n",
		text, bs, int32s(xs), len(ss), cap(ss), up, n)

	pt := &Point{1, 2}
	res := pointers(pt, nil)
	fmt.Printf("main.pointers(p=%s, np=nil) = (%s)\n", ptr(unsafe.Pointer(pt)), ptr(unsafe.Pointer(res)))

	o := Outer{P: Point{3, 4}, Flag: true, Name: "out", Tail: [2]int16{-5, 6}}
	o2 := nested(o)
	fmt.Printf("main.nested(o=%s) = (%s)\n", outer(o), outer(o2))

	a := arrays([0]int{}, [1]int8{-9}, [2]uint16{7, 65535}, [1]Point{{5, 6}})
	fmt.Printf("main.arrays(z=[], one=[-9], two=[7 65535], ps=[{X:5 Y:6}]) = (%d)\n", a)

	m := Mixed{I: -3, F: 2.5, B: true, G: 0.5}
	m2, n2 := mixed(m, 4)
	fmt.Printf("main.mixed(m=%s, n=4) = (%s, %d)\n", mixedS(m), mixedS(m2), n2)

	base := errors.New("boom")
	var st fmt.Stringer = named("nm")
	var e any = pt
	r1, r2 := ifaces(e, st, base)
	fmt.Printf("main.ifaces(e=%s, s=%s, err=%s) = (%s, %s)\n", iface(e, false), stringerData(st), iface(base, true), iface(r1, false), iface(r2, true))
	r1, r2 = ifaces(42, nil, nil)
	fmt.Printf("main.ifaces(e=%s, s=nil, err=nil) = (%s, nil)\n", iface(r1, false), iface(r1, false))

	mp := map[string]int{"a": 1}
	ch := make(chan int, 3)
	fn := func(x int) int { return x + 1 }
	rr := refs(mp, ch, fn)
	// a map as goattach shows it: its entries (all of them here), keys quoted
	fmt.Printf("main.refs(m=map[%q:%d], c=%s, f=%s) = (%d)\n", "a", mp["a"], ptr(*(*unsafe.Pointer)(unsafe.Pointer(&ch))), ptr(funcWord(fn)), rr)

	id := namedTypes(ID(-100), Alias{X: 7, Y: 8})
	fmt.Printf("main.namedTypes(id=-100, a={X:7 Y:8}) = (%d)\n", id)

	s := Point{4, 5}.Sum()
	fmt.Printf("main.Point.Sum(p={X:4 Y:5}) = (%d)\n", s)

	cnt := &Counter{n: 10}
	v := cnt.Add(5)
	fmt.Printf("main.(*Counter).Add(c=%s, n=5) = (%d)\n", ptr(unsafe.Pointer(cnt)), v)

	mx := Max(3, 7)
	fmt.Printf(maxIntLine, mx)
	ms := Max("go", "c")
	fmt.Printf(maxStringLine, "go", "c", ms)

	l := &List[int]{}
	ln := l.Push(11)
	fmt.Printf(pushLine, ptr(unsafe.Pointer(l)), ln)
}
