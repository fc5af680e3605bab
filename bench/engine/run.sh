#!/usr/bin/env bash
# Engine benchmark. In one headless-Chromium run: images/s of PocketGrid's engine (JS and Wasm-GC
# builds, Java and WebAssembly SIMD kernels) and of onnxruntime-web (wasm, one thread, SIMD) on the
# demo CNN and MLP, batch 1 and 32, same inputs; then JMH on the JVM (the engine vs OnnxRuntime
# through DJL). Prints tables; asserts nothing.
#
#   bench/engine/run.sh [--no-build] [--browser-only | --jvm-only] [--query 'models=cnn&batches=32&rounds=5']
#
# Needs JDK 21+ (JAVA_HOME), Node.js + npm, Debian's chromium (CHROMIUM=/path to override).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1
browser=1
jvm=1
query=''
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --browser-only) jvm=0 ;;
    --jvm-only) browser=0 ;;
    --query) query="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ] && [ "$browser" = 1 ]; then
  echo "== building browser-worker (TeaVM builds, kernels)"
  (cd "$root" && ./mvnw -q -pl browser-worker -am install -DskipTests)
fi

if [ "$browser" = 1 ]; then
  node "$here/../../tools/npm-ci-if-needed.mjs" "$here"
  echo "== headless Chromium: PocketGrid engine vs onnxruntime-web"
  node "$here/headless.mjs" --timeout 1800 \
    --page "/bench/bench.html?$query" \
    --mount "/worker=$root/browser-worker/target/classes/META-INF/resources/worker" \
    --mount "/bench=$here/page" \
    --mount "/ort=$here/node_modules/onnxruntime-web/dist" \
    --mount "/demo=$root/portal/src/main/resources/demo"
fi

if [ "$jvm" = 1 ]; then
  echo "== JMH on the JVM: PocketGrid engine vs OnnxRuntime (DJL)"
  # The jmh profile skips the TeaVM builds (browser.phase=none); JMH_ARGS passes JMH options, e.g. "-wi 1 -i 3".
  (cd "$root" && ./mvnw -q -pl browser-worker -Pjmh test-compile exec:exec@jmh ${JMH_ARGS:+"-Djmh.args=$JMH_ARGS"})
fi
