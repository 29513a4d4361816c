<#
.SYNOPSIS
Gather an sccache-forensics bundle on a Windows machine, no Python needed.

.DESCRIPTION
Writes the same layout as `sccache-forensics collect` and collect.sh: manifest.json (what ran,
its exit status and duration, the capture time in UTC and the local UTC offset), the relevant
environment with secrets redacted, tool versions, the socket table, the process list with
command lines, sccache and cargo config files, target\.rustc_info.json, sccache's logs and
stats, and with -Run a reproduction under SCCACHE_LOG=debug. Every command has a deadline; a
failing or missing tool is recorded and the collection goes on. Nothing is killed, stopped or
restarted except a command of ours that overran its deadline. The only file left behind is the
bundle; its parts are staged in a temporary folder that is removed at the end.

Text files are written as Windows PowerShell 5.1's `>` writes them (UTF-16LE with BOM, CRLF)
in both Windows PowerShell 5.1 and PowerShell 7; manifest.json is UTF-8.

.EXAMPLE
powershell -NoProfile -ExecutionPolicy Bypass -File collect.ps1 -Output bundle.zip -Project C:\proj\app -Run "cargo check"
#>
param(
    [Alias('o')][string]$Output,
    [string]$Project = '.',
    [string[]]$Log = @(),
    [string]$Run,
    [string]$Label,
    [int]$Timeout = 30,
    [int]$RunTimeout = 1800
)

$ErrorActionPreference = 'Stop'
$Version = '0.1.0'
$Tool = 'sccache-forensics'

# ---- layout: the same keys and names as analyzer/collect/layout.py and collect.sh ----------
$Layout = [ordered]@{
    Manifest       = 'manifest.json'
    Env            = 'env.txt'
    Sockets        = 'sockets.txt'
    Processes      = 'processes.txt'
    RustcVersion   = 'rustc-vV.txt'
    CargoVersion   = 'cargo-V.txt'
    SccacheVersion = 'sccache-version.txt'
    StatsJson      = 'sccache-stats.json'
    StatsText      = 'sccache-stats.txt'
    DistStatus     = 'sccache-dist-status.txt'
    RunOutput      = 'run-output.txt'
    RunLog         = 'run-sccache-error.log'
}
$Copies = 'files'

# Variables worth handing over (-match is case-insensitive).
$RelevantEnv = '^(SCCACHE_[A-Z0-9_]*|RUSTC_WRAPPER|RUSTC_WORKSPACE_WRAPPER|RUSTC|RUSTFLAGS|RUSTDOCFLAGS|CARGO_[A-Z0-9_]*|RUSTUP_[A-Z0-9_]*|[A-Z0-9_]*_PROXY|AWS_[A-Z0-9_]*|ALIBABA_[A-Z0-9_]*|GOOGLE_[A-Z0-9_]*|AZURE_[A-Z0-9_]*|CC|CXX|CMAKE_[A-Z0-9_]*_COMPILER_LAUNCHER|CMAKE_GENERATOR|PATH|HOME|USERPROFILE|APPDATA|LOCALAPPDATA|XDG_CONFIG_HOME|XDG_CACHE_HOME|TMPDIR|TEMP|TMP|CI|GITHUB_(ACTIONS|SERVER_URL|REPOSITORY|RUN_ID|RUN_ATTEMPT|JOB|WORKFLOW)|RUNNER_(OS|ARCH|NAME|ENVIRONMENT)|IMAGEOS|IMAGEVERSION|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_SERVICE_V2|GITLAB_CI|CI_(SERVER_URL|PROJECT_PATH|PIPELINE_URL|JOB_[A-Z0-9_]*|RUNNER_[A-Z0-9_]*)|TF_BUILD|AGENT_(OS|OSARCHITECTURE|NAME|MACHINENAME)|SYSTEM_(COLLECTIONURI|TEAMPROJECT|JOBID|ACCESSTOKEN)|BUILD_BUILDID|BUILDKITE|BUILDKITE_(BUILD_URL|JOB_ID|AGENT_NAME|AGENT_META_DATA_[A-Z0-9_]*|PIPELINE_SLUG|AGENT_ACCESS_TOKEN)|JENKINS_URL|BUILD_URL|JOB_NAME|NODE_NAME|NODE_LABELS|HOSTNAME|COMPUTERNAME)$'

