#!/bin/sh
# collect.sh - gather an sccache-forensics bundle on a Linux or macOS machine, no Python needed.
#
#   sh collect.sh [-o BUNDLE.zip] [--project DIR] [--log FILE]... [--run "cargo check"]
#                 [--label TEXT] [--timeout SECONDS] [--run-timeout SECONDS]
#
# Writes the same layout as `sccache-forensics collect` and collect.ps1: manifest.json (what
# ran, its exit status and duration, the capture time in UTC and the local UTC offset), the
# relevant environment with secrets redacted, tool versions, the socket table, the process
# list, sccache and cargo config files, target/.rustc_info.json, sccache's logs and stats, and
# with --run a reproduction under SCCACHE_LOG=debug. Every step has a deadline; a failing or
# missing tool is recorded and the collection goes on. Nothing is killed, stopped or
# restarted except a command of ours that overran its deadline. The only file left behind is
# the bundle (a .zip, or a .tar.gz where `zip` is missing); its parts are staged in a
# temporary folder that is removed at the end.

set -u
VERSION=0.1.0
TOOL=sccache-forensics

# ---- layout: the same keys and names as analyzer/collect/layout.py and collect.ps1 ----------
F_MANIFEST=manifest.json
F_ENV=env.txt
F_SOCKETS=sockets.txt
F_PROCESSES=processes.txt
F_RUSTC_VERSION=rustc-vV.txt
F_CARGO_VERSION=cargo-V.txt
F_SCCACHE_VERSION=sccache-version.txt
F_STATS_JSON=sccache-stats.json
F_STATS_TEXT=sccache-stats.txt
F_DIST_STATUS=sccache-dist-status.txt
F_RUN_OUTPUT=run-output.txt
F_RUN_LOG=run-sccache-error.log
COPIES=files

# Variables worth handing over (matched case-insensitively against the whole name).
RELEVANT_ENV='^(SCCACHE_[A-Z0-9_]*|RUSTC_WRAPPER|RUSTC_WORKSPACE_WRAPPER|RUSTC|RUSTFLAGS|RUSTDOCFLAGS|CARGO_[A-Z0-9_]*|RUSTUP_[A-Z0-9_]*|[A-Z0-9_]*_PROXY|AWS_[A-Z0-9_]*|ALIBABA_[A-Z0-9_]*|GOOGLE_[A-Z0-9_]*|AZURE_[A-Z0-9_]*|CC|CXX|CMAKE_[A-Z0-9_]*_COMPILER_LAUNCHER|CMAKE_GENERATOR|PATH|HOME|USERPROFILE|APPDATA|LOCALAPPDATA|XDG_CONFIG_HOME|XDG_CACHE_HOME|TMPDIR|TEMP|TMP|CI|GITHUB_(ACTIONS|SERVER_URL|REPOSITORY|RUN_ID|RUN_ATTEMPT|JOB|WORKFLOW)|RUNNER_(OS|ARCH|NAME|ENVIRONMENT)|IMAGEOS|IMAGEVERSION|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_SERVICE_V2|GITLAB_CI|CI_(SERVER_URL|PROJECT_PATH|PIPELINE_URL|JOB_[A-Z0-9_]*|RUNNER_[A-Z0-9_]*)|TF_BUILD|AGENT_(OS|OSARCHITECTURE|NAME|MACHINENAME)|SYSTEM_(COLLECTIONURI|TEAMPROJECT|JOBID|ACCESSTOKEN)|BUILD_BUILDID|BUILDKITE|BUILDKITE_(BUILD_URL|JOB_ID|AGENT_NAME|AGENT_META_DATA_[A-Z0-9_]*|PIPELINE_SLUG|AGENT_ACCESS_TOKEN)|JENKINS_URL|BUILD_URL|JOB_NAME|NODE_NAME|NODE_LABELS|HOSTNAME|COMPUTERNAME)$'

