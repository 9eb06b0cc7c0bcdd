#!/usr/bin/env python3
"""Write a synthetic skill corpus for benchmarking skillc.

    python3 bench/corpus.py OUT_DIR [--skills 200] [--scripts 1000]
                                    [--assets-mib 50] [--seed 1]

OUT_DIR/skill-NNN/ each get a SKILL.md; scripts are spread over the skills
(about 40% Python with a JSON-stdin main, 25% Python argparse, 20% Bash with
a header comment and getopts, 15% JavaScript with JSDoc and process.argv);
some skills get references/*.md, and assets/*.bin of 64 KiB to 2 MiB add up
to --assets-mib. Every script runs and prints something when given a text
argument. The same seed gives a byte-identical tree. OUT_DIR/.corpus-ok is
written last, so its presence means the tree is complete.
"""
import argparse
import hashlib
import os
import random
import re
import shutil
import sys
import textwrap

KIB, MIB = 1024, 1024 * 1024
ASSET_MIN, ASSET_MAX = 64 * KIB, 2 * MIB
SKILL_DIR_RE = re.compile(r"skill-\d+$")

DOMAINS = [
    ("invoice", "invoices", "billing runs and accounts-payable checks"),
    ("inventory", "stock records", "warehouse counts and reorder reviews"),
    ("dns_zone", "DNS zone files", "changing or auditing name records"),
    ("certificate", "TLS certificates", "renewals and expiry audits"),
    ("backup", "backup manifests", "restore drills and retention reviews"),
    ("metric", "metric samples", "capacity planning and alert tuning"),
    ("ticket", "support tickets", "triage and weekly support reports"),
    ("release", "release notes", "preparing or reviewing a release"),
    ("config", "configuration files", "deployments and config drift checks"),
    ("cron", "cron schedules", "scheduling jobs and auditing timers"),
    ("account", "user accounts", "onboarding, offboarding and access reviews"),
    ("sales", "sales reports", "month-end reporting and forecasting"),
    ("csv", "CSV exports", "cleaning data before an import"),
    ("access_log", "web access logs", "incident review and traffic analysis"),
    ("package", "package lists", "patching and dependency audits"),
    ("schema", "database schemas", "migrations and schema reviews"),
]
VERBS = ["summarise", "validate", "normalise", "extract", "convert", "count",
         "format", "check", "filter", "render", "compare", "score", "tag", "split"]

# name -> (kind, description, default as Python source, choices for enums)
PARAMS = {
    "label": ("str", "Label printed in front of the result", '"report"', None),
    "delimiter": ("str", "Field delimiter used in the input", '","', None),
    "prefix": ("str", "Prefix added to every output line", '""', None),
    "encoding": ("str", "Character encoding of the input", '"utf-8"', None),
    "locale": ("str", "Locale used for number formatting", '"en_US"', None),
    "limit": ("int", "Maximum number of items to return", "20", None),
    "width": ("int", "Wrap output at this many columns", "80", None),
    "retries": ("int", "How many times to retry a failed step", "3", None),
    "page_size": ("int", "Records per page of output", "50", None),
    "depth": ("int", "How deep to descend into nested records", "2", None),
    "threshold": ("float", "Minimum score for an item to be kept", "0.5", None),
    "tolerance": ("float", "Allowed relative difference when comparing", "0.01", None),
    "scale": ("float", "Factor applied to every numeric value", "1.0", None),
    "verbose": ("bool", "Include intermediate details in the output", "False", None),
    "strict": ("bool", "Treat warnings as errors", "False", None),
    "dry_run": ("bool", "Report what would change without changing it", "False", None),
    "ignore_case": ("bool", "Compare text without regard to case", "False", None),
    "fields": ("list", "Fields to include in the output", '["id", "name"]', None),
    "tags": ("list", "Tags to attach to each record", '["bench"]', None),
    "exclude": ("list", "Values to leave out of the result", "[]", None),
    "max_lines": ("optint", "Stop after this many lines; omit for no limit", "None", None),
    "offset": ("optint", "Skip this many records first; omit to start at the beginning",
               "None", None),
    "output": ("enum", "Output format", '"json"', ["json", "text", "csv"]),
    "order": ("enum", "Sort order of the results", '"asc"', ["asc", "desc"]),
    "level": ("enum", "Level of detail in the report", '"medium"', ["low", "medium", "high"]),
}
PARAM_NAMES = sorted(PARAMS)


