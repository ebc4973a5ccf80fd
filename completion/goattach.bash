# bash completion for goattach and goanalyze. Function names come from the
# DB given with --db/-d, through 'goanalyze names'.

# The value of --db/-d on the command line so far.
_goattach_db()
{
	local i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--db|-d) echo "${COMP_WORDS[i+1]}"; return ;;
		--db=*) echo "${COMP_WORDS[i]#--db=}"; return ;;
		esac
	done
}

# Function names starting with the word being completed ($1), made safe for
# the shell: Go names hold ( ) * [ ], which bash would read as syntax, so an
# unquoted word gets each name as printf %q writes it (main.\(\*T\).M); a word
# opened with ' or " gets the bare name, readline inside the quote closes it.
_goattach_funcs()
{
	local db cur=$1 quote="" prefix name
	db=$(_goattach_db)
	[[ -n $db && -r $db ]] || return
	case $cur in
	\'*|\"*) quote=${cur:0:1}; prefix=${cur:1} ;;
	*) prefix=${cur//\\/} ;;	# what the shell will make of main.\(\*Co
	esac
	# the prefix as a glob: its own glob characters escaped, then anything
	prefix=${prefix//\\/\\\\}
	prefix=${prefix//\*/\\*}
	prefix=${prefix//\?/\\?}
	prefix=${prefix//\[/\\[}
	COMPREPLY=()
	while IFS= read -r name; do
		if [[ -n $quote ]]; then
			COMPREPLY+=("$name")
		else
			printf -v name '%q' "$name"
			COMPREPLY+=("$name")
		fi
	done < <(goanalyze names --db "$db" "$prefix*" 2>/dev/null)
}

_goattach()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--db|-d|--binary|-b)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--db-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--pid|-p)
		COMPREPLY=($(compgen -W "$(pgrep -d ' ' .)" -- "$cur"))
		return ;;
	--cmd|-c)
		COMPREPLY=($(compgen -c -- "$cur"))
		return ;;
	--duration|-D|--sig|-s|--min-latency|--filter|--expr|--max-calls|-M|--max-probes|--max-rate|--interval|-i|--metrics)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--db --db-dir --binary --pid --cmd --json --duration --sig --deref --expr --min-latency --filter
			--max-calls --max-probes --max-rate --yes --stats --hist --interval --metrics --stack --verbose --version --help -h" -- "$cur"))
		return
	fi
	_goattach_funcs "$cur"
}

_goanalyze()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-d|--db|-b|--build|-s|--sig|-o|--output|--debug-dir|--limit) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--db|-d|--output|-o)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--debug-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--build|-b|--sig|-s|--limit)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--db --build --sig --output --json --markdown --debug-dir --limit
			--fail-on-moved --verbose --version --help" -- "$cur"))
		return
	fi
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "index report builds manifest diff bpftrace annotate names help" -- "$cur")) ;;
	index|diff)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	report|manifest|bpftrace|annotate|names)
		_goattach_funcs "$cur" ;;
	esac
}

complete -F _goattach goattach
complete -F _goanalyze goanalyze
