// gomaps: functions taking Go maps of a few shapes, for the end-to-end
// tests of goattach's map decoding. Each call prints what it passed: the
// small maps as goattach shows them (map[k:v ...], keys sorted as Go's
// fmt sorts them, strings quoted), every map in full on an "entries" line.
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// The head of runtime.hmap (runtime/map.go, Go 1.19-1.23): to tell a test
// that the map it passes is growing. Buckets builds only.
type hmapHead struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
}

//go:noinline
func small(m map[string]int) int {
	return len(m)
}

//go:noinline
func ids(m map[int64]string) int {
	return len(m)
}

//go:noinline
func large(m map[string]int) int {
	return len(m)
}

// Keys and values of other sizes and alignments: padding in a slot, a
// value of size 0, one byte wide keys.
//
//go:noinline
func pad(m map[int8]int64) int {
	return len(m)
}

//go:noinline
func flags(m map[int32]bool) int {
	return len(m)
}

//go:noinline
func set(m map[string]struct{}) int {
	return len(m)
}

//go:noinline
func floats(m map[uint16]float64) int {
	return len(m)
}

// The map as goattach prints a fully shown one.
func text(m interface{}) string {
	var parts []string
	switch m := m.(type) {
	case map[string]int:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, strconv.Quote(k)+":"+strconv.Itoa(m[k]))
		}
	case map[int64]string:
		keys := make([]int64, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, k := range keys {
			parts = append(parts, strconv.FormatInt(k, 10)+":"+strconv.Quote(m[k]))
		}
	case map[int8]int64:
		keys := make([]int, 0, len(m))
		for k := range m {
			keys = append(keys, int(k))
		}
		sort.Ints(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d:%d", k, m[int8(k)]))
		}
	case map[int32]bool:
		keys := make([]int, 0, len(m))
		for k := range m {
			keys = append(keys, int(k))
		}
		sort.Ints(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d:%t", k, m[int32(k)]))
		}
	case map[string]struct{}:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, strconv.Quote(k)+":{}")
		}
	case map[uint16]float64:
		keys := make([]int, 0, len(m))
		for k := range m {
			keys = append(keys, int(k))
		}
		sort.Ints(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d:%v", k, m[uint16(k)]))
		}
	}
	return "map[" + strings.Join(parts, " ") + "]"
}

// Every entry, for the tests to check those goattach shows: "entries f key=value ...".
func entries(f string, m interface{}) {
	var b strings.Builder
	switch m := m.(type) {
	case map[string]int:
		for k, v := range m {
			fmt.Fprintf(&b, " %s=%d", k, v)
		}
	case map[int64]string:
		for k, v := range m {
			fmt.Fprintf(&b, " %d=%s", k, v)
		}
	}
	fmt.Printf("entries %s%s\n", f, b.String())
}

func main() {
	var nilMap map[string]int
	smalls := []map[string]int{
		{"a": 1, "b": 2, "c": 3},
		{"one": 1},
		{},
		nilMap,
		{"w": -4, "x": 10, "y": 20, "z": 30},
		{"k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8},
	}
	for i, m := range smalls {
		r := small(m)
		if i < 5 {
			fmt.Printf("main.small(m=%s) = (%d)\n", text(m), r)
		}
		entries("main.small", m)
	}
	id := map[int64]string{-7: "minus seven", 42: "answer", 1 << 40: "big"}
	fmt.Printf("main.ids(m=%s) = (%d)\n", text(id), ids(id))
	entries("main.ids", id)
	many := map[int64]string{}
	for i := int64(0); i < 50; i++ {
		many[i*1000+3] = "v" + strconv.FormatInt(i, 10)
	}
	ids(many)
	entries("main.ids", many)
	p := map[int8]int64{-128: 1 << 62, 0: -1, 127: 7}
	fmt.Printf("main.pad(m=%s) = (%d)\n", text(p), pad(p))
	fl := map[int32]bool{-1: true, 5: false, 1 << 30: true, 9: true}
	fmt.Printf("main.flags(m=%s) = (%d)\n", text(fl), flags(fl))
	st := map[string]struct{}{"x": {}, "longer key": {}}
	fmt.Printf("main.set(m=%s) = (%d)\n", text(st), set(st))
	fs := map[uint16]float64{65535: 1.5, 0: -2.25, 300: 1e21}
	fmt.Printf("main.floats(m=%s) = (%d)\n", text(fs), floats(fs))
	n := 100
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	big := map[string]int{}
	for i := 0; i < n; i++ {
		big[fmt.Sprintf("k%03d", i)] = i * 7
	}
	if len(os.Args) > 2 && os.Args[2] == "hmap" {
		h := *(**hmapHead)(unsafe.Pointer(&big))
		fmt.Printf("hmap B=%d growing=%t\n", h.B, h.oldbuckets != nil)
	}
	large(big)
	entries("main.large", big)
}
