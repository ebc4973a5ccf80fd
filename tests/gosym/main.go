// gosym: the function table of a Go binary as Go's own debug/gosym reads
// it, one "entry end name" line per function, in hex. The analyzer tests
// compare goanalyze's list with it for the formats this Go can read.
// "gosym -inlines BINARY" prints instead, from DWARF (debug/dwarf), one
// "caller<TAB>callee" line per inlined call.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
)

func inlines(path string) {
	f, err := elf.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym:", err)
		os.Exit(1)
	}
	d, err := f.DWARF()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosym:", err)
		os.Exit(1)
	}
	names := map[dwarf.Offset]string{}
	type site struct {
		caller string
		origin dwarf.Offset
	}
	var sites []site
	caller := ""
	depth := 0
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosym:", err)
			os.Exit(1)
		}
		if e == nil {
			break
		}
		if e.Tag == 0 {
			depth--
			continue
		}
		if e.Tag == dwarf.TagSubprogram {
			if n, ok := e.Val(dwarf.AttrName).(string); ok {
				names[e.Offset] = n
				if depth == 1 {
					caller = n
				}
			}
		}
		if e.Tag == dwarf.TagInlinedSubroutine {
			if o, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok {
				sites = append(sites, site{caller, o})
			}
		}
		if e.Children {
			depth++
		}
	}
	for _, s := range sites {
		fmt.Printf("%s\t%s\n", s.caller, names[s.origin])
	}
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-inlines" {
		inlines(os.Args[2])
		return
	}
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
