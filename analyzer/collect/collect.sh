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

# ---- redaction: analyzer/data/redaction.toml, the rules every collector and report uses ------
# A secret-named variable (`NAME=value`, `NAME: value`, `"name": "value"`, `name = "value"`, a
# PowerShell table row or Format-List pair) loses its whole value; URL credentials, tokens,
# cookies, connection strings, private keys and cloud keys go wherever they appear. The awk
# below applies them (the same engine as analyzer/redact.py).
# ---- redaction rules: generated from analyzer/data/redaction.toml, do not edit ----
redaction_rules() {
    cat <<'RULES'
mask
«redacted»
secret_name
(SECRET|SECERT|SECRT|SCRET|SCERET|PASSWORD|PASSWD|PASWORD|PASSWROD|PASSOWRD|PASWD|PASSPHRASE|TOKEN|TOKN|TOEKN|TOKNE|CREDENTIAL|CREDENTAIL|CREDS|PRIVATE_?KEY|ACCESS_?KEY|ACCOUNT_?KEY|SHARED_?ACCESS_?KEY|API_?KEY|AUTHORIZATION|SIGNATURE|CONNECTION_?STRING|CONN_?STR|SESSION_?KEY|SAS_?KEY|COOKIE|JWT|(^|[_.-])PASS($|[_.-])|(^|[_.-])PWD($|[_.-])|(^|[_.-])AUTH($|[_.-])|(^|[_.-])SAS($|[_.-])|(^|[_.-])CRED($|[_.-])|[_.-]KEY$)
benign_name
([_.-](FILE|PATH|DIR|URL|URI|ENABLED|NO_CREDENTIALS|PREFIX|ID|IDS|TYPE|MODE|HELPER|PROVIDER|PROCESS|EXPIRATION|EXPIRY|EXPIRES|NAME|USER|USERNAME|LENGTH|LEN|SIZE|COUNT|TTL|TIMEOUT|FORMAT|REGION|ENDPOINT|HEADER|SOURCE|KIND|LOCATION)$|^(PWD|OLDPWD|HASH_KEY|CACHE_KEY|PRIMARY_KEY|SORT_KEY|PARTITION_KEY|KEY)$|(^|[_.-])(NO|SKIP|DISABLE|USE|REQUIRE|ENABLE)_)
weak_name
^(CREDENTIALS?|CREDS?|AUTH|SESSION|SIGNATURE|KEY|SECRETS|TOKENS|PASS)$
weak_value
^[A-Za-z0-9+/=_.~-]*[0-9][A-Za-z0-9+/=_.~-]*$
weak_value_min
8
assignment
[A-Za-z_][A-Za-z0-9_.-]*["']?([ 	]*[:=][ 	]*|[ 	][ 	]+|([.][.][.]|…)[ 	]+)
value_stop
[ 	;,&]+[A-Za-z_][A-Za-z0-9_.-]*=
whole_line_name
(^|-)COOKIE$|AUTHORIZATION$
placeholder
^([.][.]+|…|<[^<>]*>|[xX][xX][xX]+|[*]+|[Yy][Oo][Uu][Rr][_-].*|[{][{].*[}][}]|«[^»]*»|none|None|NONE|null|nil|true|false|True|False|yes|no|0|1|-|unset|<unset>|[(]none[)]|Some|Some[(]"[.][.][.]"[)])$
pem_begin
-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----
pem_end
-----END [A-Z0-9 ]*PRIVATE KEY-----
list_name
^Name[ 	]*:[ 	]*
list_value
^Value[ 	]*:[ 	]*
continuation
^[ 	][ 	]+[^ 	]
rule
private-key
find
-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^-]*(-----END [A-Z0-9 ]*PRIVATE KEY-----)?
keep_head
^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----
keep_tail
-----END [A-Z0-9 ]*PRIVATE KEY-----$
only_if

min
1
rule
url-credentials
find
://[A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-][A-Za-z0-9_~+%-]*[:@]
keep_head
^://
keep_tail
[:@]$
only_if

min
1
rule
url-credentials
find
://[^ 	/@:"'<>]*:[^ 	"'<>]*@
keep_head
^://[^ 	/@:"'<>]*:
keep_tail
@$
only_if

min
1
rule
bearer-token
find
[Bb][Ee][Aa][Rr][Ee][Rr][ 	]+[a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-][a-zA-ZA-Za-z0-9._~+/-]*=*
keep_head
^[a-zA-ZA-Za-z]+[ 	]+
keep_tail

only_if

min
1
rule
dist-token
find
(User|expected) token [^ 	][^ 	]*
keep_head
^[A-Za-z]+ token 
keep_tail

only_if

min
1
rule
basic-auth
find
Basic[ 	]+[A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/][A-Za-z0-9+/]*=*
keep_head
^Basic[ 	]+
keep_tail

only_if
[0-9+/=]|[a-z][A-Z]
min
1
rule
jwt
find
eyJ[A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-]*[.][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-]*[.][A-Za-z0-9_-]*
keep_head

keep_tail

only_if

min
1
rule
connection-string
find
([Aa][Cc][Cc][Oo][Uu][Nn][Tt][Kk][Ee][Yy]|[Ss][Hh][Aa][Rr][Ee][Dd][Aa][Cc][Cc][Ee][Ss][Ss][Kk][Ee][Yy]|[Ss][Hh][Aa][Rr][Ee][Dd][Aa][Cc][Cc][Ee][Ss][Ss][Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee])[ 	]*=[^; 	"'][^; 	"']*
keep_head
^[a-zA-ZA-Za-z]+[ 	]*=
keep_tail

only_if

min
1
rule
signed-url-parameter
find
[?&;]([Xx]-[Aa][Mm][Zz]-[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]|[Xx]-[Aa][Mm][Zz]-[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Xx]-[Aa][Mm][Zz]-[Ss][Ee][Cc][Uu][Rr][Ii][Tt][Yy]-[Tt][Oo][Kk][Ee][Nn]|[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]|[Ss][Ii][Gg]|[Tt][Oo][Kk][Ee][Nn]|[Oo][Ss][Ss][Aa][Cc][Cc][Ee][Ss][Ss][Kk][Ee][Yy][Ii][Dd]|[Aa][Ww][Ss][Aa][Cc][Cc][Ee][Ss][Ss][Kk][Ee][Yy][Ii][Dd]|[Aa][Cc][Cc][Ee][Ss][Ss]_[Tt][Oo][Kk][Ee][Nn]|[Ss][Ee][Cc][Uu][Rr][Ii][Tt][Yy]-[Tt][Oo][Kk][Ee][Nn]|[Xx]-[Oo][Ss][Ss]-[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]|[Xx]-[Oo][Ss][Ss]-[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Xx]-[Oo][Ss][Ss]-[Ss][Ee][Cc][Uu][Rr][Ii][Tt][Yy]-[Tt][Oo][Kk][Ee][Nn]|[Qq]-[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]|[Qq]-[Aa][Kk]|[Xx]-[Gg][Oo][Oo][Gg]-[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]|[Xx]-[Gg][Oo][Oo][Gg]-[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll])=[^&# 	"'<>][^&# 	"'<>]*
keep_head
^[?&;][a-zA-ZA-Za-z_-]+=
keep_tail

only_if

min
1
rule
xml-secret
find
<([Ss][Ee][Cc][Rr][Ee][Tt][Aa][Cc][Cc][Ee][Ss][Ss][Kk][Ee][Yy]|[Ss][Ee][Ss][Ss][Ii][Oo][Nn][Tt][Oo][Kk][Ee][Nn]|[Ss][Ee][Cc][Uu][Rr][Ii][Tt][Yy][Tt][Oo][Kk][Ee][Nn]|[Aa][Cc][Cc][Ee][Ss][Ss][Kk][Ee][Yy][Ss][Ee][Cc][Rr][Ee][Tt]|[Ss][Ee][Cc][Rr][Ee][Tt][Kk][Ee][Yy]|[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Tt][Oo][Kk][Ee][Nn]|[Aa][Cc][Cc][Oo][Uu][Nn][Tt][Kk][Ee][Yy]|[Cc][Ll][Ii][Ee][Nn][Tt][Ss][Ee][Cc][Rr][Ee][Tt])>[^<][^<]*<
keep_head
^<[a-zA-ZA-Za-z]+>
keep_tail
<$
only_if

min
1
rule
aws-access-key-id
find
(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]
keep_head

keep_tail

only_if

min
1
rule
alibaba-access-key-id
find
LTAI[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*
keep_head

keep_tail

only_if

min
1
rule
tencent-secret-id
find
AKID[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*
keep_head

keep_tail

only_if

min
1
rule
google-credential
find
(ya29[.][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-]*|AIza[A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-])
keep_head

keep_tail

only_if

min
1
rule
github-token
find
(gh[pousr]_[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*|github_pat_[A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_][A-Za-z0-9_]*)
keep_head

keep_tail

only_if

min
1
RULES
}
# ---- end of the generated redaction rules ----

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
# The engine for the generated rules (read from the first file, a key line then its value line;
# `rule` starts a span rule). -v env=1: lines are NAME=value and a secret name loses its whole
# value; -v cut=1: the text is the end of a longer file (it may begin inside a private key).
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function upname(n) {
    n = toupper(n); sub(/^[$]ENV:/, "", n); sub(/(…|[.])+$/, "", n)
    return n
}
function secret(n) { n = upname(n); return n != "" && n ~ R["secret_name"] && !(n ~ R["benign_name"]) }
function placeholder(v) {
    v = trim(v)
    if (v == "" || index(v, mask) == 1) return 1
    return v ~ R["placeholder"]
}
function masked(kind) { count[kind]++; return mask }
# whole TEXT: all but its leading blanks masked
function whole(text, kind,    bare, lead) {
    bare = trim(text)
    if (bare == "" || bare == mask || placeholder(bare)) return text
    lead = text; sub(/[^ \t].*$/, "", lead)
    return lead masked(kind)
}
function apply_rule(i, line,    out, rest, m, at, len, head, tail, middle, t) {
    out = ""; rest = line
    while (rest != "" && match(rest, RF[i]) > 0) {
        at = RSTART; len = RLENGTH
        m = substr(rest, at, len)
        head = 0
        if (RH[i] != "" && match(m, RH[i]) > 0 && RSTART == 1) head = RLENGTH
        tail = length(m)
        if (RT[i] != "") {
            t = substr(m, head + 1)
            if (match(t, RT[i]) > 0) tail = head + RSTART - 1
        }
        middle = substr(m, head + 1, tail - head)
        t = substr(rest, 1, at - 1)
        if (length(middle) < RM[i] + 0 || index(middle, mask) > 0 || placeholder(middle) \
            || (RO[i] != "" && !(middle ~ RO[i]))) {
            out = out t m
        } else {
            out = out t substr(m, 1, head) masked(RK[i]) substr(m, tail + 1)
        }
        rest = substr(rest, at + len)
        if (len == 0) { out = out substr(rest, 1, 1); rest = substr(rest, 2) }
    }
    return out rest
}
# where the value starting at REST lies: VS (offset of its first character) and VL (its length)
function value_span(rest, wholeline,    q, i, c) {
    VS = 1
    if (substr(rest, 1, 6) == "Some(\"" || substr(rest, 1, 6) == "Some('") { VS = 6; rest = substr(rest, 6) }
    q = substr(rest, 1, 1)
    if (q == "\"" || q == "'") {
        i = 2
        while (i <= length(rest) && (c = substr(rest, i, 1)) != q) i += (c == "\\") ? 2 : 1
        VS = VS + 1; VL = i - 2
        if (VL > length(rest) - 1) VL = length(rest) - 1
        return
    }
    VL = length(rest)
    if (!wholeline && match(rest, R["value_stop"]) > 0) VL = RSTART - 1
}
function assignments(line,    out, rest, m, at, nlen, name, sep, value, word, lead, after) {
    out = ""; rest = line
    while (rest != "" && match(rest, R["assignment"]) > 0) {
        at = RSTART
        m = substr(rest, at, RLENGTH)
        match(m, /^[A-Za-z0-9_.-]+/); nlen = RLENGTH
        name = substr(m, 1, nlen); sep = substr(m, nlen + 1)
        if (!secret(name)) {
            out = out substr(rest, 1, at - 1 + nlen)
            rest = substr(rest, at + nlen)
            continue
        }
        out = out substr(rest, 1, at - 1 + length(m))
        rest = substr(rest, at + length(m))
        value_span(rest, upname(name) ~ R["whole_line_name"])
        value = substr(rest, VS, VL)
        if (upname(name) ~ R["weak_name"] && index(sep, "=") == 0) {
            word = trim(value); sub(/[ \t].*$/, "", word)
            if (length(word) < R["weak_value_min"] + 0 || !(word ~ R["weak_value"])) continue
            value = substr(value, 1, index(value, word) + length(word) - 1)
        }
        after = substr(rest, VS + length(value))
        if (trim(value) == "" || index(value, mask) > 0 || placeholder(value)) {
            out = out substr(rest, 1, VS - 1) value; rest = after; continue
        }
        lead = value; sub(/[^ \t].*$/, "", lead)
        out = out substr(rest, 1, VS - 1) lead masked("secret-variable")
        rest = substr(value, length(lead) + length(trim(substr(value, length(lead) + 1))) + 1) after
        if (trim(sep) == "" || index(sep, "...") > 0 || index(sep, "…") > 0) wrapped = 1
    }
    return out rest
}
function redact_line(line,    m, head, i, rest) {
    if (pem) {
        if (match(line, R["pem_end"]) > 0) {
            pem = 0
            return whole(substr(line, 1, RSTART - 1), "private-key") redact_line(substr(line, RSTART))
        }
        return whole(line, "private-key")
    }
    if (match(line, R["list_name"]) > 0) {
        listed = secret(trim(substr(line, RLENGTH + 1))); wrapped = 0
    } else if (listed && match(line, R["list_value"]) > 0) {
        head = RLENGTH; listed = 0; wrapped = 1
        return substr(line, 1, head) whole(substr(line, head + 1), "secret-variable")
    } else if (wrapped && line ~ R["continuation"]) {
        return whole(line, "secret-variable")
    }
    wrapped = 0
    line = assignments(line)
    for (i = 1; i <= nrules; i++) line = apply_rule(i, line)
    rest = line
    while (match(rest, R["pem_begin"]) > 0) rest = substr(rest, RSTART + RLENGTH)
    if (rest != line && !(rest ~ R["pem_end"])) pem = 1
    return line
}
FNR == 1 { file++ }
file == 1 {
    if (FNR % 2 == 1) { key = $0; next }
    if (key == "rule") { nrules++; RK[nrules] = $0; RM[nrules] = 1 }
    else if (key == "find") RF[nrules] = $0
    else if (key == "keep_head") RH[nrules] = $0
    else if (key == "keep_tail") RT[nrules] = $0
    else if (key == "only_if") RO[nrules] = $0
    else if (key == "min") RM[nrules] = $0
    else R[key] = $0
    if (key == "mask") mask = $0
    next
}
# -v cut=1: a first pass finds whether an END marker comes before any BEGIN
cut && file == 2 {
    if (!seen && $0 ~ R["pem_end"]) { seen = 1; startpem = !begun }
    if ($0 ~ R["pem_begin"]) begun = 1
    next
}
{
    if (!started) { started = 1; pem = cut && startpem }
    line = $0; cr = ""
    if (substr(line, length(line), 1) == "\r") { cr = "\r"; line = substr(line, 1, length(line) - 1) }
    if (env == 1 && (eq = index(line, "=")) > 1 && secret(substr(line, 1, eq - 1))) {
        print substr(line, 1, eq) whole(substr(line, eq + 1), "secret-variable") cr
        next
    }
    print redact_line(line) cr
}
END { if (counts != "") for (k in count) printf "%s %d\n", k, count[k] >> counts }
AWK
redaction_rules >"$STATE/rules"

# redact_awk IN ENV COUNTS [CUT]: print IN with secrets masked (ENV 1: NAME=value lines; COUNTS:
# the file that tallies what went, empty for none; CUT 1: IN is the end of a longer file)
redact_awk() {
    if [ "${4:-0}" = 1 ]; then
        awk -v env="$2" -v counts="$3" -v cut=1 -f "$STATE/redact.awk" "$STATE/rules" "$1" "$1"
    else
        awk -v env="$2" -v counts="$3" -v cut=0 -f "$STATE/redact.awk" "$STATE/rules" "$1"
    fi
}

# utf8 IN: IN's path, or a UTF-8 copy's when IN is UTF-16 (PowerShell's `>`): awk reads bytes,
# and a rule cannot see a secret whose letters are split by zero bytes
utf8() {
    case $(head -c 2 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n') in
        fffe) u_from=UTF-16LE ;;
        feff) u_from=UTF-16BE ;;
        *) echo "$1"; return ;;
    esac
    if ! tail -c +3 "$1" | iconv -f "$u_from" -t UTF-8 >"$STATE/utf8" 2>/dev/null; then
        tail -c +3 "$1" | tr -d '\000' >"$STATE/utf8"  # no iconv: the ASCII of the text is what rules need
    fi
    echo "$STATE/utf8"
}

# redact IN OUT [ENV] [CUT]: copy IN to OUT with secrets masked (UTF-16 becomes UTF-8)
redact() {
    redact_awk "$(utf8 "$1")" "${3:-0}" "$STATE/counts" "${4:-0}" >"$2"
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
        k_cut=0
        [ "$k_size" -gt "$MAX_COPY" ] && k_cut=1
        redact "$STATE/raw" "$BUNDLE/$k_name" 0 "$k_cut"
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
# counts: one `kind n` line per awk run; the manifest wants the total and the kinds
redacted=$(awk '{ n += $2 } END { print n + 0 }' "$STATE/counts")
kinds=$(awk '{ print $1 }' "$STATE/counts" | sort -u | awk '{ printf "%s\"%s\"", (NR > 1 ? ", " : ""), $1 }')
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
    printf '  "redactions": {"count": %s, "kinds": [%s]}\n' "$redacted" "$kinds"
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