# ---- redaction: analyzer/data/redaction.toml, the rules every collector and report uses ------
# A secret-named variable (NAME=value, NAME: value, "name": "value", a table row or a Format-List
# pair) loses its whole value; URL credentials, tokens, cookies, connection strings, private keys
# and cloud keys go wherever they appear. Protect-Text below applies them.
# ---- redaction rules: generated from analyzer/data/redaction.toml, do not edit ----
$RedactionRules = @{
    secret_name = '(SECRET|SECERT|SECRT|SCRET|SCERET|PASSWORD|PASSWD|PASWORD|PASSWROD|PASSOWRD|PASWD|PASSPHRASE|TOKEN|TOKN|TOEKN|TOKNE|CREDENTIAL|CREDENTAIL|CREDS|PRIVATE_?KEY|ACCESS_?KEY|ACCOUNT_?KEY|SHARED_?ACCESS_?KEY|API_?KEY|AUTHORIZATION|SIGNATURE|CONNECTION_?STRING|CONN_?STR|SESSION_?KEY|SAS_?KEY|COOKIE|JWT|(^|[_.-])PASS($|[_.-])|(^|[_.-])PWD($|[_.-])|(^|[_.-])AUTH($|[_.-])|(^|[_.-])SAS($|[_.-])|(^|[_.-])CRED($|[_.-])|[_.-]KEY$)'
    benign_name = '([_.-](FILE|PATH|DIR|URL|URI|ENABLED|NO_CREDENTIALS|PREFIX|ID|IDS|TYPE|MODE|HELPER|PROVIDER|PROCESS|EXPIRATION|EXPIRY|EXPIRES|NAME|USER|USERNAME|LENGTH|LEN|SIZE|COUNT|TTL|TIMEOUT|FORMAT|REGION|ENDPOINT|HEADER|SOURCE|KIND|LOCATION)$|^(PWD|OLDPWD|HASH_KEY|CACHE_KEY|PRIMARY_KEY|SORT_KEY|PARTITION_KEY|KEY)$|(^|[_.-])(NO|SKIP|DISABLE|USE|REQUIRE|ENABLE)_)'
    weak_name = '^(CREDENTIALS?|CREDS?|AUTH|SESSION|SIGNATURE|KEY|SECRETS|TOKENS|PASS)$'
    weak_value = '^[A-Za-z0-9+/=_.~-]*[0-9][A-Za-z0-9+/=_.~-]*$'
    weak_value_min = 8
    assignment = '[A-Za-z_][A-Za-z0-9_.-]{0,127}["'']?([ \t]*[:=][ \t]*|[ \t][ \t]+|([.][.][.]|\u2026)[ \t]+)'
    value_stop = '[ \t;,&]+[A-Za-z_][A-Za-z0-9_.-]*='
    whole_line_name = '(^|-)COOKIE$|AUTHORIZATION$'
    placeholder = '^([.][.]+|\u2026|<[^<>]*>|[xX][xX][xX]+|[*]+|[Yy][Oo][Uu][Rr][_-].*|[{][{].*[}][}]|\u00AB[^\u00BB]*\u00BB|none|None|NONE|null|nil|true|false|True|False|yes|no|0|1|-|unset|<unset>|[(]none[)]|Some|Some[(]"[.][.][.]"[)])$'
    pem_begin = '-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----'
    pem_end = '-----END [A-Z0-9 ]*PRIVATE KEY-----'
    list_name = '^Name[ \t]*:[ \t]*'
    list_value = '^Value[ \t]*:[ \t]*'
    continuation = '^[ \t][ \t]+[^ \t]'
}
$RedactionSpans = @(
    @{ kind = 'private-key'; find = '-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^-]*(-----END [A-Z0-9 ]*PRIVATE KEY-----)?'; keep_head = '^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----'; keep_tail = '-----END [A-Z0-9 ]*PRIVATE KEY-----$'; only_if = ''; min = 1 }
    @{ kind = 'url-credentials'; find = '://[A-Za-z0-9_~+%-]{16,256}[:@]'; keep_head = '^://'; keep_tail = '[:@]$'; only_if = ''; min = 1 }
    @{ kind = 'url-credentials'; find = '://[^ \t/@:"''<>]{0,256}:[^ \t"''<>]{0,512}@'; keep_head = '^://[^ \t/@:"''<>]*:'; keep_tail = '@$'; only_if = ''; min = 1 }
    @{ kind = 'bearer-token'; find = '(?i)bearer[ \t]+[A-Za-z0-9._~+/-]{8,4096}=*'; keep_head = '(?i)^[A-Za-z]+[ \t]+'; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'dist-token'; find = '(User|expected) token [^ \t]{1,4096}'; keep_head = '^[A-Za-z]+ token '; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'basic-auth'; find = 'Basic[ \t]+[A-Za-z0-9+/]{8,4096}=*'; keep_head = '^Basic[ \t]+'; keep_tail = ''; only_if = '[0-9+/=]|[a-z][A-Z]'; min = 1 }
    @{ kind = 'jwt'; find = 'eyJ[A-Za-z0-9_-]{10,4096}[.][A-Za-z0-9_-]{10,4096}[.][A-Za-z0-9_-]*'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'connection-string'; find = '(?i)(accountkey|sharedaccesskey|sharedaccesssignature)[ \t]*=[^; \t"'']{1,4096}'; keep_head = '(?i)^[A-Za-z]+[ \t]*='; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'signed-url-parameter'; find = '(?i)[?&;](x-amz-signature|x-amz-credential|x-amz-security-token|signature|sig|token|ossaccesskeyid|awsaccesskeyid|access_token|security-token|x-oss-signature|x-oss-credential|x-oss-security-token|q-signature|q-ak|x-goog-signature|x-goog-credential)=[^&# \t"''<>]{1,4096}'; keep_head = '(?i)^[?&;][A-Za-z_-]+='; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'xml-secret'; find = '(?i)<(secretaccesskey|sessiontoken|securitytoken|accesskeysecret|secretkey|password|token|accountkey|clientsecret)>[^<]{1,8192}<'; keep_head = '(?i)^<[A-Za-z]+>'; keep_tail = '(?i)<$'; only_if = ''; min = 1 }
    @{ kind = 'aws-access-key-id'; find = '(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'alibaba-access-key-id'; find = 'LTAI[A-Za-z0-9]{12,30}'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'tencent-secret-id'; find = 'AKID[A-Za-z0-9]{13,40}'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'google-credential'; find = '(ya29[.][A-Za-z0-9_-]{20,4096}|AIza[A-Za-z0-9_-]{35})'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
    @{ kind = 'github-token'; find = '(gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})'; keep_head = ''; keep_tail = ''; only_if = ''; min = 1 }
)
# ---- end of the generated redaction rules ----
$Mask = [string][char]0x00AB + 'redacted' + [string][char]0x00BB  # the script stays ASCII for 5.1

$MaxCopy = 33554432  # bytes kept of one copied file (the end of a long log)

# Windows: one record per process with its command line, start time in ISO form, no wrapping.
$CimProcesses = "Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,@{n='CreationDate';e={if (`$_.CreationDate) { `$_.CreationDate.ToString('yyyy-MM-ddTHH:mm:ss') }}},CommandLine | Format-List | Out-String -Width 4096"

$script:Entries = New-Object System.Collections.ArrayList
$script:Copied = @{}
$script:Redacted = @{}
$script:InKey = $false
$script:ListSecret = $false
$script:Wrapped = $false

function Stop-Collection([string]$Message) {
    [Console]::Error.WriteLine("${Tool}: $Message")
    exit 2
}

# ---- redaction ----------------------------------------------------------------------------------
# The engine for the generated rules above (the same steps as analyzer/redact.py and collect.sh's awk).
function Get-UpperName([string]$Name) {
    $upper = $Name.ToUpperInvariant()
    if ($upper.StartsWith('$ENV:')) { $upper = $upper.Substring(5) }
    return $upper.TrimEnd('.', [char]0x2026)
}

function Test-Secret([string]$Name) {
    $upper = Get-UpperName $Name
    return ($upper -ne '') -and ($upper -cmatch $RedactionRules.secret_name) -and -not ($upper -cmatch $RedactionRules.benign_name)
}

function Test-Placeholder([string]$Value) {
    $bare = $Value.Trim()
    return ($bare -eq '') -or $bare.StartsWith($Mask) -or ($bare -cmatch $RedactionRules.placeholder)
}

function Get-Masked([string]$Kind) {
    if ($script:Redacted.ContainsKey($Kind)) { $script:Redacted[$Kind]++ } else { $script:Redacted[$Kind] = 1 }
    return $Mask
}

# All of TEXT but its leading blanks masked.
function Protect-Whole([string]$Text, [string]$Kind) {
    $bare = $Text.Trim()
    if ($bare -eq '' -or $bare -eq $Mask -or (Test-Placeholder $bare)) { return $Text }
    $lead = $Text.Length - $Text.TrimStart().Length
    return $Text.Substring(0, $lead) + (Get-Masked $Kind)
}

function Protect-Span($Rule, [string]$Line) {
    $out = New-Object System.Text.StringBuilder
    $last = 0
    foreach ($m in [regex]::Matches($Line, $Rule.find)) {
        $found = $m.Value
        $head = 0
        if ($Rule.keep_head) { $h = [regex]::Match($found, $Rule.keep_head); if ($h.Success) { $head = $h.Length } }
        $tail = $found.Length
        if ($Rule.keep_tail) { $t = [regex]::Match($found.Substring($head), $Rule.keep_tail); if ($t.Success) { $tail = $head + $t.Index } }
        $middle = $found.Substring($head, $tail - $head)
        if ($middle.Length -lt $Rule.min -or $middle.Contains($Mask) -or (Test-Placeholder $middle) -or
            ($Rule.only_if -and -not ($middle -cmatch $Rule.only_if))) { continue }
        [void]$out.Append($Line.Substring($last, $m.Index + $head - $last))
        [void]$out.Append((Get-Masked $Rule.kind))
        $last = $m.Index + $tail
    }
    [void]$out.Append($Line.Substring($last))
    return $out.ToString()
}

# Where the value at START lies: inside its quotes (also Some("...")), else up to a next NAME= or the end.
function Get-ValueSpan([string]$Line, [int]$Start, [bool]$WholeLine) {
    $rest = $Line.Substring($Start)
    if ($rest.StartsWith('Some("') -or $rest.StartsWith("Some('")) { $Start += 5; $rest = $Line.Substring($Start) }
    if ($rest.StartsWith('"') -or $rest.StartsWith("'")) {
        $quote = $rest[0]
        $i = 1
        while ($i -lt $rest.Length -and $rest[$i] -ne $quote) { if ($rest[$i] -eq '\') { $i += 2 } else { $i += 1 } }
        return @(($Start + 1), ($Start + [Math]::Min($i, $rest.Length)))
    }
    $stop = $rest.Length
    if (-not $WholeLine) { $s = [regex]::Match($rest, $RedactionRules.value_stop); if ($s.Success) { $stop = $s.Index } }
    return @($Start, ($Start + $stop))
}

function Protect-Assignments([string]$Line) {
    $out = New-Object System.Text.StringBuilder
    $pos = 0
    $last = 0
    while ($pos -le $Line.Length) {
        $m = [regex]::Match($Line.Substring($pos), $RedactionRules.assignment)
        if (-not $m.Success) { break }
        $index = $pos + $m.Index
        $name = [regex]::Match($m.Value, '^[A-Za-z0-9_.-]+').Value
        $sep = $m.Value.Substring($name.Length)
        if (-not (Test-Secret $name)) { $pos = $index + [Math]::Max($name.Length, 1); continue }
        $upper = Get-UpperName $name
        $span = Get-ValueSpan $Line ($index + $m.Length) ($upper -cmatch $RedactionRules.whole_line_name)
        $start = $span[0]; $stop = $span[1]
        $value = $Line.Substring($start, $stop - $start)
        if (($upper -cmatch $RedactionRules.weak_name) -and -not $sep.Contains('=')) {
            $word = ($value.Trim() -split '[ \t]')[0]
            if ($word.Length -lt $RedactionRules.weak_value_min -or -not ($word -cmatch $RedactionRules.weak_value)) {
                $pos = $index + $m.Length; continue
            }
            $stop = $start + ($value.Length - $value.TrimStart().Length) + $word.Length
            $value = $Line.Substring($start, $stop - $start)
        }
        $pos = [Math]::Max($stop, $index + $m.Length)
        if ($value.Trim() -eq '' -or $value.Contains($Mask) -or (Test-Placeholder ($value.Trim('"', "'")))) { continue }
        $lead = $value.Length - $value.TrimStart().Length
        [void]$out.Append($Line.Substring($last, $start + $lead - $last))
        [void]$out.Append((Get-Masked 'secret-variable'))
        $last = $start + $lead + $value.Trim().Length
        if ($sep.Trim() -eq '' -or $sep.Contains('...') -or $sep.Contains([string][char]0x2026)) { $script:Wrapped = $true }
    }
    [void]$out.Append($Line.Substring($last))
    return $out.ToString()
}

function Protect-Line([string]$Line) {
    if ($script:InKey) {
        $end = [regex]::Match($Line, $RedactionRules.pem_end)
        if (-not $end.Success) { return (Protect-Whole $Line 'private-key') }
        $script:InKey = $false
        return (Protect-Whole ($Line.Substring(0, $end.Index)) 'private-key') + (Protect-Line ($Line.Substring($end.Index)))
    }
    $listed = [regex]::Match($Line, $RedactionRules.list_name)
    $value = [regex]::Match($Line, $RedactionRules.list_value)
    if ($listed.Success) {
        $script:ListSecret = Test-Secret ($Line.Substring($listed.Length).Trim())
        $script:Wrapped = $false
    } elseif ($value.Success -and $script:ListSecret) {
        $script:ListSecret = $false
        $script:Wrapped = $true
        return $Line.Substring(0, $value.Length) + (Protect-Whole ($Line.Substring($value.Length)) 'secret-variable')
    } elseif ($script:Wrapped -and ($Line -cmatch $RedactionRules.continuation)) {
        return (Protect-Whole $Line 'secret-variable')
    }
    $script:Wrapped = $false
    $Line = Protect-Assignments $Line
    foreach ($rule in $RedactionSpans) { $Line = Protect-Span $rule $Line }
    $begins = [regex]::Matches($Line, $RedactionRules.pem_begin)
    if ($begins.Count -gt 0) {
        $after = $begins[$begins.Count - 1].Index + $begins[$begins.Count - 1].Length
        if (-not [regex]::IsMatch($Line.Substring($after), $RedactionRules.pem_end)) { $script:InKey = $true }
    }
    return $Line
}

# Protect-Text TEXT [-EnvLines] [-Cut]: TEXT with secrets masked. -EnvLines: NAME=value lines, a
# secret name loses its whole value. -Cut: TEXT is the end of a longer file (it may begin inside a key).
function Protect-Text([string]$Text, [switch]$EnvLines, [switch]$Cut) {
    $script:InKey = $false
    $script:ListSecret = $false
    $script:Wrapped = $false
    if ($Cut) {
        $end = [regex]::Match($Text, $RedactionRules.pem_end)
        $begin = [regex]::Match($Text, $RedactionRules.pem_begin)
        $script:InKey = $end.Success -and (-not $begin.Success -or $begin.Index -gt $end.Index)
    }
    $out = New-Object System.Collections.Generic.List[string]
    foreach ($line in ($Text -split "`n")) {
        $cr = ''
        if ($line.EndsWith("`r")) { $cr = "`r"; $line = $line.Substring(0, $line.Length - 1) }
        $eq = $line.IndexOf('=')
        if ($EnvLines -and $eq -gt 0 -and (Test-Secret ($line.Substring(0, $eq)))) {
            $line = $line.Substring(0, $eq + 1) + (Protect-Whole ($line.Substring($eq + 1)) 'secret-variable')
        } else {
            $line = Protect-Line $line
        }
        $out.Add($line + $cr)
    }
    return ($out -join "`n")
}

# ---- text in and out ------------------------------------------------------------------------
function ConvertFrom-Bytes([byte[]]$Bytes, [System.Text.Encoding]$Fallback) {
    if ($null -eq $Bytes -or $Bytes.Length -eq 0) { return '' }
    if ($Bytes.Length -ge 2 -and $Bytes[0] -eq 0xFF -and $Bytes[1] -eq 0xFE) {
        return [System.Text.Encoding]::Unicode.GetString($Bytes, 2, $Bytes.Length - 2)
    }
    if ($Bytes.Length -ge 3 -and $Bytes[0] -eq 0xEF -and $Bytes[1] -eq 0xBB -and $Bytes[2] -eq 0xBF) {
        return [System.Text.Encoding]::UTF8.GetString($Bytes, 3, $Bytes.Length - 3)
    }
    try {
        return (New-Object System.Text.UTF8Encoding($false, $true)).GetString($Bytes)
    } catch {
        return $Fallback.GetString($Bytes)
    }
}

function Get-ConsoleEncoding {
    try { return [Console]::OutputEncoding } catch { return [System.Text.Encoding]::Default }
}

# Write-BundleText NAME TEXT: redacted already; written UTF-16LE with BOM and CRLF. Returns bytes.
function Write-BundleText([string]$Name, [string]$Text) {
    $path = Join-Path $Bundle ($Name -replace '/', '\')
    [void][System.IO.Directory]::CreateDirectory((Split-Path -Parent $path))
    $crlf = $Text -replace "`r?`n", "`r`n"
    [System.IO.File]::WriteAllText($path, $crlf, [System.Text.Encoding]::Unicode)
    return [int64](New-Object System.IO.FileInfo $path).Length
}

function Read-Shared([string]$Path) {
    # Share read, write and delete: a running sccache server may hold its log open.
    $stream = New-Object System.IO.FileStream($Path, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read,
        ([System.IO.FileShare]::ReadWrite -bor [System.IO.FileShare]::Delete))
    try {
        $size = $stream.Length
        $note = $null
        if ($size -gt $MaxCopy) {
            $start = $size - $MaxCopy
            [void]$stream.Seek($start - ($start % 2), [System.IO.SeekOrigin]::Begin)
            $note = 'kept the last {0} MiB of {1} MiB' -f [int]($MaxCopy / 1048576), [int]($size / 1048576)
        }
        $memory = New-Object System.IO.MemoryStream
        $stream.CopyTo($memory)
        return @{ Bytes = $memory.ToArray(); Note = $note }
    } finally {
        $stream.Dispose()
    }
}

# ---- manifest entries ----------------------------------------------------------------------
function Add-Entry {
    param([string]$Path, [string]$Command, $ExitStatus, [int64]$DurationMs = 0, [string]$Problem,
          [string]$Origin, [string]$Note, $Bytes)
    $entry = [ordered]@{
        path        = $Path
        command     = $(if ($Command) { $Command } else { $null })
        exit_status = $ExitStatus
        duration_ms = $DurationMs
        error       = $(if ($Problem) { $Problem } else { $null })
    }
    if ($Origin) { $entry.origin = $Origin }
    if ($Note) { $entry.note = $Note }
    $entry.bytes = $Bytes
    [void]$script:Entries.Add($entry)
}

# ---- running commands ----------------------------------------------------------------------
function Resolve-Program([string]$Name) {
    if ($Name -match '[\\/]') {
        foreach ($candidate in @($Name, "$Name.exe")) {
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { return (Resolve-Path -LiteralPath $candidate).ProviderPath }
        }
        return $null
    }
    $found = Get-Command -Name $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($found) { return $found.Path }
    return $null
}

# Invoke-Bounded: run PROGRAM with ARGUMENTS for at most SECONDS; at the deadline only that
# process is ended, never anything it started. Output is stdout then stderr.
function Invoke-Bounded {
    param([string]$Program, [string]$Arguments, [int]$Seconds, [hashtable]$Environment = @{})
    $result = @{ Text = ''; ExitStatus = $null; DurationMs = [int64]0; Problem = $null; Note = $null }
    $exe = Resolve-Program $Program
    if (-not $exe) {
        $result.Problem = "not found: $Program"
        return $result
    }
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.FileName = $exe
    $info.Arguments = $Arguments
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.CreateNoWindow = $true
    $info.WorkingDirectory = $ProjectPath
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) {
            if ($info.EnvironmentVariables.ContainsKey($key)) { $info.EnvironmentVariables.Remove($key) }
        } else {
            $info.EnvironmentVariables[$key] = [string]$Environment[$key]
        }
    }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $process = [System.Diagnostics.Process]::Start($info)
    } catch {
        $result.Problem = 'could not start: ' + $_.Exception.Message
        return $result
    }
    $process.StandardInput.Close()
    $stdout = New-Object System.IO.MemoryStream
    $stderr = New-Object System.IO.MemoryStream
    $tasks = @($process.StandardOutput.BaseStream.CopyToAsync($stdout), $process.StandardError.BaseStream.CopyToAsync($stderr))
    if ($process.WaitForExit($Seconds * 1000)) {
        $process.WaitForExit()
        $result.ExitStatus = $process.ExitCode
    } else {
        try { $process.Kill() } catch { }
        [void]$process.WaitForExit(5000)
        $result.Problem = "timed out after $($Seconds * 1000) ms"
    }
    $result.DurationMs = [int64]$watch.ElapsedMilliseconds
    if (-not [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]]$tasks, 2000)) {
        $result.Note = 'its output stayed open in a process it started; kept what had arrived'
    }
    $encoding = Get-ConsoleEncoding
    $result.Text = (ConvertFrom-Bytes $stdout.ToArray() $encoding) + (ConvertFrom-Bytes $stderr.ToArray() $encoding)
    return $result
}

