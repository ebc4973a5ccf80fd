// How Go 1.21 and later name and call the generic instances of main.go
// (file selected by the toolchain's release tags): shapes are
// "go.shape.int" (noder/reader.go, ShapePkg.Lookup of the type's link
// string), a method's dictionary is its type's ("main..dict.List[int]")
// and comes after the receiver: "receiver (if any), then runtime
// dictionary, and finally normal parameters" (noder/reader.go of Go 1.21
// to 1.27). Plain generic functions take the dictionary first.

//go:build go1.21

package main

const (
	maxIntLine    = "main.Max[go.shape.int](.dict=main..dict.Max[int], a=3, b=7) = (%d)\n"
	maxStringLine = "main.Max[go.shape.string](.dict=main..dict.Max[string], a=%q, b=%q) = (%q)\n"
	pushLine      = "main.(*List[go.shape.int]).Push(l=%s, .dict=main..dict.List[int], v=11) = (%d)\n"
)
