// httpish: a request handler shaped like net/http's, for the end-to-end
// tests of issue 14 (--stack, --json, --deref, --expr, --filter). handle
// takes an interface and a pointer to a request holding strings, a nested
// pointer, a map and a byte slice, and returns a pointer and an error;
// main.main -> dispatch -> serve -> handle, so a stack has several frames.
//
// For each call dispatch prints one line with what handle was passed and
// what it returned, written at once (os.Stdout is unbuffered), so a test
// reads it next to goattach's own lines:
//
//	call seq=N method="GET" path="/item/7" host="example.com" len=N body="..."
//	  xid=["abc"] nhdr=N cl=N code=N size=N err="..." slept=Nms hdr=map["X-Id":["abc"]]
//
// on one line, strings Go-quoted (%q), xid the Header["X-Id"] slice (%q,
// [] when there is none), a nil pointer <nil> (path and host when URL is
// nil, code and size when the *Response is nil, err when there is none),
// hdr (%q of the map, keys sorted) last. Modes:
//
//	mix [ROUNDS]  the twelve requests below, ROUNDS times (Seq goes on)
//	stack         the same twelve, each followed by "stack(SEQ): f f ..."
//	              (runtime.Callers of handle's call, function names, from
//	              main.handle), then once more on a goroutine of its own
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type URL struct {
	Scheme, Host, Path, RawQuery string
}

type Request struct {
	Method        string
	URL           *URL
	Header        map[string][]string
	Body          []byte
	Proto         string
	ContentLength int64
	RemoteAddr    string
	Seq           int64
}

type Response struct {
	Code int
	Size int64
}

type ResponseWriter interface {
	WriteHeader(code int)
	Write(b []byte) (int, error)
}

// recorder is the ResponseWriter handle writes to.
type recorder struct {
	code int
	buf  []byte
}

func (w *recorder) WriteHeader(code int) { w.code = code }

func (w *recorder) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// Set by the "stack" mode: handle records its own call stack in lastStack.
var (
	recordStack bool
	lastStack   []string
)

// The handler: /static/ sleeps 5ms; a missing URL or a POST without a
// body is an error with no response; an odd /item/N is an error with a
// 404 response.
//
//go:noinline
func handle(w ResponseWriter, r *Request) (*Response, error) {
	if recordStack {
		pcs := make([]uintptr, 64)
		frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
		lastStack = lastStack[:0]
		for {
			f, more := frames.Next()
			lastStack = append(lastStack, f.Function)
			if !more {
				break
			}
		}
	}
	if r.URL == nil {
		return nil, errors.New("no URL")
	}
	path := r.URL.Path
	if strings.HasPrefix(path, "/static/") {
		time.Sleep(5 * time.Millisecond)
	}
	if r.Method == "POST" && len(r.Body) == 0 {
		return nil, errors.New("POST without a body")
	}
	code := 200
	switch {
	case strings.HasPrefix(path, "/item/"):
		n, err := strconv.Atoi(strings.TrimPrefix(path, "/item/"))
		if err != nil || n%2 != 0 {
			w.WriteHeader(404)
			w.Write([]byte("not found"))
			return &Response{Code: 404, Size: 9}, fmt.Errorf("item %s not found", strings.TrimPrefix(path, "/item/"))
		}
	case r.Method == "POST":
		code = 201
	case r.Method == "PUT":
		code = 204
	}
	w.WriteHeader(code)
	n, _ := w.Write([]byte("ok " + path))
	return &Response{Code: code, Size: int64(n)}, nil
}

// A middleware's place in the chain.
//
//go:noinline
func serve(w ResponseWriter, r *Request) (*Response, error) {
	if r.Proto == "" {
		r.Proto = "HTTP/1.1"
	}
	return handle(w, r)
}

func quoteOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return strconv.Quote(*s)
}

