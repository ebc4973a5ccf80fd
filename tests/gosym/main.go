// gosym: the function table of a Go binary as Go's own debug/gosym reads
// it, one "entry end name" line per function, in hex. The analyzer tests
// compare goanalyze's list with it for the formats this Go can read.
// "gosym -inlines BINARY" prints instead, from DWARF (debug/dwarf), one
// "caller<TAB>callee" line per inlined call; "gosym -inlchains BINARY"
// one "caller<TAB>low<TAB>high<TAB>chain" line (addresses in decimal) per
// range of each inlined call that holds no other inlined call, chain the
// callees from it out to the caller, innermost first, space-separated.
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

func inlchains(path string) {
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
	// abstract functions by offset; they may come after their instances
	names := map[dwarf.Offset]string{}
	type inst struct {
		caller string
		chain  []dwarf.Offset
		ranges [][2]uint64
	}
	type open struct {
		inlined bool
		e       *dwarf.Entry
	}
	var out []inst
	var stack []open
	caller := ""
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
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if e.Tag == dwarf.TagSubprogram {
			if n, ok := e.Val(dwarf.AttrName).(string); ok {
				names[e.Offset] = n
				caller = n
			}
		}
		if e.Tag == dwarf.TagInlinedSubroutine {
			var chain []dwarf.Offset
			if o, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok {
				chain = append(chain, o)
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].inlined {
					if o, ok := stack[i].e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok {
						chain = append(chain, o)
					}
				}
			}
			rs, err := d.Ranges(e)
			if err == nil {
				rr := make([][2]uint64, 0, len(rs))
				for _, x := range rs {
					rr = append(rr, [2]uint64{x[0], x[1]})
				}
				out = append(out, inst{caller, chain, rr})
			}
		}
		if e.Children {
			stack = append(stack, open{inlined: e.Tag == dwarf.TagInlinedSubroutine, e: e})
		}
	}
	// an inlined call holding others: its ranges are theirs too, left out
	// (the innermost call at a PC is the one to compare)
	outer := map[string]bool{}
	for _, in := range out {
		for k := 1; k < len(in.chain); k++ {
			key := in.caller
			for _, o := range in.chain[k:] {
				key += " " + fmt.Sprint(o)
			}
			outer[key] = true
		}
	}
	for _, in := range out {
		key := in.caller
		for _, o := range in.chain {
			key += " " + fmt.Sprint(o)
		}
		if outer[key] {
			continue
		}
		chain := ""
		for k, o := range in.chain {
			if k > 0 {
				chain += " "
			}
			chain += names[o]
		}
		for _, x := range in.ranges {
			fmt.Printf("%s\t%d\t%d\t%s\n", in.caller, x[0], x[1], chain)
		}
	}
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-inlines" {
		inlines(os.Args[2])
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "-inlchains" {
		inlchains(os.Args[2])
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
