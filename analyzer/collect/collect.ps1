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

# ---- redaction: the same rules, word for word, as collect.sh ---------------------------------
# A name holding one of SecretWords (any case) and not ending in BenignEnd has its value
# replaced by the mask: the whole value in the environment dump, the next word elsewhere
# (Assignment). A password in a URL (UrlCredentials) and a bearer token of 8 characters or
# more (Bearer) are replaced wherever they appear.
$SecretWords = 'KEY|SECRET|TOKEN|PASS|CREDENTIAL|SESSION|AUTH|SIGNATURE|CONNECTION_STRING|JWT'
$BenignEnd = '(_FILE|_PATH|_DIR|_PREFIX|_NO_CREDENTIALS)$'
$Assignment = '[A-Za-z_][A-Za-z0-9_.-]*"?[ \t]*[:=][ \t]*"?[^ \t\r",;{}()<>]+'
$UrlCredentials = '[A-Za-z][A-Za-z0-9+.-]*://[^/:@ \t]*:[^/@ \t]+@'
$Bearer = '[Bb][Ee][Aa][Rr][Ee][Rr][ \t]+[A-Za-z0-9._~+/=-]+'
$Mask = [string][char]0x00AB + 'redacted' + [string][char]0x00BB  # the script stays ASCII for 5.1

$MaxCopy = 33554432  # bytes kept of one copied file (the end of a long log)

# Windows: one record per process with its command line, start time in ISO form, no wrapping.
$CimProcesses = "Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,@{n='CreationDate';e={if (`$_.CreationDate) { `$_.CreationDate.ToString('yyyy-MM-ddTHH:mm:ss') }}},CommandLine | Format-List | Out-String -Width 4096"

$script:Entries = New-Object System.Collections.ArrayList
$script:Copied = @{}
$script:RedactedVars = 0
$script:RedactedUrls = 0

function Stop-Collection([string]$Message) {
    [Console]::Error.WriteLine("${Tool}: $Message")
    exit 2
}

# ---- redaction ----------------------------------------------------------------------------------
function Test-Secret([string]$Name) {
    $upper = $Name.ToUpperInvariant()
    return ($upper -cmatch $SecretWords) -and -not ($upper -cmatch $BenignEnd)
}

$UrlEvaluator = [System.Text.RegularExpressions.MatchEvaluator] {
    param($m)
    $text = $m.Value
    $at = $text.IndexOf('://') + 3
    $colon = $text.IndexOf(':', $at)
    $password = $text.Substring($colon + 1, $text.Length - $colon - 2)
    if ($password -ne $Mask) { $script:RedactedUrls++ }
    return $text.Substring(0, $colon + 1) + $Mask + '@'
}

$BearerEvaluator = [System.Text.RegularExpressions.MatchEvaluator] {
    param($m)
    $text = $m.Value
    $token = $text.Substring(6).TrimStart(' ', "`t")
    if ($token.Length -ge 8) {
        $script:RedactedVars++
        return $text.Substring(0, $text.Length - $token.Length) + $Mask
    }
    return $text
}

# An assignment whose name is not secret is passed over from just after its name, so that
# `flags=--password=x` still finds `password=x`.
$AssignmentRegex = New-Object System.Text.RegularExpressions.Regex($Assignment)

function Protect-Assignments([string]$Line) {
    $out = New-Object System.Text.StringBuilder
    $pos = 0
    while ($pos -le $Line.Length) {
        $m = $AssignmentRegex.Match($Line, $pos)
        if (-not $m.Success) { break }
        $text = $m.Value
        $name = [regex]::Match($text, '^[A-Za-z_][A-Za-z0-9_.-]*').Value
        if (-not (Test-Secret $name)) {
            [void]$out.Append($Line.Substring($pos, $m.Index - $pos + $name.Length))
            $pos = $m.Index + $name.Length
            continue
        }
        $sep = [regex]::Match($text.Substring($name.Length), '^"?[ \t]*[:=][ \t]*"?').Value
        $value = $text.Substring($name.Length + $sep.Length)
        [void]$out.Append($Line.Substring($pos, $m.Index - $pos))
        if ($value -ne $Mask) {
            [void]$out.Append($name + $sep + $Mask)
            $script:RedactedVars++
        } else {
            [void]$out.Append($text)
        }
        $pos = $m.Index + $m.Length
    }
    [void]$out.Append($Line.Substring($pos))
    return $out.ToString()
}

function Protect-Text([string]$Text, [switch]$EnvLines) {
    $lines = $Text -split "`n"
    $out = New-Object System.Collections.Generic.List[string]
    foreach ($line in $lines) {
        if ($EnvLines) {
            $eq = $line.IndexOf('=')
            if ($eq -gt 0) {
                $name = $line.Substring(0, $eq)
                $value = $line.Substring($eq + 1)
                if ((Test-Secret $name) -and $value -ne '' -and $value -ne $Mask) {
                    $line = $name + '=' + $Mask
                    $script:RedactedVars++
                }
            }
        }
        $line = [regex]::Replace($line, $UrlCredentials, $UrlEvaluator)
        $line = [regex]::Replace($line, $Bearer, $BearerEvaluator)
        $line = Protect-Assignments $line
        $out.Add($line)
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
        $bytes = Write-BundleText $name (Protect-Text $text)
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
    if ($script:RedactedUrls -gt 0) { $kinds += 'url-credentials' }
    if ($script:RedactedVars -gt 0) { $kinds += 'secret-variable' }
    $manifest = [ordered]@{
        tool               = [ordered]@{ name = $Tool; version = $Version }
        collector          = 'ps1'
        host               = $HostName
        os                 = 'windows'
        label              = $(if ($Label) { Protect-Text $Label } else { $null })
        captured_at        = $CapturedAt
        utc_offset_minutes = $UtcOffset
        files              = $script:Entries.ToArray()
        redactions         = [ordered]@{ count = $script:RedactedVars + $script:RedactedUrls; kinds = $kinds }
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