def wrap(text):
    return textwrap.fill(text, 76)


def words(rng, n):
    pool = ("records entries rows items fields values totals lines groups batches "
            "summaries anomalies duplicates gaps outliers changes owners dates").split()
    return " ".join(rng.choice(pool) for _ in range(n))


def sentence(rng, noun):
    return rng.choice([
        f"Reads {noun} as plain text and reports the {words(rng, 1)} it finds.",
        f"Works on one piece of text at a time, so it is safe to call repeatedly on {noun}.",
        f"The result is deterministic: the same input always gives the same {words(rng, 1)}.",
        f"Useful as a first pass over {noun} before a person reviews the {words(rng, 1)}.",
        f"Large inputs are handled line by line, so memory use stays flat even for big {noun}.",
    ])


def pick_params(rng, lo, hi, kinds=None):
    names = [n for n in PARAM_NAMES if kinds is None or PARAMS[n][0] in kinds]
    return sorted(rng.sample(names, rng.randint(lo, min(hi, len(names)))))


# Each operation: Python expression, Bash pipeline on "$text", JavaScript expression.
OPS = [
    ("word count", "len(text.split())", "wc -w <<<\"$text\" | tr -d ' '",
     "text.split(/\\s+/).filter(Boolean).length"),
    ("upper case", "text.upper()", "tr '[:lower:]' '[:upper:]' <<<\"$text\"",
     "text.toUpperCase()"),
    ("sha256 digest", "hashlib.sha256(text.encode()).hexdigest()",
     "printf '%s' \"$text\" | sha256sum | cut -d' ' -f1",
     "crypto.createHash('sha256').update(text).digest('hex')"),
    ("character count", "len(text)", "printf '%s' \"${#text}\"", "text.length"),
    ("line count", "len(text.splitlines())", "wc -l <<<\"$text\" | tr -d ' '",
     "text.split('\\n').length"),
]


def py_json_tool(rng, stem, desc, noun):
    names = pick_params(rng, 2, 6)
    op = rng.choice(OPS)
    sig, doc = ["text: str"], [f"        text: The {noun} to process, as text."]
    for n in names:
        kind, help_, default, choices = PARAMS[n]
        hint = {"str": "str", "int": "int", "float": "float", "bool": "bool",
                "list": "list[str]", "optint": rng.choice(["Optional[int]", "int | None"]),
                "enum": "Literal[%s]" % ", ".join(f'"{c}"' for c in choices or [])}[kind]
        sig.append(f"{n}: {hint} = {default}")
        doc.append(f"        {n}: {help_}.")
    opts = ", ".join(f'"{n}": {n}' for n in names)
    signature = ",\n         ".join(sig)
    return f'''#!/usr/bin/env python3
"""{desc}

{wrap(sentence(rng, noun) + " " + sentence(rng, noun))}
Prints one JSON object with the {op[0]} of the input and the options used.
"""
import hashlib
import json
import sys
from typing import Literal, Optional


def main({signature}) -> None:
    """Process the text and print the result as JSON.

    Args:
{chr(10).join(doc)}
    """
    if not isinstance(text, str):
        sys.exit("{stem}: text must be a string")
    result = {op[1]}
    print(json.dumps({{"tool": "{stem}", "{op[0]}": result, "options": {{{opts}}}}}))


if __name__ == "__main__":
    main(**json.load(sys.stdin))
'''