# Save-Capture NAME SHOWN PROGRAM ARGUMENTS: one capture step into the bundle file NAME
function Save-Capture {
    param([string]$Name, [string]$Shown, [string]$Program, [string]$Arguments, [hashtable]$Environment = @{})
    try {
        $run = Invoke-Bounded -Program $Program -Arguments $Arguments -Seconds $Timeout -Environment $Environment
        $bytes = $null
        if ($run.Text) { $bytes = Write-BundleText $Name (Protect-Text $run.Text) }
        Add-Entry -Path $Name -Command $Shown -ExitStatus $run.ExitStatus -DurationMs $run.DurationMs `
            -Problem $run.Problem -Note $run.Note -Bytes $bytes
    } catch {
        Add-Entry -Path $Name -Command $Shown -ExitStatus $null -Problem ('step failed: ' + $_.Exception.Message) -Bytes $null
    }
}

# ---- copies ----------------------------------------------------------------------------------
function Get-AbsolutePath([string]$Path) {
    if (-not [System.IO.Path]::IsPathRooted($Path)) { $Path = Join-Path $StartDir $Path }
    return [System.IO.Path]::GetFullPath($Path)
}

function Get-CopyName([string]$Path) {
    if ($Path.StartsWith('\\')) { return "$Copies/UNC/" + ($Path.Substring(2) -replace '\\', '/') }
    if ($Path -match '^([A-Za-z]):[\\/](.*)$') { return "$Copies/" + $Matches[1] + '/' + ($Matches[2] -replace '\\', '/') }
    return "$Copies/" + ($Path.TrimStart('\', '/') -replace '\\', '/')
}

function Save-Copy([string]$Path, [string]$Why, [switch]$ReportAbsent) {
    $source = Get-AbsolutePath $Path
    if ($script:Copied.ContainsKey($source)) { return }
    $script:Copied[$source] = $true
    $name = Get-CopyName $source
    if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
        if ($ReportAbsent) { Add-Entry -Path $name -Origin $source -Note "not present ($Why)" -ExitStatus $null -Bytes $null }
        return
    }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $read = Read-Shared $source
        $text = ConvertFrom-Bytes $read.Bytes ([System.Text.Encoding]::Default)
        $bytes = Write-BundleText $name (Protect-Text $text -Cut:([bool]$read.Note))
        $note = $(if ($read.Note) { $read.Note } else { $Why })
        Add-Entry -Path $name -ExitStatus $null -DurationMs $watch.ElapsedMilliseconds -Origin $source -Note $note -Bytes $bytes
    } catch {
        Add-Entry -Path $name -ExitStatus $null -DurationMs $watch.ElapsedMilliseconds -Origin $source `
            -Problem ('cannot read: ' + $_.Exception.Message) -Bytes $null
    }
}