# ---- redaction: the same rules, word for word, as collect.ps1 --------------------------------
# A name holding one of SECRET_WORDS (any case) and not ending in BENIGN_END has its value
# replaced by MASK: the whole value in the environment dump, the next word elsewhere
# (ASSIGNMENT: `NAME=value`, `NAME: value`, `"name": "value"`, `name = "value"`). A password
# in a URL (URL_CREDENTIALS: `http://user:password@host`) and a bearer token of 8 characters
# or more (BEARER: `Authorization: Bearer eyJhbGciOi...`) are replaced wherever they appear.
SECRET_WORDS='KEY|SECRET|TOKEN|PASS|CREDENTIAL|SESSION|AUTH|SIGNATURE|CONNECTION_STRING|JWT'
BENIGN_END='(_FILE|_PATH|_DIR|_PREFIX|_NO_CREDENTIALS)$'
ASSIGNMENT='[A-Za-z_][A-Za-z0-9_.-]*"?[ \t]*[:=][ \t]*"?[^ \t\r",;{}()<>]+'
URL_CREDENTIALS='[A-Za-z][A-Za-z0-9+.-]*://[^/:@ \t]*:[^/@ \t]+@'
BEARER='[Bb][Ee][Aa][Rr][Ee][Rr][ \t]+[A-Za-z0-9._~+/=-]+'
MASK='«redacted»'

MAX_COPY=33554432 # bytes kept of one copied file (the end of a long log)

usage() {
    sed -n '3,4p' "$0" 2>/dev/null | sed 's/^# *//'
}

fail() {
    echo "$TOOL: $*" >&2
    exit 2
}

# ---- options ---------------------------------------------------------------------------------
OUTPUT=
PROJECT=.
RUN=
LABEL=
TIMEOUT=30
STATS_DEADLINE=10   # seconds for both --show-stats calls together (a foreign listener on the port hangs them)
RUN_TIMEOUT=1800
START_DIR=$(pwd -P) || fail "cannot read the current folder"
LOGS_FILE=

while [ $# -gt 0 ]; do
    opt=$1
    case $opt in
        --*=*) value=${opt#*=}; opt=${opt%%=*}; shift; set -- "$opt" "$value" "$@" ;;
    esac
    case $1 in
        -h|--help) usage; exit 0 ;;
        -o|--output|--project|--log|--run|--label|--timeout|--run-timeout)
            [ $# -ge 2 ] || fail "option $1 needs a value"
            case $1 in
                -o|--output) OUTPUT=$2 ;;
                --project) PROJECT=$2 ;;
                --log) LOGS_FILE="${LOGS_FILE}$2
" ;;
                --run) RUN=$2 ;;
                --label) LABEL=$2 ;;
                --timeout) TIMEOUT=$2 ;;
                --run-timeout) RUN_TIMEOUT=$2 ;;
            esac
            shift 2 ;;
        *) fail "unknown argument: $1 (see --help)" ;;
    esac
done
case $TIMEOUT in ''|*[!0-9]*) fail "--timeout takes whole seconds" ;; esac
case $RUN_TIMEOUT in ''|*[!0-9]*) fail "--run-timeout takes whole seconds" ;; esac
PROJECT=$(cd "$PROJECT" 2>/dev/null && pwd -P) || fail "--project: not a folder"

# ---- the staging area (removed on exit) --------------------------------------------------------
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/sccache-forensics.XXXXXX") || fail "cannot create a temporary folder"
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' INT TERM
BUNDLE=$STAGE/bundle
STATE=$STAGE/state
mkdir "$BUNDLE" "$STATE" || fail "cannot create a temporary folder"
: >"$STATE/entries"
: >"$STATE/copied"
: >"$STATE/counts"

