-- goattach database schema. The single source of the DB layout: both
-- goanalyze and goattach embed this file and refuse a DB whose
-- user_version differs from the one below.
--
-- Version history:
--   1  first release: builds, functions, exits, params, param_pieces, runtime_facts
--   2  builds.trimpath and builds.race; modules and build_settings from build info
--   3  inlines: the calls the compiler inlined into each function
--   4  params.dwarf_check and params.dwarf_loc: the ABI layout against DWARF's location lists
--   5  param_pieces.loc 'deref': basic fields of what a pointer argument points at;
--      functions.params_known = 2: raw argument words from the arg-info funcdata (no DWARF)
--   6  builds.debuginfo and builds.debuginfo_path: where DWARF was read (separate debug info);
--      functions.params_source: DWARF, runtime type data, a signature or the arg-info words
--   7  types and type_fields: the type graph of each build's params; params.type_id;
--      inline_ranges: the code of each inlined call's body; inlines.parent from
--      parentPc in every release (it was -1 for Go 1.20+ tables)
PRAGMA user_version = 7;

-- One row per indexed binary ("build"). A DB may hold many builds.
CREATE TABLE builds (
	id               INTEGER PRIMARY KEY,
	sha256           TEXT NOT NULL UNIQUE,  -- content hash, lowercase hex
	size             INTEGER NOT NULL,      -- file size in bytes
	path             TEXT NOT NULL,         -- path the analyzer read
	go_build_id      TEXT,                  -- .note.go.buildid, NULL if none
	gnu_build_id     TEXT,                  -- .note.gnu.build-id as hex, NULL if none
	go_version       TEXT,                  -- "go1.19.8", NULL if unknown
	goarch           TEXT NOT NULL,         -- amd64, arm64, 386
	default_abi      TEXT NOT NULL,         -- ABIInternal (registers) or ABI0 (stack)
	pclntab_format   TEXT NOT NULL,         -- 1.2, 1.16, 1.18, 1.20
	text_start       INTEGER NOT NULL,      -- base of pclntab entry offsets
	stripped         INTEGER NOT NULL,      -- 1: no .symtab
	has_dwarf        INTEGER NOT NULL,      -- 1: DWARF was read, from debuginfo below
	debuginfo        TEXT CHECK (debuginfo IN ('embedded', 'build-id', 'debuglink', 'debuginfod')),
	debuginfo_path   TEXT,                  -- the file DWARF was read from (debuginfod: its cache file)
	cgo              INTEGER NOT NULL,
	pie              INTEGER NOT NULL,
	trimpath         INTEGER NOT NULL,      -- from build settings (-trimpath=true)
	race             INTEGER NOT NULL,      -- from build settings (-race=true)
	module_path      TEXT,
	mod_info         TEXT,                  -- build info text: deps and settings
	analyzer_version TEXT NOT NULL,
	indexed_at       TEXT NOT NULL          -- UTC, ISO 8601
);

-- The main module and the dependencies build info lists, in its order.
CREATE TABLE modules (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	idx      INTEGER NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('mod', 'dep', '=>')),  -- '=>' replaces the dep before it
	path     TEXT NOT NULL,
	version  TEXT NOT NULL,
	sum      TEXT,
	PRIMARY KEY (build_id, idx)
) WITHOUT ROWID;

-- Build settings from build info: CGO_ENABLED, GOARCH, -trimpath, vcs.revision, ...
CREATE TABLE build_settings (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	idx      INTEGER NOT NULL,
	key      TEXT NOT NULL,
	value    TEXT NOT NULL,
	PRIMARY KEY (build_id, idx)
) WITHOUT ROWID;

-- Facts about the runtime needed to decode: goid offset in runtime.g, ...
CREATE TABLE runtime_facts (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	name     TEXT NOT NULL,                 -- e.g. "g.goid"
	value    INTEGER NOT NULL,
	source   TEXT NOT NULL,                 -- "dwarf", "table:go1.19", ...
	PRIMARY KEY (build_id, name)
);

-- One row per function of the pclntab (assembly functions and their ABI
-- wrappers share a name: both are kept, abi tells them apart).
CREATE TABLE functions (
	id                 INTEGER PRIMARY KEY,
	build_id           INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	name               TEXT NOT NULL,
	entry              INTEGER NOT NULL,    -- virtual address
	file_offset        INTEGER NOT NULL,    -- file offset of the entry
	size               INTEGER NOT NULL,    -- bytes up to the next function
	abi                TEXT NOT NULL,       -- ABIInternal or ABI0
	is_asm             INTEGER NOT NULL,
	is_wrapper         INTEGER NOT NULL,
	args_size          INTEGER,             -- in/out argument bytes from pclntab
	decode_status      TEXT NOT NULL,       -- ok, bad, indirect-jump
	entry_probe_offset INTEGER NOT NULL,    -- bytes from entry
	entry_probe_kind   TEXT NOT NULL,       -- entry, jcc-prologue
	entry_jcc          TEXT NOT NULL,       -- none, be, b (x86), ls, lo (arm64): when the branch goes to morestack
	entry_insn         BLOB NOT NULL,       -- instruction bytes at the entry probe
	params_known       INTEGER NOT NULL,    -- 1: params below are typed; 2: arguments only, raw words from the arg-info funcdata
	params_source      TEXT CHECK (params_source IN ('dwarf', 'types', 'sig', 'arginfo'))  -- NULL: none
);
CREATE INDEX functions_by_name ON functions(build_id, name);

