# Bootstrap of the build program on Windows (see build.sh: same steps, no SDK download).
[CmdletBinding()]
Param(
    [Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)]
    [string[]]$BuildArguments
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version 2.0

$RootDir = $PSScriptRoot
$BuildProject = Join-Path $RootDir "build/_build.csproj"
$BinDir = Join-Path $RootDir ".nuke/temp/bin"
$Stamp = Join-Path $BinDir ".inputs"

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Host "error: 'dotnet' was not found on PATH. Install the .NET 10 SDK (global.json names the version)" -ForegroundColor Red
    Write-Host "       and make sure 'dotnet' is on PATH; this script does not download it." -ForegroundColor Red
    exit 1
}

# Inputs of the build program: sources and project files of build/, src/BuildGraph, src/Orchestration and src/Orchestration.Benchmarks
# (bin/ and obj/ excluded), plus the repository-wide props and global.json.
function Get-Inputs {
    $patterns = '\.(cs|csproj|props|targets|sbn|json)$'
    $folders = "build", "src/BuildGraph", "src/Orchestration", "src/Orchestration.Benchmarks" | ForEach-Object { Join-Path $RootDir $_ } | Where-Object { Test-Path $_ }
    $files = Get-ChildItem -Path $folders -Recurse -File |
        Where-Object { $_.Name -match $patterns -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
    $rootFiles = "Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets", "global.json" |
        ForEach-Object { Join-Path $RootDir $_ } | Where-Object { Test-Path $_ } | ForEach-Object { Get-Item $_ }
    # Ordinal order, as build.sh's `LC_ALL=C sort`: both scripts write the same stamp, so neither
    # recompiles after the other.
    $all = @($files) + @($rootFiles)
    $names = [string[]]@($all | ForEach-Object { $_.FullName })
    [Array]::Sort($names, [StringComparer]::Ordinal)
    $names | ForEach-Object { $name = $_; $all | Where-Object { $_.FullName -eq $name } | Select-Object -First 1 }
}

function Test-NeedsBuild($inputs) {
    if (-not (Test-Path (Join-Path $BinDir "_build.dll")) -or -not (Test-Path $Stamp)) { return $true }
    $listed = ($inputs | ForEach-Object { $_.FullName }) -join "`n"
    if ($listed -ne ((Get-Content $Stamp -Raw).TrimEnd())) { return $true }
    $built = (Get-Item -Force $Stamp).LastWriteTimeUtc
    return [bool]($inputs | Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1)
}

$inputs = Get-Inputs
if (Test-NeedsBuild $inputs) {
    Write-Host "Compiling the build program (build/_build.csproj) ..."
    New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
    $listed = ($inputs | ForEach-Object { $_.FullName }) -join "`n"
    $startedAt = [DateTime]::UtcNow
    # Published ReadyToRun (precompiled), as build.sh does: commands skip most of the JIT at start.
    $output = & dotnet publish $BuildProject --configuration Debug --use-current-runtime --self-contained false -p:PublishReadyToRun=true --output $BinDir -nologo -verbosity:quiet -consoleLoggerParameters:NoSummary 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Write-Host
        Write-Host "error: the build program does not compile (errors above)." -ForegroundColor Red
        exit 1
    }
    Set-Content -Path $Stamp -Value $listed -NoNewline
    (Get-Item -Force $Stamp).LastWriteTimeUtc = $startedAt
    # Names this compile, as build.sh does (build.sh runs the native program only when it carries the same id).
    Set-Content -Path (Join-Path $BinDir ".build-id") -Value "$([DateTime]::UtcNow.Ticks)-$PID"
}

& dotnet (Join-Path $BinDir "_build.dll") @BuildArguments
exit $LASTEXITCODE