def py_argparse_tool(rng, stem, desc, noun):
    # Lists use action="append", never nargs, so that a positional passed after
    # the flags is not swallowed by an option.
    names = pick_params(rng, 4, 9)
    op = rng.choice(OPS)
    lines = [f'    p.add_argument("text", help="The {noun} to process, as text")']
    for n in names:
        kind, help_, default, choices = PARAMS[n]
        flag = "--" + n.replace("_", "-")
        if kind == "bool":
            extra = 'action="store_true"'
        elif kind == "list":
            extra = 'action="append", metavar="VALUE"'
        elif kind == "enum":
            extra = f"choices={choices!r}, default={default}".replace("'", '"')
        elif kind == "optint":
            extra = "type=int"
        else:
            extra = {"int": "type=int, ", "float": "type=float, ", "str": ""}[kind]
            extra += f"default={default}"
        lines.append(f'    p.add_argument("{flag}", {extra},\n'
                     f'                   help="{help_}")')
    return f'''#!/usr/bin/env python3
"""{desc}

{sentence(rng, noun)}
"""
import argparse
import hashlib
import json


def main() -> None:
    p = argparse.ArgumentParser(description="{desc}")
{chr(10).join(lines)}
    args = p.parse_args()
    text = args.text
    print(json.dumps({{"tool": "{stem}", "{op[0]}": {op[1]}, "options": vars(args)}}))


if __name__ == "__main__":
    main()
'''


def bash_tool(rng, stem, desc, noun):
    names = pick_params(rng, 2, 5, {"str", "int", "float", "bool", "enum"})
    op = rng.choice(OPS)
    used, opts = {"h"}, []
    for n in names:
        letter = next(c for c in n + "abcdefgijklmnopqrstuvwxyz" if c.isalpha() and c not in used)
        used.add(letter)
        opts.append((letter, n) + PARAMS[n])
    usage = " ".join(f"[-{o[0]}]" if o[2] == "bool" else f"[-{o[0]} {o[1]}]" for o in opts)
    doc, init, case = [], [], []
    for letter, n, kind, help_, default, choices in opts:
        if kind == "bool":
            doc.append(f"#   {'-' + letter:<8}  {help_} (boolean)")
            init.append(f"{n}=false")
            case.append(f"\t{letter}) {n}=true ;;")
            continue
        ty = {"str": "string", "int": "integer", "float": "number", "enum": "string"}[kind]
        dflt = default.strip('"')
        typ = f"{ty}, default: {dflt}" if dflt else ty
        if choices:  # "one of" comes last in the group: the rest of it is the list
            typ += f", one of: {', '.join(choices)}"
        doc.append(f"#   {'-' + letter + ' ' + n.upper():<8}  {help_} ({typ})")
        init.append(f"{n}='{dflt}'")
        case.append(f"\t{letter}) {n}=$OPTARG ;;")
    spec = "".join(o[0] if o[2] == "bool" else o[0] + ":" for o in opts) + "h"
    shown = " ".join(f"{n}=${{{n}}}" for n in names)
    return f'''#!/usr/bin/env bash
# {desc}
#
# Usage: {stem}.sh {usage} TEXT
#
# Arguments:
#   text      The {noun} to process (string, required)
# Options:
{chr(10).join(doc)}
#   -h        Show help
set -euo pipefail

{chr(10).join(init)}
while getopts "{spec}" opt; do
	case "$opt" in
{chr(10).join(case)}
	h) sed -n '2,/^set /{{/^set /d;s/^# \\{{0,1\\}}//;p}}' "$0"; exit 0 ;;
	*) echo "usage: {stem}.sh {usage} TEXT" >&2; exit 2 ;;
	esac
done
shift $((OPTIND-1))
if (($# != 1)); then
	echo "{stem}.sh: expected one TEXT argument" >&2
	exit 2
fi
text=$1
# {sentence(rng, noun)}
printf '%s: %s\\n' "{op[0]}" "$({op[2]})"
printf 'options: %s\\n' "{shown}"
'''


