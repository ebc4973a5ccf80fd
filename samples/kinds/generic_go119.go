// How Go 1.19 names and calls the generic instances of main.go (file
// selected by the toolchain's release tags): shapes are "go.shape.int_0"
// (typecheck/subr.go of Go 1.19), a method's dictionary is its own
// ("main..dict.(*List[int]).Push") and comes first, before the receiver
// (noder/stencil.go of Go 1.19, genericSubst). Go 1.20 has no toolchain
// in the tests: which file it takes is untested.

//go:build !go1.21

package main

const (
	maxIntLine    = "main.Max[go.shape.int_0](.dict=main..dict.Max[int], a=3, b=7) = (%d)\n"
	maxStringLine = "main.Max[go.shape.string_0](.dict=main..dict.Max[string], a=%q, b=%q) = (%q)\n"
	pushLine      = "main.(*List[go.shape.int_0]).Push(.dict=main..dict.(*List[int]).Push, l=%s, v=11) = (%d)\n"
)
