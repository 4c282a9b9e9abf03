#!/usr/bin/env bash
# Mutation testing of the proxy core with Stryker.NET (a local .NET tool, see .config/dotnet-tools.json).
# Not part of CI: it is CPU-heavy. Mutate one file at a time on a shared machine.
#
#   scripts/mutation.sh                                  # every file of src/ProxyCore/ToolCalls and src/ProxyCore/Proxy
#   scripts/mutation.sh ToolCalls/Formats/QwenXmlFormat.cs   # one file (path under src/ProxyCore)
#   scripts/mutation.sh ToolCalls/A.cs,ToolCalls/B.cs        # several files in one run (one build, one initial test run)
#   FILTER='FullyQualifiedName~ToolCalls' scripts/mutation.sh ToolCalls/Formats/QwenXmlFormat.cs   # only some tests
#   FILTER=fast scripts/mutation.sh ToolCalls/ToolCallExtractor.cs   # the ToolCalls unit tests without the
#                                        # fuzz, property and megabyte tests ([Trait("Category", "Heavy")])
#
# Reports land in artifacts/mutation/<file>/ (html and json); the score is printed at the end of each run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("ToolCalls/**/*.cs" "Proxy/**/*.cs")
fi

# Stryker swaps the mutated ProxyCore.dll into the test project's output folder: run it on a copy of the tree so
# that building in the work tree meanwhile can neither disturb the run nor be disturbed by it. One copy per
# invocation, so that two runs (say, two files) can go side by side.
mkdir -p "$root/artifacts/mutation"
work="$(mktemp -d "$root/artifacts/mutation/tree.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -C "$root" --exclude=./artifacts --exclude='*/bin' --exclude='*/obj' --exclude=./.git -cf - . | tar -C "$work" -xf -

concurrency="${CONCURRENCY:-1}"
if [ "${FILTER:-}" = fast ]; then
  FILTER='FullyQualifiedName~OpsBot.ProxyCore.Tests.ToolCalls&Category!=Heavy'
fi
for target in "${targets[@]}"; do
  name="$(echo "$target" | sed 's#[/*]#_#g; s#,#+#g')"
  out="$root/artifacts/mutation/$name"
  mkdir -p "$out"
  config="$out/stryker-config.json"
  {
    echo '{ "stryker-config": {'
    echo '  "project": "ProxyCore.csproj",'
    echo "  \"mutate\": [\"${target//,/\", \"}\"],"
    echo "  \"concurrency\": $concurrency,"
    echo '  "coverage-analysis": "perTest",'
    if [ -n "${FILTER:-}" ]; then
      echo "  \"test-case-filter\": \"$FILTER\","
    fi
    echo '  "reporters": ["progress", "html", "json", "cleartext"],'
    echo '  "thresholds": { "high": 90, "low": 80, "break": 0 }'
    echo '} }'
  } > "$config"
  (cd "$work/tests/ProxyCore.Tests" && nice -n 10 dotnet stryker --config-file "$config" --output "$out")
done