-- Every way out of a function: RET instructions and tail-call JMPs.
CREATE TABLE exits (
	function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
	offset      INTEGER NOT NULL,           -- bytes from the function's entry
	kind        TEXT NOT NULL CHECK (kind IN ('ret', 'tailcall')),
	target      INTEGER,                    -- tail-call target address
	target_name TEXT,                       -- tail-call target function
	insn        BLOB NOT NULL,              -- instruction bytes at the exit
	PRIMARY KEY (function_id, offset)
) WITHOUT ROWID;

-- Parameters and results, in declaration order (receiver first).
CREATE TABLE params (
	id          INTEGER PRIMARY KEY,
	function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
	idx         INTEGER NOT NULL,
	name        TEXT NOT NULL,
	type_name   TEXT NOT NULL,
	kind        TEXT NOT NULL,              -- int, string, struct, ...
	size        INTEGER NOT NULL,
	is_result   INTEGER NOT NULL,
	on_stack    INTEGER NOT NULL,
	dwarf_check TEXT CHECK (dwarf_check IN ('agrees', 'differs')),  -- NULL: nothing to compare
	dwarf_loc   TEXT,                       -- where DWARF puts it at entry: "rcx,rdi", "stack"
	type_id     INTEGER,                    -- its type: types.id of the function's build, NULL: none
	UNIQUE (function_id, idx)
);

-- Where each machine word of a parameter lives at the entry probe (args)
-- or at an exit (results).
CREATE TABLE param_pieces (
	param_id  INTEGER NOT NULL REFERENCES params(id) ON DELETE CASCADE,
	idx       INTEGER NOT NULL,
	path      TEXT NOT NULL,                -- "x", "req.Name"
	kind      TEXT NOT NULL,                -- int, float, str.data, str.len, ...
	size      INTEGER NOT NULL,
	loc       TEXT NOT NULL CHECK (loc IN ('reg', 'stack', 'deref')),
	reg       INTEGER,                      -- DWARF register number
	stack_off INTEGER,                      -- offset from SP at entry; for deref, into the pointee
	PRIMARY KEY (param_id, idx)
) WITHOUT ROWID;

-- Calls the compiler inlined (the pclntab inline tree, Go 1.16+): a
-- function that exists only inlined is found here, in its callers.
CREATE TABLE inlines (
	function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
	idx         INTEGER NOT NULL,           -- index in the function's inline tree
	callee      TEXT NOT NULL,
	offset      INTEGER NOT NULL,           -- first byte of the inlined body, from the caller's entry
	parent      INTEGER NOT NULL,           -- enclosing inlined call's idx, -1: the function itself
	PRIMARY KEY (function_id, idx)
) WITHOUT ROWID;
-- no index on callee: building it costs more at index time than the rare lookup saves

-- Where the code of a function is an inlined call's body: the
-- PCDATA_InlTreeIndex pc-value table, its -1 stretches (the function's own
-- code) left out. Only functions with an inline tree have rows. A PC at
-- start <= offset < end is in inlines.idx = inline_idx, itself inside its
-- parents: goattach --stack names the chain.
CREATE TABLE inline_ranges (
	function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
	start       INTEGER NOT NULL CHECK (start >= 0),  -- bytes from the function's entry
	end         INTEGER NOT NULL CHECK (end > start), -- first byte past the range
	inline_idx  INTEGER NOT NULL CHECK (inline_idx >= 0),  -- inlines.idx of the function
	PRIMARY KEY (function_id, start)
) WITHOUT ROWID;

-- The types of a build's params and every type they reach (fields,
-- elements, pointer targets, map keys and values), each once per build.
-- Types refer to each other in cycles (a linked list's *node), by id:
-- elem, key and type_fields.type are ids of this table in the same
-- build, written in any order and not declared as foreign keys (a
-- deferred check would scan the table for each row).
CREATE TABLE types (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	id       INTEGER NOT NULL CHECK (id > 0),    -- 1, 2, ... per build
	name     TEXT NOT NULL,                 -- as Go spells it: "main.Req", "*main.node", "map[string]int"
	kind     TEXT NOT NULL CHECK (kind IN ('unknown', 'bool', 'int', 'uint', 'float', 'complex', 'ptr',
	                                       'string', 'slice', 'iface', 'eface', 'struct', 'array')),
	size     INTEGER NOT NULL CHECK (size >= 0),  -- bytes
	signed   INTEGER NOT NULL CHECK (signed IN (0, 1)),  -- ints: 1 signed
	count    INTEGER NOT NULL CHECK (count >= 0),  -- arrays: element count, else 0
	elem     INTEGER,                       -- arrays, slices, chans: element; maps: value; ptr: target; NULL none
	key      INTEGER,                       -- maps: key, NULL otherwise
	ptr_kind TEXT CHECK (ptr_kind IN ('ptr', 'map', 'chan', 'func', 'unsafe')),  -- kind 'ptr' only
	PRIMARY KEY (build_id, id)
) WITHOUT ROWID;

-- The fields of struct types (and of interfaces' and strings' runtime
-- structs, as DWARF describes them), in declaration order.
CREATE TABLE type_fields (
	build_id INTEGER NOT NULL,
	type_id  INTEGER NOT NULL,              -- the struct: types.id of the build
	idx      INTEGER NOT NULL CHECK (idx >= 0),
	name     TEXT NOT NULL,
	offset   INTEGER NOT NULL CHECK (offset >= 0),  -- bytes from the start of the struct
	type     INTEGER NOT NULL,              -- the field's type: types.id of the build
	embedded INTEGER NOT NULL CHECK (embedded IN (0, 1)),  -- an embedded field (promotes its fields)
	PRIMARY KEY (build_id, type_id, idx),
	FOREIGN KEY (build_id, type_id) REFERENCES types(build_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
