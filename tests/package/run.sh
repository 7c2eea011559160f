#!/usr/bin/env bash
# Packaging test: the C3dNet package works in a new app, and the C3dNet.Cli tool package gives a working `c3d`.
#  1. packs the library and checks the package (readme, licence, XML docs, native dependencies, the GLIBCXX targets);
#  2. copies samples/Recognize into a temporary folder, restores it from the packed folder plus this machine's
#     configured feed into a fresh NuGet packages folder (so no cached C3dNet can stand in for the new one; other
#     packages come from the machine's cache, read-only), builds it and runs it on a generated video with the
#     test fixture checkpoint;
#  3. packs the CLI as a .NET tool, installs it with --tool-path from the packed folder only, runs `c3d info` and
#     `c3d predict --json`;
#     The package carries the FFmpeg shim's source and build rule: with gcc and FFmpeg's dev files here the sample's
#     build compiles libc3dav.so into its output and the sample decodes with FFmpeg (it prints "decoder: Ffmpeg");
#     without them (or, where they are, built again with PKG_CONFIG_LIBDIR pointing at an empty folder) its build prints
#     the shim notice once, its output has no libc3dav.so, and the sample decodes with OpenCV, giving the same output;
#  4. checks that the sample and the tool give the same top-1 labels (per window and for the video) as the repo's
#     `./c3d predict --json`, each a class of the checkpoint, and that both loaded a patched libLibTorchSharp.so.
# Run from anywhere: bash tests/package/run.sh  (CI runs it after the test suite). Leaves nothing behind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

