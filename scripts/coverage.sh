#!/usr/bin/env bash
# Line and branch coverage of the product assemblies (opsbot, ProxyCore) over the whole test suite, with
# coverlet.collector. Each test project writes a Cobertura report; the reports are merged per source line (a line
# is covered if any project covered it, a branch if any project took it) and printed per assembly.
#
#   scripts/coverage.sh                # runs every test project (as long as `dotnet test OpsBot.sln`)
#   scripts/coverage.sh tests/ProxyCore.Tests
#
# Reports land in artifacts/coverage/; the summary also goes to artifacts/coverage/summary.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/artifacts/coverage"
rm -rf "$out"
mkdir -p "$out"
export OPENCLAW_CACHE="${OPENCLAW_CACHE:-$root/.cache/openclaw}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(OpsBot.sln)
fi

status=0
for target in "${targets[@]}"; do
  dotnet test "$target" --collect:"XPlat Code Coverage" --results-directory "$out/raw" \
    -- DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Format=cobertura \
       DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Include='[opsbot]*,[ProxyCore]*' || status=$?
done

python3 - "$out" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
lines = {}     # (assembly, file, line) -> hit?
branches = {}  # (assembly, file, line) -> (covered, total)
for report in glob.glob(os.path.join(out, "raw", "**", "coverage.cobertura.xml"), recursive=True):
    root = ET.parse(report).getroot()
    # File names are relative to the report's own <source> roots, which differ between test projects.
    sources = [s.text or "" for s in root.iter("source")]
    def absolute(name):
        if os.path.isabs(name):
            return os.path.normpath(name)
        for source in sources:
            if os.path.exists(os.path.join(source, name)):
                return os.path.normpath(os.path.join(source, name))
        return name
    for package in root.iter("package"):
        assembly = package.get("name")
        for cls in package.iter("class"):
            filename = absolute(cls.get("filename"))
            for line in cls.iter("line"):
                key = (assembly, filename, int(line.get("number")))
                lines[key] = lines.get(key, False) or int(line.get("hits")) > 0
                condition = line.get("condition-coverage")
                if line.get("branch") == "True" and condition:
                    covered, total = (int(x) for x in condition.split("(")[1].rstrip(")").split("/"))
                    before = branches.get(key, (0, total))
                    branches[key] = (max(before[0], covered), max(before[1], total))
rows = ["| assembly | lines | line coverage | branches | branch coverage |", "|---|---|---|---|---|"]
for assembly in sorted({k[0] for k in lines}):
    keyed = [k for k in lines if k[0] == assembly]
    hit = sum(1 for k in keyed if lines[k])
    taken = sum(v[0] for k, v in branches.items() if k[0] == assembly)
    total = sum(v[1] for k, v in branches.items() if k[0] == assembly)
    rows.append(f"| {assembly} | {hit}/{len(keyed)} | {100.0 * hit / max(len(keyed), 1):.1f} % | {taken}/{total} | {100.0 * taken / max(total, 1):.1f} % |")
summary = "\n".join(rows)
print(summary)
open(os.path.join(out, "summary.md"), "w").write(summary + "\n")
PY
exit $status