cat >"$STATE/redact.awk" <<'AWK'
# -v env=1: lines are NAME=value and a secret name loses its whole value.
function secret(name,    u) {
    u = toupper(name)
    return (u ~ words) && !(u ~ benign)
}
function urls(s,    out, m, at, colon) {
    out = ""
    while (match(s, url) > 0) {
        m = substr(s, RSTART, RLENGTH)
        at = index(m, "://") + 2
        colon = index(substr(m, at + 1), ":")
        out = out substr(s, 1, RSTART - 1) substr(m, 1, at + colon) mask "@"
        if (substr(m, at + colon + 1, length(m) - at - colon - 1) != mask) nu++
        s = substr(s, RSTART + RLENGTH)
    }
    return out s
}
function bearers(s,    out, m, sp) {
    out = ""
    while (match(s, bearer) > 0) {
        m = substr(s, RSTART, RLENGTH)
        sp = 7
        while (substr(m, sp, 1) == " " || substr(m, sp, 1) == "\t") sp++
        if (RLENGTH - sp + 1 >= 8) { m = substr(m, 1, sp - 1) mask; nv++ }
        out = out substr(s, 1, RSTART - 1) m
        s = substr(s, RSTART + RLENGTH)
    }
    return out s
}
# An assignment whose name is not secret is passed over from just after its name, so that
# `flags=--password=x` still finds `password=x`.
function assignments(s,    out, m, start, len, nlen, name, sep, value) {
    out = ""
    while (match(s, assign) > 0) {
        start = RSTART; len = RLENGTH
        m = substr(s, start, len)
        match(m, /^[A-Za-z_][A-Za-z0-9_.-]*/); nlen = RLENGTH
        name = substr(m, 1, nlen)
        if (!secret(name)) {
            out = out substr(s, 1, start - 1 + nlen)
            s = substr(s, start + nlen)
            continue
        }
        match(substr(m, nlen + 1), /^"?[ \t]*[:=][ \t]*"?/)
        sep = substr(m, nlen + 1, RLENGTH)
        value = substr(m, nlen + 1 + RLENGTH)
        if (value != mask) { m = name sep mask; nv++ }
        out = out substr(s, 1, start - 1) m
        s = substr(s, start + len)
    }
    return out s
}
{
    line = $0
    if (env == 1 && (eq = index(line, "=")) > 1) {
        name = substr(line, 1, eq - 1)
        value = substr(line, eq + 1)
        if (secret(name) && value != "" && value != mask) { line = name "=" mask; nv++ }
    }
    print assignments(bearers(urls(line)))
}
END { if (counts != "") printf "%d %d\n", nv, nu >> counts }
AWK

# redact_awk IN ENV COUNTS: print IN with secrets masked (ENV 1: NAME=value lines; COUNTS: the
# file that tallies what went, empty for none)
redact_awk() {
    awk -v words="$SECRET_WORDS" -v benign="$BENIGN_END" -v assign="$ASSIGNMENT" -v url="$URL_CREDENTIALS" \
        -v bearer="$BEARER" -v mask="$MASK" -v env="$2" -v counts="$3" -f "$STATE/redact.awk" "$1"
}

# redact IN OUT [env]: copy IN to OUT with secrets masked
redact() {
    redact_awk "$1" "${3:-0}" "$STATE/counts" >"$2"
}

# redact_text TEXT: print TEXT with secrets masked
redact_text() {
    printf '%s\n' "$1" >"$STATE/text"
    redact_awk "$STATE/text" 0 ""
}

# ---- small helpers ---------------------------------------------------------------------------
now_ms() {
    t=$(date +%s%N 2>/dev/null)
    case $t in
        *[!0-9]*|'') echo "$(date +%s)000" ;;
        *) echo "${t%??????}" ;;
    esac
}

json_str() {
    if [ -z "$1" ]; then printf 'null'; return; fi
    printf '"%s"' "$(printf '%s' "$1" | tr '\t' ' ' | tr -d '\r' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' |
        awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')"
}

json_num() {
    if [ -z "$1" ]; then printf 'null'; else printf '%s' "$1"; fi
}

size_of() {
    echo $(($(wc -c <"$1")))
}

# entry PATH COMMAND STATUS MS ERROR ORIGIN NOTE BYTES (empty means null; ORIGIN and NOTE left out)
entry() {
    {
        printf '    {"path": %s, "command": %s, "exit_status": %s, "duration_ms": %s, "error": %s' \
            "$(json_str "$1")" "$(json_str "$2")" "$(json_num "$3")" "$(json_num "$4")" "$(json_str "$5")"
        [ -n "$6" ] && printf ', "origin": %s' "$(json_str "$6")"
        [ -n "$7" ] && printf ', "note": %s' "$(json_str "$7")"
        printf ', "bytes": %s}\n' "$(json_num "$8")"
    } >>"$STATE/entries"
}

