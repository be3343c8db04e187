"""The checking tools of the browser tests: axe-core and the Nu HTML Checker (vnu).

Both come from npm (`package.json`, installed by make into node_modules/); vnu also needs
Java. Outside CI a missing tool skips its tests with a message; under CI=true it fails.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(condition, message):
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def axe_violations(page, impacts=("serious", "critical")):
    """axe's violations on the page in ``page`` at the given impacts, as readable strings."""
    require(AXE.exists(), f"{AXE} missing: run `npm ci` (make does) to check accessibility.")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate() is not subject to the CSP
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.html)}))""",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
        for v in violations
        if v["impact"] in impacts
    ]


def nu_errors(documents, workdir):
    """Run vnu once over ``documents`` ({name: html}); return its error messages."""
    java = shutil.which("java")
    require(java and VNU.exists(), "Java and node_modules/vnu-jar are needed for the HTML check.")
    paths = []
    for name, html in documents.items():
        path = Path(workdir) / f"{name}.html"
        path.write_bytes(html)
        paths.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} "
        f"[{m.get('extract', '').strip()[:120]}]"
        for m in messages
    ]