tmp="$(mktemp -d "${TMPDIR:-/tmp}/c3d-package-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
checkpoint="$root/tests/C3dNet.Tests/Fixtures/motion_narrow.pth.tar"
start=$SECONDS
step() { echo "package test [$((SECONDS - start)) s]: $*"; }
fail() { echo "package test: FAILED: $*" >&2; exit 1; }
quiet() { # runs a build command, showing its log only when it fails
  local log="$tmp/last.log"
  "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}
check_decoder() { # APP BUILD_LOG OUT ERR Ffmpeg|OpenCv: the shim is in the app's output and used, or absent with one notice
  local shim="$1/bin/Release/net10.0/libc3dav.so" notices
  notices="$(grep -c 'c3dav (the FFmpeg shim) was not built' "$2" || true)"
  if [ "$5" = Ffmpeg ]; then
    [ -f "$shim" ] || fail "gcc and FFmpeg's dev files are here, yet the build of $1 put no libc3dav.so in its output"
    [ "$notices" = 0 ] || fail "the build of $1 printed the shim notice although it could build the shim"
  else
    [ ! -f "$shim" ] || fail "no FFmpeg dev files for $1, yet its output has a libc3dav.so"
    [ "$notices" = 1 ] || fail "without FFmpeg dev files the build of $1 must print the shim notice once (printed $notices)"
    grep -F 'notice: decoding with OpenCV' "$4" >/dev/null || { cat "$4" >&2; fail "$1 gave no decoder notice"; }
  fi
  grep -Fx "decoder: $5" "$3" >/dev/null || { cat "$3" "$4" >&2; fail "$1 did not decode with $5"; }
}
weak_glibcxx() { # the patched copy says "Name: GLIBCXX_3.4.32  Flags: WEAK"
  readelf -V "$1" | grep -E 'Name: GLIBCXX_3\.4\.32 +Flags: WEAK' >/dev/null || fail "$1: GLIBCXX_3.4.32 is not marked weak"
}

version="$(dotnet msbuild src/C3dNet/C3dNet.csproj -getProperty:Version)"
grep -F "<PackageReference Include=\"C3dNet\" Version=\"$version\" />" samples/Recognize/Recognize.csproj >/dev/null ||
  fail "samples/Recognize/Recognize.csproj must reference C3dNet $version, the <Version> in Directory.Build.props"

step "packing C3dNet $version"
quiet dotnet pack src/C3dNet -c Release -o "$tmp/packages" -nologo
nupkg="$tmp/packages/C3dNet.$version.nupkg"
[ -f "$nupkg" ] || fail "dotnet pack made no $nupkg"
files="$(unzip -Z1 "$nupkg")"
for f in README.md LICENSE lib/net10.0/C3dNet.dll lib/net10.0/C3dNet.xml buildTransitive/C3dNet.targets buildTransitive/C3dav.targets \
  native/c3dav/c3dav.c; do
  grep -Fx "$f" <<<"$files" >/dev/null || fail "$nupkg lacks $f"
done
nuspec="$(unzip -p "$nupkg" C3dNet.nuspec)"
for dep in TorchSharp-cpu OpenCvSharp4.official.runtime.linux-x64; do
  grep -F "<dependency id=\"$dep\"" <<<"$nuspec" >/dev/null || fail "$nupkg does not depend on $dep"
done
for pair in buildTransitive/C3dNet.targets:build/C3dNet.targets buildTransitive/C3dav.targets:build/C3dav.targets \
  native/c3dav/c3dav.c:native/c3dav/c3dav.c; do
  unzip -p "$nupkg" "${pair%%:*}" | cmp -s - "${pair#*:}" || fail "the packed ${pair%%:*} differs from ${pair#*:}"
done
# This machine can build the FFmpeg shim (as the repo's build does): then the sample's build must too, and use it.
if command -v gcc >/dev/null && pkg-config --exists libavformat libavcodec libswscale libavutil 2>/dev/null; then
  expect_decoder=Ffmpeg
else
  expect_decoder=OpenCv
fi

step "generating a video; ./c3d predict --json on it"
quiet ./c3d generate-data --out "$tmp/videos" --classes 2 --videos-per-class 1 --frames 48 --seed 7
video="$(find "$tmp/videos" -name '*.avi' | sort | head -1)"
[ -n "$video" ] || fail "generate-data wrote no video"
./c3d info "$checkpoint" --json >"$tmp/info.json" 2>"$tmp/info.err" || { cat "$tmp/info.err" >&2; fail "./c3d info"; }
./c3d predict "$video" --checkpoint "$checkpoint" --json --top-k 1 >"$tmp/repo-predict.json" 2>"$tmp/repo-predict.err" ||
  { cat "$tmp/repo-predict.err" >&2; fail "./c3d predict"; }

step "restoring, building and running samples/Recognize against the packed C3dNet"
# The sample's own folder layout: its parent holds samples/Directory.Build.props etc., which stop any
# Directory.Build.props above the temporary folder from leaking in.
cp samples/Directory.Build.props samples/Directory.Build.targets samples/Directory.Packages.props "$tmp/"
cp -r samples/Recognize "$tmp/app"
rm -rf "$tmp/app/bin" "$tmp/app/obj"
# Fallback folder = the machine's NuGet cache without any C3dNet package (links, read-only for NuGet): TorchSharp's
# libtorch (about 600 MB unpacked) is not copied again, while C3dNet can only come from the fresh pack.
machine_cache="$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: //')"
mkdir "$tmp/cache-without-c3dnet"
if [ -d "$machine_cache" ]; then
  for dir in "$machine_cache"/*/; do
    name="$(basename "$dir")"
    case "$name" in c3dnet | c3dnet.cli | c3dnet.cli.*) continue ;; esac
    ln -s "${dir%/}" "$tmp/cache-without-c3dnet/$name"
  done
fi
# No <clear/>: the machine's configured sources (~/.nuget/NuGet/NuGet.Config) stay, with the packed folder added.
cat >"$tmp/app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="c3dnet-packed" value="$tmp/packages" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine-cache-without-c3dnet" value="$tmp/cache-without-c3dnet" />
  </fallbackPackageFolders>
</configuration>
EOF
export NUGET_PACKAGES="$tmp/nuget-packages"
quiet dotnet build "$tmp/app" -c Release -nologo
cp "$tmp/last.log" "$tmp/app-build.log"
restored="$NUGET_PACKAGES/c3dnet/$version/c3dnet.$version.nupkg"
[ -f "$restored" ] || fail "the sample did not restore C3dNet $version into the fresh packages folder $NUGET_PACKAGES"
cmp -s "$restored" "$nupkg" || fail "the sample restored a C3dNet $version that is not the package just packed"
unset NUGET_PACKAGES
lib="$(find "$tmp/app/bin/Release" -path '*linux-x64*' -name libLibTorchSharp.so | head -1)"
[ -n "$lib" ] || fail "the sample's output has no linux-x64 libLibTorchSharp.so (the TorchSharp-cpu dependency did not flow)"
weak_glibcxx "$lib"
status=0
dotnet "$tmp/app/bin/Release/net10.0/Recognize.dll" "$checkpoint" "$video" >"$tmp/sample.out" 2>"$tmp/sample.err" || status=$?
[ "$status" = 0 ] || { cat "$tmp/sample.out" "$tmp/sample.err" >&2; fail "the sample exited with $status"; }
check_decoder "$tmp/app" "$tmp/app-build.log" "$tmp/sample.out" "$tmp/sample.err" "$expect_decoder"
if [ "$expect_decoder" = Ffmpeg ]; then
  step "the sample again where pkg-config finds no FFmpeg: one notice, no shim, OpenCV"
  cp -r "$tmp/app" "$tmp/app-opencv"
  rm -rf "$tmp/app-opencv/bin" "$tmp/app-opencv/obj"
  NUGET_PACKAGES="$tmp/nuget-packages" PKG_CONFIG_LIBDIR="$tmp/no-pkg-config" quiet dotnet build "$tmp/app-opencv" -c Release -nologo
  cp "$tmp/last.log" "$tmp/app-opencv-build.log"
  dotnet "$tmp/app-opencv/bin/Release/net10.0/Recognize.dll" "$checkpoint" "$video" >"$tmp/sample-opencv.out" 2>"$tmp/sample-opencv.err" ||
    { cat "$tmp/sample-opencv.out" "$tmp/sample-opencv.err" >&2; fail "the sample built without the shim failed"; }
  check_decoder "$tmp/app-opencv" "$tmp/app-opencv-build.log" "$tmp/sample-opencv.out" "$tmp/sample-opencv.err" OpenCv
  labels() { grep -v '^decoder: ' "$1" | sed -E 's/ [0-9.]+$//'; } # the decoders differ slightly in pixels: compare labels, not probabilities
  cmp -s <(labels "$tmp/sample.out") <(labels "$tmp/sample-opencv.out") ||
    fail "the sample's windows and labels differ between the FFmpeg and the OpenCV decoder"
fi

step "packing C3dNet.Cli as a .NET tool, installing it with --tool-path"
quiet dotnet pack src/C3dNet.Cli -c Release -o "$tmp/tool-packages" -nologo
[ -f "$tmp/tool-packages/C3dNet.Cli.$version.nupkg" ] || fail "dotnet pack made no C3dNet.Cli.$version.nupkg"
# Only the packed folder as a source: the tool package carries all it needs.
cat >"$tmp/tool-nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="c3dnet-packed" value="$tmp/tool-packages" />
  </packageSources>
</configuration>
EOF
quiet dotnet tool install C3dNet.Cli --version "$version" --tool-path "$tmp/tool" --configfile "$tmp/tool-nuget.config"
[ -x "$tmp/tool/c3d" ] || fail "the tool install made no c3d command in $tmp/tool"
tool_lib="$(find -L "$tmp/tool/.store" -name libLibTorchSharp.so | head -1)"
[ -n "$tool_lib" ] || fail "the installed tool has no libLibTorchSharp.so"
weak_glibcxx "$tool_lib"
"$tmp/tool/c3d" info "$checkpoint" --json >"$tmp/tool-info.json" 2>"$tmp/tool.err" || { cat "$tmp/tool.err" >&2; fail "installed c3d info"; }
"$tmp/tool/c3d" predict "$video" --checkpoint "$checkpoint" --json --top-k 1 >"$tmp/tool-predict.json" 2>"$tmp/tool.err" ||
  { cat "$tmp/tool.err" >&2; fail "installed c3d predict"; }

step "comparing the sample's and the tool's labels with ./c3d predict"
python3 - "$tmp/info.json" "$tmp/tool-info.json" "$tmp/repo-predict.json" "$tmp/tool-predict.json" "$tmp/sample.out" <<'PY'
import json, re, sys
info, tool_info, repo, tool, sample_out = sys.argv[1:]
classes = json.load(open(info))["class_names"]
assert json.load(open(tool_info))["class_names"] == classes, "installed c3d info: other class names than ./c3d info"
def top1(path):
    doc = json.load(open(path))["inputs"][0]
    return [w["top"][0]["label"] for w in doc["windows"]], doc["video"]["top"][0]["label"]
repo_windows, repo_video = top1(repo)
assert repo_windows and repo_video in classes, (repo_windows, repo_video)
assert top1(tool) == (repo_windows, repo_video), f"installed c3d predict: {top1(tool)}, ./c3d predict: {(repo_windows, repo_video)}"
text = open(sample_out).read()
windows = re.findall(r"^window \d+: frames \d+-\d+ .*: (\S+) [0-9.]+$", text, re.M)
video = re.findall(r"^video: (\S+) [0-9.]+$", text, re.M)
assert windows == repo_windows and video == [repo_video], f"sample printed\n{text}\n./c3d predict: windows {repo_windows}, video {repo_video}"
print(f"package test: sample and tool agree with ./c3d predict: {len(windows)} windows, video top-1 {repo_video} (classes {', '.join(classes)})")
PY
step "passed"