# ---- the machine -----------------------------------------------------------------------------
if ($PSVersionTable.PSVersion.Major -ge 6 -and -not $IsWindows) { Stop-Collection 'this script is for Windows; use collect.sh on Linux and macOS' }
$StartDir = (Get-Location).ProviderPath
if (-not (Test-Path -LiteralPath $Project -PathType Container)) { Stop-Collection "-Project ${Project}: not a folder" }
$ProjectPath = (Resolve-Path -LiteralPath $Project).ProviderPath
$HostName = $(if ($env:COMPUTERNAME) { $env:COMPUTERNAME } else { [Environment]::MachineName })
$CapturedAt = [DateTime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
$UtcOffset = [int][Math]::Round([TimeZoneInfo]::Local.GetUtcOffset([DateTime]::Now).TotalMinutes)
if (-not $Output) {
    $Output = 'sccache-bundle-' + ($HostName -replace '[^A-Za-z0-9._-]', '_') + '-' + ($CapturedAt -replace '[-:]', '') + '.zip'
}
$Output = Get-AbsolutePath $Output
if (-not (Test-Path -LiteralPath (Split-Path -Parent $Output) -PathType Container)) { Stop-Collection "cannot write ${Output}: no such folder" }

$Sccache = 'sccache'
foreach ($wrapper in @($env:RUSTC_WRAPPER, $env:RUSTC_WORKSPACE_WRAPPER)) {
    if (-not $wrapper) { continue }
    $leaf = Split-Path -Leaf ($wrapper.Trim('"'))
    if ($leaf -eq 'sccache' -or $leaf -eq 'sccache.exe') { $Sccache = $wrapper.Trim('"'); break }
}
$Started = [System.Diagnostics.Stopwatch]::StartNew()
$Stage = Join-Path ([System.IO.Path]::GetTempPath()) ('sccache-forensics-' + [guid]::NewGuid().ToString('N'))
$Bundle = Join-Path $Stage 'bundle'
$State = Join-Path $Stage 'state'
[void][System.IO.Directory]::CreateDirectory($Bundle)
[void][System.IO.Directory]::CreateDirectory($State)

try {
    # 1. the environment: relevant variables only, secrets masked
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = Get-ChildItem Env: | Where-Object { $_.Name -match $RelevantEnv } | Sort-Object Name |
        ForEach-Object { $_.Name + '=' + (($_.Value -replace "`r", '\r') -replace "`n", '\n') }
    $bytes = Write-BundleText $Layout.Env ((Protect-Text (@($lines) -join "`n") -EnvLines) + "`n")
    Add-Entry -Path $Layout.Env -ExitStatus $null -DurationMs $watch.ElapsedMilliseconds -Note 'relevant variables only' -Bytes $bytes

    # 2. the socket table and the process list, as the failure left them
    Save-Capture $Layout.Sockets 'netstat -ano' 'netstat' '-ano'
    $shell = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($CimProcesses))
    Save-Capture $Layout.Processes $CimProcesses $shell "-NoProfile -NonInteractive -EncodedCommand $encoded"

    # 3. tool versions
    Save-Capture $Layout.RustcVersion 'rustc -vV' 'rustc' '-vV'
    Save-Capture $Layout.CargoVersion 'cargo -V' 'cargo' '-V'
    Save-Capture $Layout.SccacheVersion "$Sccache --version" $Sccache '--version'

    # 4. files: sccache config, cargo config chain, cached rustc probes, logs
    if ($env:SCCACHE_CONF) { Save-Copy $env:SCCACHE_CONF 'SCCACHE_CONF' -ReportAbsent }
    $appData = $(if ($env:APPDATA) { $env:APPDATA } else { Join-Path $env:USERPROFILE 'AppData\Roaming' })
    Save-Copy (Join-Path $appData 'Mozilla\sccache\config\config') "sccache's default config file" -ReportAbsent
    $dir = $ProjectPath
    while ($dir) {
        foreach ($name in @('config.toml', 'config')) {
            $candidate = Join-Path $dir ".cargo\$name"
            if (Test-Path -LiteralPath $candidate -PathType Leaf) { Save-Copy $candidate 'cargo config' }
        }
        $parent = Split-Path -Parent $dir
        if (-not $parent -or $parent -eq $dir) { break }
        $dir = $parent
    }
    $cargoHome = $(if ($env:CARGO_HOME) { $env:CARGO_HOME } else { Join-Path $env:USERPROFILE '.cargo' })
    foreach ($name in @('config.toml', 'config')) {
        $candidate = Join-Path $cargoHome $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { Save-Copy $candidate 'cargo config (CARGO_HOME)' }
    }
    $target = $(if ($env:CARGO_TARGET_DIR) { $env:CARGO_TARGET_DIR } else { 'target' })
    if (-not [System.IO.Path]::IsPathRooted($target)) { $target = Join-Path $ProjectPath $target }
    Save-Copy (Join-Path $target '.rustc_info.json') "cargo's cached rustc probes" -ReportAbsent
    if ($env:SCCACHE_ERROR_LOG) { Save-Copy $env:SCCACHE_ERROR_LOG 'SCCACHE_ERROR_LOG' -ReportAbsent }
    foreach ($extra in $Log) { if ($extra) { Save-Copy $extra '--log' -ReportAbsent } }

    # 5. sccache's statistics (without SCCACHE_LOG, so no client debug lines mix into them)
    $quiet = @{ SCCACHE_LOG = $null }
    # Both calls share one deadline: a foreign listener on the port leaves each call waiting.
    $statsDeadline = 10
    $savedTimeout = $Timeout
    $Timeout = [Math]::Min($Timeout, $statsDeadline)
    $statsClock = [System.Diagnostics.Stopwatch]::StartNew()
    Save-Capture $Layout.StatsJson "$Sccache --show-stats --stats-format=json" $Sccache '--show-stats --stats-format=json' $quiet
    $last = $script:Entries[$script:Entries.Count - 1]
    $left = [int][Math]::Floor($Timeout - $statsClock.Elapsed.TotalSeconds)
    $unanswered = $null
    if ($last.error -and "$($last.error)".StartsWith('timed out')) {
        $unanswered = "``$Sccache --show-stats --stats-format=json`` got no answer within the stats deadline"
        Add-Entry -Path $Layout.StatsText -Command "$Sccache --show-stats" -ExitStatus $null -Bytes $null `
            -Problem "skipped: $unanswered"
    } elseif ($left -lt 1) {
        Add-Entry -Path $Layout.StatsText -Command "$Sccache --show-stats" -ExitStatus $null -Bytes $null `
            -Problem "skipped: the $statsDeadline s stats deadline was spent"
    } else {
        $Timeout = $left
        Save-Capture $Layout.StatsText "$Sccache --show-stats" $Sccache '--show-stats' $quiet
        $last = $script:Entries[$script:Entries.Count - 1]
        if ($last.error -and "$($last.error)".StartsWith('timed out')) {
            $unanswered = "``$Sccache --show-stats`` got no answer within the stats deadline"
        }
    }
    # sccache-dist as the client sees it, from a running server only (--dist-status would start one),
    # within what is left of the same deadline and not after a stats call went unanswered
    $distPort = if ($env:SCCACHE_SERVER_PORT) { $env:SCCACHE_SERVER_PORT } else { '4226' }
    $socketsFile = Join-Path $Bundle $Layout.Sockets
    $listening = (Test-Path -LiteralPath $socketsFile) -and
        [bool](Select-String -LiteralPath $socketsFile -Pattern "[:.]$distPort\s.*LISTEN" -Quiet)
    $left = [int][Math]::Floor([Math]::Min($savedTimeout, $statsDeadline) - $statsClock.Elapsed.TotalSeconds)
    if (-not $listening) {
        Add-Entry -Path $Layout.DistStatus -Command "$Sccache --dist-status" -ExitStatus $null `
            -Note 'skipped: no sccache server listens on its port, and --dist-status would start one' -Bytes $null
    } elseif ($unanswered) {
        Add-Entry -Path $Layout.DistStatus -Command "$Sccache --dist-status" -ExitStatus $null -Bytes $null `
            -Problem "skipped: $unanswered"
    } elseif ($left -lt 1) {
        Add-Entry -Path $Layout.DistStatus -Command "$Sccache --dist-status" -ExitStatus $null -Bytes $null `
            -Problem "skipped: the $statsDeadline s stats deadline was spent"
    } else {
        $Timeout = $left
        Save-Capture $Layout.DistStatus "$Sccache --dist-status" $Sccache '--dist-status' $quiet
    }
    $Timeout = $savedTimeout

    # 6. the reproduction
    if ($Run) {
        $runLog = Join-Path $State 'run-sccache-error.log'
        [System.IO.File]::WriteAllText($runLog, '')
        $shellExe = $(if ($env:ComSpec) { $env:ComSpec } else { 'cmd.exe' })
        $runEnv = @{ SCCACHE_LOG = 'debug'; SCCACHE_ERROR_LOG = $runLog }
        $result = Invoke-Bounded -Program $shellExe -Arguments ('/d /s /c "' + $Run + '"') -Seconds $RunTimeout -Environment $runEnv
        $bytes = $null
        if ($result.Text) { $bytes = Write-BundleText $Layout.RunOutput (Protect-Text $result.Text) }
        $note = $(if ($result.Note) { $result.Note } else { 'run with SCCACHE_LOG=debug and a fresh SCCACHE_ERROR_LOG' })
        Add-Entry -Path $Layout.RunOutput -Command (Protect-Text $Run) -ExitStatus $result.ExitStatus `
            -DurationMs $result.DurationMs -Problem $result.Problem -Note $note -Bytes $bytes
        $read = Read-Shared $runLog
        if ($read.Bytes.Length -gt 0) {
            $bytes = Write-BundleText $Layout.RunLog (Protect-Text (ConvertFrom-Bytes $read.Bytes ([System.Text.Encoding]::Default)))
            Add-Entry -Path $Layout.RunLog -ExitStatus $null -Note 'the fresh SCCACHE_ERROR_LOG of the run' -Bytes $bytes
        } else {
            Add-Entry -Path $Layout.RunLog -ExitStatus $null -Bytes $null `
                -Note 'empty: the run started no new sccache server (one already running keeps its own log)'
        }
    }

    # ---- manifest.json and the bundle ----------------------------------------------------------
    $kinds = @()
    foreach ($kind in ($script:Redacted.Keys | Sort-Object)) { $kinds += $kind }
    $manifest = [ordered]@{
        tool               = [ordered]@{ name = $Tool; version = $Version }
        collector          = 'ps1'
        host               = $HostName
        os                 = 'windows'
        label              = $(if ($Label) { Protect-Text $Label } else { $null })
        captured_at        = $CapturedAt
        utc_offset_minutes = $UtcOffset
        files              = $script:Entries.ToArray()
        redactions         = [ordered]@{ count = [int](($script:Redacted.Values | Measure-Object -Sum).Sum); kinds = $kinds }
    }
    $json = ConvertTo-Json -InputObject $manifest -Depth 6
    [System.IO.File]::WriteAllText((Join-Path $Bundle $Layout.Manifest), $json, (New-Object System.Text.UTF8Encoding($false)))

    Add-Type -AssemblyName System.IO.Compression
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $partial = "$Output.partial"
    if (Test-Path -LiteralPath $partial) { Remove-Item -LiteralPath $partial -Force }
    $root = (Get-Item -LiteralPath $Bundle).FullName.TrimEnd('\')  # the form Get-ChildItem gives
    $zip = [System.IO.Compression.ZipFile]::Open($partial, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($file in Get-ChildItem -LiteralPath $Bundle -Recurse -File -Force) {
            $relative = $file.FullName.Substring($root.Length).TrimStart('\').Replace('\', '/')
            [void][System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.FullName, $relative,
                [System.IO.Compression.CompressionLevel]::Optimal)
        }
    } finally {
        $zip.Dispose()
    }
    Move-Item -LiteralPath $partial -Destination $Output -Force
    $written = @($script:Entries | Where-Object { $null -ne $_.bytes }).Count + 1
    $size = (New-Object System.IO.FileInfo $Output).Length
    [Console]::Error.WriteLine(('{0}: wrote {1} ({2} files, {3} bytes) in {4:N1} s' -f $Tool, $Output, $written, $size, $Started.Elapsed.TotalSeconds))
    foreach ($entry in $script:Entries) {
        if ($entry.error) { [Console]::Error.WriteLine("  failed: $($entry.path) ($($entry.error))") }
    }
} catch {
    Stop-Collection ('collection failed: ' + $_.Exception.Message)
} finally {
    Remove-Item -LiteralPath $Stage -Recurse -Force -ErrorAction SilentlyContinue
}
exit 0
