#!/usr/bin/env bash
# Bootstrap of the build program (NUKE conventions, no SDK download: this machine is offline).
# Rebuilds build/_build.csproj into .nuke/temp/bin only when one of its inputs changed, then runs it
# with every argument: ./build.sh [targets] [--parameter value ...]
set -eo pipefail

# The script's folder, as `cd DIR && pwd` names it, without the subshell's fork (every command pays it):
# the builtin cd there and back.
ROOT_DIR=.
if [[ "${BASH_SOURCE[0]}" == */* ]]; then ROOT_DIR="${BASH_SOURCE[0]%/*}"; fi
CDPATH='' cd "$ROOT_DIR"
ROOT_DIR="$PWD"
cd "$OLDPWD"
BUILD_PROJECT="$ROOT_DIR/build/_build.csproj"
BIN_DIR="$ROOT_DIR/.nuke/temp/bin"
STAMP="$BIN_DIR/.inputs"
BUILD_ID="$BIN_DIR/.build-id"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: 'dotnet' was not found on PATH. Install the .NET 10 SDK (global.json names the version)" >&2
    echo "       and make sure 'dotnet' is on PATH; this script does not download it." >&2
    exit 1
fi

# Inputs of the build program: sources and project files of build/, src/BuildGraph, src/Orchestration and src/Orchestration.Benchmarks
# (bin/ and obj/ excluded), plus the repository-wide props and global.json.
ROOT_INPUTS=(Directory.Build.props Directory.Packages.props Directory.Build.targets global.json)

# Finds the input files under the folders; the arguments are the action ("-print", "-newer F -print -quit").
find_inputs() {
    find "$ROOT_DIR/build" "$ROOT_DIR/src/BuildGraph" "$ROOT_DIR/src/Orchestration" "$ROOT_DIR/src/Orchestration.Benchmarks" \
        \( -name bin -o -name obj \) -prune -o -type f \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.sbn' -o -name '*.json' \) \
        "$@" 2>/dev/null
}

list_inputs() {
    find_inputs -print
    local file
    for file in "${ROOT_INPUTS[@]}"; do
        if [[ -f "$ROOT_DIR/$file" ]]; then echo "$ROOT_DIR/$file"; fi
    done
}

# Finds input files and folders under the input folders; the arguments are the action.
find_inputs_and_folders() {
    find "$ROOT_DIR/build" "$ROOT_DIR/src/BuildGraph" "$ROOT_DIR/src/Orchestration" "$ROOT_DIR/src/Orchestration.Benchmarks" \
        \( -name bin -o -name obj \) -prune -o \( -type d -o -type f \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.sbn' -o -name '*.json' \) \) \
        "$@" 2>/dev/null
}

# Whether an input changed since the last compile, at the cost of one find on a warm run (every command pays it).
needs_build() {
    [[ -f "$BIN_DIR/_build.dll" && -f "$STAMP" && -f "$BUILD_ID" ]] || return 0
    local file changed marker
    for file in "${ROOT_INPUTS[@]}"; do
        if [[ "$ROOT_DIR/$file" -nt "$STAMP" ]]; then return 0; fi
    done
    # The first input or folder newer than the last compile: a file is an edit or a new file; a folder
    # may have lost a file (removed, renamed), and only then is the whole listing compared.
    changed="$(find_inputs_and_folders -newer "$STAMP" -print -quit)"
    [[ -n "$changed" ]] || return 1
    [[ -d "$changed" ]] || return 0
    marker="$(mktemp "$BIN_DIR/.listed.XXXXXX")"
    if [[ "$(list_inputs | LC_ALL=C sort)" != "$(cat "$STAMP")" || -n "$(find_inputs -newer "$STAMP" -print -quit)" ]]; then
        rm -f "$marker"
        return 0
    fi
    # Same files, none newer: date the stamp to before this look (a change after it is seen next
    # time), so the next runs skip the listing again.
    touch -r "$marker" "$STAMP"
    rm -f "$marker"
    return 1
}

if needs_build; then
    echo "Compiling the build program (build/_build.csproj) ..." >&2
    mkdir -p "$BIN_DIR"
    stamp_next="$(mktemp "$BIN_DIR/.inputs.XXXXXX")"   # taken before compiling: an edit made meanwhile triggers the next rebuild
    list_inputs | LC_ALL=C sort > "$stamp_next"
    log="$(mktemp)"
    # Published ReadyToRun (precompiled): every command, and the supervisor that runs from a copy of
    # this folder, skips most of the JIT at start (Status 0.75 -> 0.44 s measured).
    if ! dotnet publish "$BUILD_PROJECT" --configuration Debug --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
        --output "$BIN_DIR" -nologo -verbosity:quiet -consoleLoggerParameters:NoSummary > "$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log" "$stamp_next"
        echo "error: the build program does not compile (errors above)." >&2
        exit 1
    fi
    rm -f "$log"
    mv "$stamp_next" "$STAMP"
    # Names this compile: the native program published from the same inputs carries the same id.
    echo "$EPOCHREALTIME-$$" > "$BUILD_ID"
fi

# The native program (a Native AOT publish of the same inputs) starts in milliseconds where the JIT
# one takes a few hundred: run it when it is current. Else run the JIT program, and publish the native
# one in the background at low priority (not in CI, whose Test target publishes it before the tests;
# not again after a failed publish of the same inputs: .nuke/temp/native.log says why).
# ORCHESTRATION_BUILD_PROGRAM=jit runs the JIT program and publishes nothing.
NATIVE_DIR="$ROOT_DIR/.nuke/temp/native"
mode="${ORCHESTRATION_BUILD_PROGRAM:-auto}"
read -r jit_id < "$BUILD_ID"
native_id="" failed_id=""
if [[ -f "$NATIVE_DIR/.build-id" ]]; then read -r native_id < "$NATIVE_DIR/.build-id"; fi
if [[ "$mode" != jit && "$native_id" == "$jit_id" && -x "$NATIVE_DIR/_build" ]]; then
    exec "$NATIVE_DIR/_build" "$@"
fi
if [[ -f "$NATIVE_DIR.failed" ]]; then read -r failed_id < "$NATIVE_DIR.failed"; fi
if [[ "$mode" == auto && -z "${CI:-}" && "$failed_id" != "$jit_id" ]]; then
    publishing="$NATIVE_DIR.publishing"
    if ! { [[ -f "$publishing" ]] && kill -0 "$(cat "$publishing")" 2>/dev/null; }; then
        setsid nice -n 19 dotnet "$BIN_DIR/_build.dll" PublishBuildProgram </dev/null >"$NATIVE_DIR.log" 2>&1 &
        echo $! > "$publishing"
    fi
fi
exec dotnet "$BIN_DIR/_build.dll" "$@"
