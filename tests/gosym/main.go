// gosym: the function table of a Go binary as Go's own debug/gosym reads
// it, one "entry end name" line per function, in hex. The analyzer tests
// compare goanalyze's list with it for the formats this Go can read.
package main

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym:", err)
		os.Exit(1)
	}
	sect := f.Section(".gopclntab")
	if sect == nil {
		sect = f.Section(".data.rel.ro.gopclntab")
	}
	text := f.Section(".text")
	if sect == nil || text == nil {
		fmt.Fprintln(os.Stderr, "gosym: no .gopclntab or .text")
		os.Exit(1)
	}
	data, err := sect.Data()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym:", err)
		os.Exit(1)
	}
	addr := text.Addr
	// Go 1.2-1.15 tables do not hold the text start; runtime.text does.
	if syms, err := f.Symbols(); err == nil {
		for _, s := range syms {
			if s.Name == "runtime.text" {
				addr = s.Value
			}
		}
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, addr))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym:", err)
		os.Exit(1)
	}
	if len(tab.Funcs) == 0 {
		// A table format newer than this Go's debug/gosym reads.
		fmt.Fprintf(os.Stderr, "gosym: no functions read (pclntab magic %x)\n", data[:4])
		os.Exit(1)
	}
	for _, fn := range tab.Funcs {
		fmt.Printf("%x %x %s\n", fn.Entry, fn.End, fn.Name)
	}
}