exists() {
    case $1 in
        */*) [ -f "$1" ] && [ -x "$1" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

# bounded SECONDS OUT COMMAND...: run COMMAND with stdout and stderr in OUT, at most SECONDS.
# Sets B_STATUS (exit status, empty when cut), B_ERROR and B_MS. At the deadline only the
# command itself is ended, never anything it started.
bounded() {
    b_secs=$1; b_out=$2; shift 2
    B_STATUS=; B_ERROR=; B_MS=0
    : >"$b_out"
    if ! exists "$1"; then
        B_ERROR="not found: $1"
        return
    fi
    rm -f "$STATE/timedout"
    b_t0=$(now_ms)
    "$@" >"$b_out" 2>&1 </dev/null &
    b_pid=$!
    # The watchdog sleeps in one-second steps and is retired with KILL (a TERM can land before
    # the subshell has dropped the parent's traps, and then does nothing); what it leaves
    # behind is at most one `sleep 1`.
    (
        b_left=$b_secs
        while [ "$b_left" -gt 0 ]; do
            sleep 1
            b_left=$((b_left - 1))
        done
        : >"$STATE/timedout"
        kill -KILL "$b_pid" 2>/dev/null
    ) >/dev/null 2>&1 &
    b_dog=$!
    wait "$b_pid"
    b_rc=$?
    kill -KILL "$b_dog" 2>/dev/null
    wait "$b_dog" 2>/dev/null
    B_MS=$(($(now_ms) - b_t0))
    if [ -f "$STATE/timedout" ]; then
        B_ERROR="timed out after $((b_secs * 1000)) ms"
    else
        B_STATUS=$b_rc
    fi
}

# capture NAME SHOWN COMMAND...: one capture step into the bundle file NAME
capture() {
    c_name=$1; c_shown=$2; shift 2
    bounded "$TIMEOUT" "$STATE/raw" "$@"
    c_bytes=
    if [ -s "$STATE/raw" ]; then
        redact "$STATE/raw" "$BUNDLE/$c_name"
        c_bytes=$(size_of "$BUNDLE/$c_name")
    fi
    entry "$c_name" "$c_shown" "$B_STATUS" "$B_MS" "$B_ERROR" "" "" "$c_bytes"
}

# absolute PATH: the file's folder with links resolved, then its name
absolute() {
    case $1 in
        /*) a_path=$1 ;;
        *) a_path=$START_DIR/$1 ;;
    esac
    a_dir=$(dirname "$a_path")
    a_base=$(basename "$a_path")
    if a_real=$(cd "$a_dir" 2>/dev/null && pwd -P); then
        a_path=${a_real%/}/$a_base
    fi
    echo "$a_path"
}

# copy FILE WHY REPORT_ABSENT: copy a file into files/<absolute path>, redacted
copy() {
    k_src=$(absolute "$1")
    if grep -Fqx -- "$k_src" "$STATE/copied"; then return; fi
    printf '%s\n' "$k_src" >>"$STATE/copied"
    k_name=$COPIES$k_src
    if [ ! -f "$k_src" ]; then
        [ "$3" = yes ] && entry "$k_name" "" "" 0 "" "$k_src" "not present ($2)" ""
        return
    fi
    k_note=$2
    k_size=$(size_of "$k_src" 2>/dev/null || echo 0)
    if [ "$k_size" -gt "$MAX_COPY" ]; then
        k_note="kept the last $((MAX_COPY / 1048576)) MiB of $((k_size / 1048576)) MiB"
    fi
    bounded "$TIMEOUT" "$STATE/raw" tail -c "$MAX_COPY" "$k_src"
    k_bytes=
    if [ -z "$B_ERROR" ] && [ "$B_STATUS" != 0 ]; then
        B_ERROR="cannot read: $(head -n 1 "$STATE/raw")"
    elif [ -z "$B_ERROR" ]; then
        mkdir -p "$(dirname "$BUNDLE/$k_name")"
        redact "$STATE/raw" "$BUNDLE/$k_name"
        k_bytes=$(size_of "$BUNDLE/$k_name")
    fi
    entry "$k_name" "" "" "$B_MS" "$B_ERROR" "$k_src" "$k_note" "$k_bytes"
}

# ---- the machine -----------------------------------------------------------------------------
case $(uname -s 2>/dev/null) in
    Darwin) OS=macos ;;
    Linux) OS=linux ;;
    *) OS=$(uname -s 2>/dev/null | tr '[:upper:]' '[:lower:]') ;;
esac
HOST=$(hostname 2>/dev/null || uname -n 2>/dev/null || echo unknown-host)
CAPTURED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
z=$(date +%z)
z_h=${z#?}; z_h=${z_h%??}; z_m=${z#???}
UTC_OFFSET=$((${z_h#0} * 60 + ${z_m#0}))
case $z in -*) UTC_OFFSET=$((0 - UTC_OFFSET)) ;; esac
if [ -z "$OUTPUT" ]; then
    OUTPUT=sccache-bundle-$(printf '%s' "$HOST" | tr -c 'A-Za-z0-9._-' '_')-$(printf '%s' "$CAPTURED_AT" | tr -d ':-').zip
fi
case $OUTPUT in /*) ;; *) OUTPUT=$START_DIR/$OUTPUT ;; esac
[ -d "$(dirname "$OUTPUT")" ] || fail "cannot write $OUTPUT: no such folder"

SCCACHE=sccache
for wrapper in "${RUSTC_WRAPPER:-}" "${RUSTC_WORKSPACE_WRAPPER:-}"; do
    [ -n "$wrapper" ] || continue
    case $(basename "$wrapper") in sccache|sccache.exe) SCCACHE=$wrapper; break ;; esac
done

cd "$PROJECT" || fail "cannot enter $PROJECT"
started=$(now_ms)

# 1. the environment: relevant variables only, secrets masked
t0=$(now_ms)
env | LC_ALL=C grep -iE "${RELEVANT_ENV%?}=" | LC_ALL=C sort >"$STATE/raw"
redact "$STATE/raw" "$BUNDLE/$F_ENV" 1
entry "$F_ENV" "" "" "$(($(now_ms) - t0))" "" "" "relevant variables only" "$(size_of "$BUNDLE/$F_ENV")"

# 2. the socket table and the process list, as the failure left them
# (in the C locale, so that ps prints English month names)
lc_all_was=${LC_ALL+set}
lc_all_old=${LC_ALL-}
LC_ALL=C
export LC_ALL
if [ "$OS" = macos ]; then
    capture "$F_SOCKETS" "netstat -anv -p tcp" netstat -anv -p tcp
elif exists ss; then
    capture "$F_SOCKETS" "ss -tanp" ss -tanp
else
    capture "$F_SOCKETS" "netstat -tanp" netstat -tanp
fi
# -A, not -e: on macOS `ps -e` adds every process's environment, secrets included.
capture "$F_PROCESSES" "ps -A -ww -o pid,ppid,lstart,args" ps -A -ww -o pid,ppid,lstart,args
if [ -n "$lc_all_was" ]; then LC_ALL=$lc_all_old; else unset LC_ALL; fi

# 3. tool versions
capture "$F_RUSTC_VERSION" "rustc -vV" rustc -vV
capture "$F_CARGO_VERSION" "cargo -V" cargo -V
capture "$F_SCCACHE_VERSION" "$SCCACHE --version" "$SCCACHE" --version

# 4. files: sccache config, cargo config chain, cached rustc probes, logs
[ -n "${SCCACHE_CONF:-}" ] && copy "$SCCACHE_CONF" SCCACHE_CONF yes
if [ "$OS" = macos ]; then
    copy "${HOME:-}/Library/Application Support/Mozilla.sccache/config" "sccache's default config file" yes
else
    copy "${XDG_CONFIG_HOME:-${HOME:-}/.config}/sccache/config" "sccache's default config file" yes
fi
dir=$PROJECT
while :; do
    for name in config.toml config; do
        [ -f "$dir/.cargo/$name" ] && copy "$dir/.cargo/$name" "cargo config" no
    done
    [ "$dir" = / ] && break
    dir=$(dirname "$dir")
done
for name in config.toml config; do
    [ -f "${CARGO_HOME:-${HOME:-}/.cargo}/$name" ] && copy "${CARGO_HOME:-${HOME:-}/.cargo}/$name" "cargo config (CARGO_HOME)" no
done
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$PROJECT/$target ;; esac
copy "$target/.rustc_info.json" "cargo's cached rustc probes" yes
[ -n "${SCCACHE_ERROR_LOG:-}" ] && copy "$SCCACHE_ERROR_LOG" SCCACHE_ERROR_LOG yes
if [ -n "$LOGS_FILE" ]; then
    printf '%s' "$LOGS_FILE" >"$STATE/logs"
    while IFS= read -r log; do
        [ -n "$log" ] && copy "$log" --log yes
    done <"$STATE/logs"
fi

# 5. sccache's statistics (without SCCACHE_LOG, so no client debug lines mix into them)
unset SCCACHE_LOG
s_saved=$TIMEOUT
[ "$STATS_DEADLINE" -lt "$TIMEOUT" ] && TIMEOUT=$STATS_DEADLINE
s_timeout=$TIMEOUT
capture "$F_STATS_JSON" "$SCCACHE --show-stats --stats-format=json" "$SCCACHE" --show-stats --stats-format=json
s_spent=${B_MS:-0}
s_left=$((s_timeout - s_spent / 1000))
s_unanswered=
case $B_ERROR in
    "timed out"*)
        s_unanswered="\`$SCCACHE --show-stats --stats-format=json\` got no answer within the stats deadline"
        entry "$F_STATS_TEXT" "$SCCACHE --show-stats" "" 0 "skipped: $s_unanswered" "" "" "" ;;
    *)
        if [ "$s_left" -lt 1 ]; then
            entry "$F_STATS_TEXT" "$SCCACHE --show-stats" "" 0 "skipped: the ${STATS_DEADLINE} s stats deadline was spent" "" "" ""
        else
            TIMEOUT=$s_left
            capture "$F_STATS_TEXT" "$SCCACHE --show-stats" "$SCCACHE" --show-stats
            s_spent=$((s_spent + ${B_MS:-0}))
            case $B_ERROR in
                "timed out"*) s_unanswered="\`$SCCACHE --show-stats\` got no answer within the stats deadline" ;;
            esac
        fi ;;
esac
# sccache-dist as the client sees it, from a running server only (--dist-status would start one),
# within what is left of the same deadline and not after a stats call went unanswered
DIST_PORT=${SCCACHE_SERVER_PORT:-4226}
if [ -s "$BUNDLE/$F_SOCKETS" ] && LC_ALL=C grep -Eq "LISTEN.*[:.]${DIST_PORT}[[:space:]]|[:.]${DIST_PORT}[[:space:]].*LISTEN" "$BUNDLE/$F_SOCKETS"; then
    s_left=$((s_timeout - s_spent / 1000))
    if [ -n "$s_unanswered" ]; then
        entry "$F_DIST_STATUS" "$SCCACHE --dist-status" "" 0 "skipped: $s_unanswered" "" "" ""
    elif [ "$s_left" -lt 1 ]; then
        entry "$F_DIST_STATUS" "$SCCACHE --dist-status" "" 0 "skipped: the ${STATS_DEADLINE} s stats deadline was spent" "" "" ""
    else
        TIMEOUT=$s_left
        capture "$F_DIST_STATUS" "$SCCACHE --dist-status" "$SCCACHE" --dist-status
    fi
else
    entry "$F_DIST_STATUS" "$SCCACHE --dist-status" "" 0 "" "" "skipped: no sccache server listens on its port, and --dist-status would start one" ""
fi
TIMEOUT=$s_saved

# 6. the reproduction
if [ -n "$RUN" ]; then
    SCCACHE_LOG=debug
    SCCACHE_ERROR_LOG=$STATE/run-sccache-error.log
    export SCCACHE_LOG SCCACHE_ERROR_LOG
    : >"$SCCACHE_ERROR_LOG"
    bounded "$RUN_TIMEOUT" "$STATE/run" sh -c "$RUN"
    r_bytes=
    if [ -s "$STATE/run" ]; then
        redact "$STATE/run" "$BUNDLE/$F_RUN_OUTPUT"
        r_bytes=$(size_of "$BUNDLE/$F_RUN_OUTPUT")
    fi
    entry "$F_RUN_OUTPUT" "$(redact_text "$RUN")" "$B_STATUS" "$B_MS" "$B_ERROR" "" \
        "run with SCCACHE_LOG=debug and a fresh SCCACHE_ERROR_LOG" "$r_bytes"
    if [ -s "$SCCACHE_ERROR_LOG" ]; then
        redact "$SCCACHE_ERROR_LOG" "$BUNDLE/$F_RUN_LOG"
        entry "$F_RUN_LOG" "" "" 0 "" "" "the fresh SCCACHE_ERROR_LOG of the run" "$(size_of "$BUNDLE/$F_RUN_LOG")"
    else
        entry "$F_RUN_LOG" "" "" 0 "" "" \
            "empty: the run started no new sccache server (one already running keeps its own log)" ""
    fi
fi

# ---- manifest.json and the bundle ----------------------------------------------------------------
redacted_vars=0
redacted_urls=0
while read -r nv nu; do
    redacted_vars=$((redacted_vars + nv))
    redacted_urls=$((redacted_urls + nu))
done <"$STATE/counts"
kinds=
[ "$redacted_urls" -gt 0 ] && kinds='"url-credentials"'
[ "$redacted_vars" -gt 0 ] && kinds=${kinds:+$kinds, }'"secret-variable"'
{
    printf '{\n'
    printf '  "tool": {"name": "%s", "version": "%s"},\n' "$TOOL" "$VERSION"
    printf '  "collector": "sh",\n'
    printf '  "host": %s,\n' "$(json_str "$HOST")"
    printf '  "os": %s,\n' "$(json_str "$OS")"
    printf '  "label": %s,\n' "$(json_str "$(redact_text "$LABEL")")"
    printf '  "captured_at": "%s",\n' "$CAPTURED_AT"
    printf '  "utc_offset_minutes": %s,\n' "$UTC_OFFSET"
    printf '  "files": [\n'
    awk 'NR > 1 { print prev "," } { prev = $0 } END { if (NR) print prev }' "$STATE/entries"
    printf '  ],\n'
    printf '  "redactions": {"count": %s, "kinds": [%s]}\n' "$((redacted_vars + redacted_urls))" "$kinds"
    printf '}\n'
} >"$BUNDLE/$F_MANIFEST"

PARTIAL=$OUTPUT.partial
rm -f "$PARTIAL"
case $OUTPUT in
    *.tar.gz|*.tgz) packer=tar ;;
    *) if command -v zip >/dev/null 2>&1; then packer=zip; else packer=tar; fi ;;
esac
if [ "$packer" = tar ]; then
    case $OUTPUT in
        *.tar.gz|*.tgz) ;;
        *) echo "$TOOL: zip not found; writing a .tar.gz instead" >&2
           OUTPUT=${OUTPUT%.zip}.tar.gz; PARTIAL=$OUTPUT.partial ;;
    esac
    (cd "$BUNDLE" && tar -cf - .) | gzip -c >"$PARTIAL" || fail "cannot write $OUTPUT"
else
    (cd "$BUNDLE" && zip -q -r -X -D "$PARTIAL" .) || fail "cannot write $OUTPUT"
fi
mv -f "$PARTIAL" "$OUTPUT" || fail "cannot write $OUTPUT"

count=$(find "$BUNDLE" -type f | wc -l)
elapsed=$(($(now_ms) - started))
echo "$TOOL: wrote $OUTPUT ($((count)) files, $(size_of "$OUTPUT") bytes) in $((elapsed / 1000)).$((elapsed % 1000 / 100)) s" >&2
grep '"error": "' "$STATE/entries" | sed -e 's/.*"path": "\([^"]*\)".*"error": "\([^"]*\)".*/  failed: \1 (\2)/' >&2
exit 0
