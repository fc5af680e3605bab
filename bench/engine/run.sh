#!/usr/bin/env bash
# Engine benchmark. In one headless-Chromium run: images/s of PocketGrid's engine (JS and Wasm-GC
# builds, Java and WebAssembly SIMD kernels) and of onnxruntime-web (wasm, one thread, SIMD) on the
# demo CNN and MLP, batch 1 and 32, same inputs; then JMH on the JVM (the engine vs OnnxRuntime
# through DJL). Prints tables; asserts nothing.
#
#   bench/engine/run.sh [--no-build] [--browser-only | --jvm-only] [--query 'models=cnn&batches=32&rounds=5']
#
# --suite instead runs the model suite (models/make_models.py, made first when models/out/manifest.json
# is missing or older than the script): ResNet-18, MobileNetV2 224 and 96, a BERT-style encoder, a 1-D
# conv keyword spotter and the demo CNN and MLP, batch 1 and 8, PocketGrid on Wasm-GC and JS (SIMD
# kernel) against onnxruntime-web; prints the machine load, the Chromium version and one table. No JMH.
#
#   bench/engine/run.sh --suite [--no-build] [--query 'models=bert4,kws1d&budget=60']
#
# Needs JDK 21+ (JAVA_HOME), Node.js + npm, Debian's chromium (CHROMIUM=/path to override).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1
browser=1
jvm=1
query=''
suite=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --browser-only) jvm=0 ;;
    --jvm-only) browser=0 ;;
    --query) query="$2"; shift ;;
    --suite) suite=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$suite" = 1 ]; then
  browser=0
  jvm=0
  manifest="$here/models/out/manifest.json"
  if [ ! -f "$manifest" ] || [ "$here/models/make_models.py" -nt "$manifest" ]; then
    echo "== making the model suite (models/make_models.py)"
    "${PYTHON:-/usr/bin/python3}" "$here/models/make_models.py"
  fi
  if [ "$build" = 1 ]; then
    echo "== building browser-worker (TeaVM builds, kernels)"
    (cd "$root" && ./mvnw -q -pl browser-worker -am install -DskipTests)
  fi
  node "$here/../../tools/npm-ci-if-needed.mjs" "$here"
  enc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
  load=$(uptime | sed 's/^ *//')
  chromium_version=$("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null || echo '?')
  echo "== headless Chromium: PocketGrid engine suite vs onnxruntime-web"
  echo "load: $load"
  echo "$chromium_version"
  node "$here/headless.mjs" --timeout 3600 \
    --page "/bench/bench.html?suite=1&load=$(enc "$load")&chromium=$(enc "$chromium_version")${query:+&$query}" \
    --mount "/worker=$root/browser-worker/target/classes/META-INF/resources/worker" \
    --mount "/bench=$here/page" \
    --mount "/ort=$here/node_modules/onnxruntime-web/dist" \
    --mount "/demo=$root/portal/src/main/resources/demo" \
    --mount "/models=$here/models/out"
  echo "load at end: $(uptime | sed 's/^ *//')"
fi

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
