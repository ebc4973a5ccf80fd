// typegraph: params whose types reach other types (struct fields, an
// embedded struct, pointers, a linked list's cycle, maps, slices, a
// chan, arrays), for the test of the DB's type graph. "layout" prints
// the program's own sizes and offsets (unsafe), one "name value" a line,
// for the test to compare with what the DB stores; otherwise it calls
// each function once.
package main

import (
	"fmt"
	"os"
	"unsafe"
)

type URL struct {
	Scheme string
	Host   string
	Path   string
}

type Base struct {
	ID    int64
	Flags uint16
}

type node struct {
	val  int
	next *node
}

type Req struct {
	Base
	Method string
	URL    *URL
	Header map[string][]string
	Body   []byte
	Sizes  [3]int16
	Done   chan bool
	List   *node
}

// Handler's method is called through an interface: the linker keeps
// its func type in the runtime type data (stripped builds type it).
type Handler interface {
	Serve(r *Req, n int) int
}

type server struct {
	hits int
}

// handlers is read at run time: the call through it is not devirtualized.
var handlers = []Handler{&server{}}

//go:noinline
func (s *server) Serve(r *Req, n int) int {
	s.hits += n
	return len(r.Body) + s.hits
}

//go:noinline
func handle(r *Req) int {
	return len(r.Method) + len(r.Body)
}

//go:noinline
func byValue(r Req) int {
	return int(r.ID) + len(r.Header)
}

//go:noinline
func lookup(m map[string]int, k string) int {
	return m[k]
}

//go:noinline
func sum(xs []uint32) uint32 {
	var t uint32
	for _, x := range xs {
		t += x
	}
	return t
}

//go:noinline
func walk(n *node) int {
	c := 0
	for ; n != nil; n = n.next {
		c += n.val
	}
	return c
}

//go:noinline
func send(c chan int, v int) {
	select {
	case c <- v:
	default:
	}
}

func layout() {
	var r Req
	var u URL
	var n node
	p := func(name string, v uintptr) { fmt.Printf("%s %d\n", name, v) }
	p("Req.size", unsafe.Sizeof(r))
	p("Req.Base", unsafe.Offsetof(r.Base))
	p("Req.Method", unsafe.Offsetof(r.Method))
	p("Req.URL", unsafe.Offsetof(r.URL))
	p("Req.Header", unsafe.Offsetof(r.Header))
	p("Req.Body", unsafe.Offsetof(r.Body))
	p("Req.Sizes", unsafe.Offsetof(r.Sizes))
	p("Req.Done", unsafe.Offsetof(r.Done))
	p("Req.List", unsafe.Offsetof(r.List))
	p("Base.size", unsafe.Sizeof(r.Base))
	p("Base.ID", unsafe.Offsetof(r.Base.ID))
	p("Base.Flags", unsafe.Offsetof(r.Base.Flags))
	p("URL.size", unsafe.Sizeof(u))
	p("URL.Scheme", unsafe.Offsetof(u.Scheme))
	p("URL.Host", unsafe.Offsetof(u.Host))
	p("URL.Path", unsafe.Offsetof(u.Path))
	p("node.size", unsafe.Sizeof(n))
	p("node.val", unsafe.Offsetof(n.val))
	p("node.next", unsafe.Offsetof(n.next))
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "layout" {
		layout()
		return
	}
	l := &node{val: 1, next: &node{val: 2}}
	r := &Req{Method: "GET", URL: &URL{Path: "/"}, Header: map[string][]string{"a": {"b"}},
		Body: []byte("hi"), Done: make(chan bool, 1), List: l}
	h := handlers[len(os.Args)-1]
	fmt.Println(handle(r), byValue(*r), lookup(map[string]int{"x": 1}, "x"),
		sum([]uint32{1, 2}), walk(l), h.Serve(r, 2))
	send(make(chan int, 1), 3)
}