// Serves each request and prints its line (and its stack line).
//
//go:noinline
func dispatch(reqs []*Request) {
	for _, r := range reqs {
		w := &recorder{}
		start := time.Now()
		resp, err := serve(w, r)
		slept := time.Since(start) / time.Millisecond
		var path, host *string
		if r.URL != nil {
			path, host = &r.URL.Path, &r.URL.Host
		}
		code, size := "<nil>", "<nil>"
		if resp != nil {
			code, size = strconv.Itoa(resp.Code), strconv.FormatInt(resp.Size, 10)
		}
		errs := "<nil>"
		if err != nil {
			errs = strconv.Quote(err.Error())
		}
		xid := r.Header["X-Id"]
		if xid == nil {
			xid = []string{}
		}
		line := fmt.Sprintf("call seq=%d method=%q path=%s host=%s len=%d body=%q xid=%q nhdr=%d cl=%d code=%s size=%s err=%s slept=%dms hdr=%q\n",
			r.Seq, r.Method, quoteOrNil(path), quoteOrNil(host), len(r.Body), string(r.Body), xid,
			len(r.Header), r.ContentLength, code, size, errs, slept, r.Header)
		if recordStack {
			line += fmt.Sprintf("stack(%d): %s\n", r.Seq, strings.Join(lastStack, " "))
		}
		os.Stdout.WriteString(line)
	}
}

// The twelve requests of one round, Seq from seq+1.
func requests(seq int64) []*Request {
	mk := func(method, path string, hdr map[string][]string, body string) *Request {
		r := &Request{Method: method, Header: hdr, RemoteAddr: "192.0.2.1:4321"}
		if path != "" {
			u := &URL{Scheme: "http", Host: "example.com", Path: path}
			if i := strings.IndexByte(path, '?'); i >= 0 {
				u.Path, u.RawQuery = path[:i], path[i+1:]
			}
			r.URL = u
		}
		if body != "" {
			r.Body = []byte(body)
		}
		r.ContentLength = int64(len(body))
		seq++
		r.Seq = seq
		return r
	}
	h := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	return []*Request{
		mk("GET", "/api/users?page=2", h("X-Id", "abc", "Accept", "*/*"), ""),
		mk("POST", "/api/users", h("X-Id", "def", "Content-Type", "application/json"), `{"name":"ann"}`),
		mk("GET", "/item/7", h("X-Id", "item7"), ""),
		mk("GET", "/item/8", h("Accept", "text/html"), ""),
		mk("PUT", "/api/users/3", h("X-Id", "put3", "Content-Type", "text/plain"), "name=bob"),
		mk("POST", "/api/upload", h("X-Id", "empty"), ""),
		mk("GET", "/static/app.js", h(), ""),
		mk("GET", "/", nil, ""),
		mk("POST", "/item/12", h("X-Id", "a", "X-Id", "b", "Accept", "*/*", "Content-Type", "text/plain"), "hello world"),
		mk("GET", "", h("X-Id", "nourl"), ""),
		mk("GET", "/static/logo.png", h("X-Id", "s1"), ""),
		mk("POST", "/static/form", h("Content-Type", "application/x-www-form-urlencoded"), "x=1&y=2"),
	}
}

func main() {
	mode := "mix"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "mix":
		rounds := 1
		if len(os.Args) > 2 {
			n, err := strconv.Atoi(os.Args[2])
			if err != nil || n < 1 {
				fmt.Fprintln(os.Stderr, "httpish: bad ROUNDS:", os.Args[2])
				os.Exit(2)
			}
			rounds = n
		}
		for i := 0; i < rounds; i++ {
			dispatch(requests(int64(12 * i)))
		}
	case "stack":
		recordStack = true
		dispatch(requests(0))
		done := make(chan bool)
		go func() {
			dispatch(requests(12)[:1])
			done <- true
		}()
		<-done
	default:
		fmt.Fprintln(os.Stderr, "usage: httpish mix [ROUNDS] | stack")
		os.Exit(2)
	}
}