def js_tool(rng, stem, desc, noun):
    names = pick_params(rng, 1, 5, {"str", "int", "float", "bool", "enum"})
    op = rng.choice(OPS)
    tags, sig, shown = [f" * @param {{string}} text - The {noun} to process"], ["text"], []
    for n in names:
        kind, help_, default, choices = PARAMS[n]
        ty = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
              "enum": "string"}[kind]
        dflt = {"False": "false"}.get(default, default.strip('"'))
        note = f" (one of {', '.join(choices)})" if choices else ""
        opt = f"{n}={dflt}" if dflt else n
        tags.append(f" * @param {{{ty}}} [{opt}] - {help_}{note}")
        sig.append(f"{n} = '{dflt}'")
        shown.append(f"{n}: Number({n})" if ty in ("number", "integer") else
                     f"{n}: {n} === 'true'" if ty == "boolean" else f"{n}")
    imports = "const crypto = require('crypto');\n\n" if "crypto." in op[3] else ""
    return f'''#!/usr/bin/env node
'use strict';

{imports}/**
 * {desc}
 * {sentence(rng, noun)}
 *
{chr(10).join(tags)}
 */
function main({", ".join(sig)}) {{
  if (text === undefined) {{
    process.stderr.write('usage: {stem}.js TEXT [{"] [".join(n.upper() for n in names)}]\\n');
    process.exit(2);
  }}
  const result = {{ tool: '{stem}', '{op[0]}': {op[3]}, options: {{ {", ".join(shown)} }} }};
  process.stdout.write(`${{JSON.stringify(result)}}\\n`);
}}

main(...process.argv.slice(2));
'''


KINDS = [("python-json", ".py", py_json_tool), ("python-argparse", ".py", py_argparse_tool),
         ("bash", ".sh", bash_tool), ("js", ".js", js_tool)]
SHARES = [0.40, 0.25, 0.20]


def skill_md(rng, name, domain, tools, refs):
    key, noun, when = domain
    verbs = rng.sample(VERBS, 3)
    desc = (f"Helpers that {verbs[0]}, {verbs[1]} and {verbs[2]} {noun} given as plain text. "
            f"Use during {when}, or whenever a user pastes {noun} and asks for a quick check.")
    body = [f"# {noun.capitalize()} helpers ({name})", "",
            wrap(f"This skill bundles small, read-only tools for {noun}. {sentence(rng, noun)} "
                 f"{sentence(rng, noun)} None of the tools needs network access."), ""]
    if tools:
        body += ["## Tools", ""]
        body += [f"- `{t}`: pass the {noun} as `text`; every other argument is optional."
                 for t in tools]
        body += ["", wrap("Call one tool at a time and read its output before choosing the "
                          "next; the outputs are short and meant to be quoted back to the user."), ""]
    body += ["## Working method", "",
             wrap(f"Ask which {noun} the user means before running anything. Start with the "
                  f"smallest input that shows the problem, then widen it. {sentence(rng, noun)}"),
             "", wrap("Report what the tools printed, not what you expected them to print. "
                      "When a tool exits with an error, quote its message and suggest a fix."), ""]
    for r in refs:
        body.append(f"See [references/{r}](references/{r}) for {r[:-3].replace('-', ' ')}.")
    meta = f"metadata:\n  domain: {key}\n  generated-by: bench/corpus.py\n"
    return f"---\nname: {name}\ndescription: {desc}\n{meta}---\n" + "\n".join(body) + "\n"


def reference_md(rng, title, noun):
    parts = [f"# {title.replace('-', ' ').capitalize()}", ""]
    for i in range(rng.randint(3, 6)):
        parts += [f"## Section {i + 1}", "", wrap(" ".join(sentence(rng, noun) for _ in range(4))), ""]
        parts += [f"- {words(rng, 3)}" for _ in range(rng.randint(2, 5))] + [""]
    return "\n".join(parts)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(path, mode)  # explicit, so the tree does not depend on the umask
    return os.path.getsize(path)


def prepare(out):
    """Empty a previous corpus in out; refuse to touch a directory that is not one."""
    if not os.path.isdir(out):
        os.makedirs(out)
        return
    stray = [e for e in os.listdir(out) if e != ".corpus-ok" and not SKILL_DIR_RE.match(e)]
    if stray:
        sys.exit(f"corpus.py: '{out}' holds '{sorted(stray)[0]}', which is not from a corpus; "
                 "give an empty or new directory")
    if os.path.exists(os.path.join(out, ".corpus-ok")):
        os.remove(os.path.join(out, ".corpus-ok"))
    for e in os.listdir(out):
        shutil.rmtree(os.path.join(out, e))


def generate(out, n_skills, n_scripts, asset_bytes, seed):
    rng = random.Random(seed)
    width = max(3, len(str(n_skills)))
    skills = [f"skill-{i:0{width}d}" for i in range(1, n_skills + 1)]
    domains = {s: rng.choice(DOMAINS) for s in skills}
    counts = [round(share * n_scripts) for share in SHARES]
    kinds = sum(([k] * c for k, c in zip(KINDS, counts)), [])
    kinds += [KINDS[3]] * (n_scripts - len(kinds))
    rng.shuffle(kinds)
    weights = [rng.randint(1, 9) for _ in skills]  # uneven, as in real skill sets
    tools = {s: [] for s in skills}
    stats = {k[0]: 0 for k in KINDS}
    total = 0
    for kind in kinds:
        skill = rng.choices(skills, weights)[0]
        key, noun, _ = domains[skill]
        stem = f"{rng.choice(VERBS)}_{key}"
        while stem in (t for t, _ in tools[skill]):
            stem = f"{stem.rstrip('0123456789_')}_{len(tools[skill]) + 2}"
        desc = f"{stem.split('_')[0].capitalize()} {noun} given as text."
        src = kind[2](rng, stem, desc, noun)
        tools[skill].append((stem, kind[1]))
        total += write(os.path.join(out, skill, "scripts", stem + kind[1]), src, 0o755)
        stats[kind[0]] += 1
    n_refs = 0
    for skill in skills:
        noun = domains[skill][1]
        refs = [f"{t}.md" for t in rng.sample(["field-reference", "troubleshooting",
                                               "examples", "format-notes"], rng.randint(0, 2))]
        for r in refs:
            total += write(os.path.join(out, skill, "references", r),
                           reference_md(rng, r[:-3], noun))
        n_refs += len(refs)
        total += write(os.path.join(out, skill, "SKILL.md"),
                       skill_md(rng, skill, domains[skill], [t for t, _ in tools[skill]], refs))
    n_assets, left = 0, asset_bytes
    while left > 0:
        # The last file takes the remainder; it never drops below ASSET_MIN
        # unless the whole budget is smaller than that.
        size = left if left <= ASSET_MAX else rng.randint(ASSET_MIN, min(ASSET_MAX, left - ASSET_MIN))
        skill = rng.choice(skills)
        name = f"data-{n_assets:04d}.bin"
        data = hashlib.shake_256(f"{seed}/{skill}/{name}".encode()).digest(size)
        total += write(os.path.join(out, skill, "assets", name), data)
        n_assets += 1
        left -= size
    write(os.path.join(out, ".corpus-ok"), f"seed {seed}\n")
    by_lang = ", ".join(f"{k} {v}" for k, v in stats.items())
    print(f"corpus: {n_skills} skills, {n_scripts} scripts ({by_lang}), {n_refs} references, "
          f"{n_assets} assets, {total} bytes in {out}")


def main():
    p = argparse.ArgumentParser(description="Write a synthetic skill corpus for benchmarks.")
    p.add_argument("out", help="Directory to write (created; a previous corpus is replaced)")
    p.add_argument("--skills", type=int, default=200, help="Number of skills")
    p.add_argument("--scripts", type=int, default=1000, help="Number of scripts in total")
    p.add_argument("--assets-mib", type=float, default=50, help="Total size of assets in MiB")
    p.add_argument("--seed", type=int, default=1, help="Seed; equal seeds give equal trees")
    a = p.parse_args()
    if a.skills < 1 or a.scripts < 0 or a.assets_mib < 0:
        p.error("--skills must be at least 1; --scripts and --assets-mib must not be negative")
    prepare(a.out)
    generate(a.out, a.skills, a.scripts, int(a.assets_mib * MIB), a.seed)


if __name__ == "__main__":
    main()
