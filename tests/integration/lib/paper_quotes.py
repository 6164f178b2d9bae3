#!/usr/bin/env python3
"""Each number the paper's text quotes must be the one in the table it refers to.

For every \\result{key} in the section files whose key names a table cell:
  val/<id>[/lo|/hi]   a quoted value of comparisons.json "values" with a group (and
                      request) and a metric rps/p50/p95/p99/mean of the default
                      configuration -> that row and column of groups-<family>.tex
  s/<family>/<scenario>/<group>/<metric>  -> the same cell of groups-<family>.tex
  s/<family>/<scenario>/rps               -> the median req/s of the scenario's
                                             default-configuration row of summary.tex
  cmp/<id>[/lo|/hi]   a comparison -> its row (by label) of comparisons*.tex
the macro's text (macros.tex) must equal the table cell's text. A key that names a
table cell the tables do not hold (a value of a multi-request group without its
request, a row missing) is an error too: the text would quote a number no table
shows.
usage: paper_quotes.py SECTIONS_DIR GENERATED_DIR COMPARISONS_JSON
"""
import glob
import json
import os
import re
import sys

COLS = {"rps": 2, "p50": 3, "p95": 4, "p99": 5, "mean": 6}


def cells(line):
    line = re.sub(r"\\\\\s*$", "", line.strip())
    return [c.strip() for c in re.split(r"(?<!\\)&", line)]


def unescape(s):
    return re.sub(r"\\([_%&#$])", r"\1", s)


def norm(s):
    return re.sub(r"\s+", "", s or "")


def read_macros(path):
    out = {}
    pat = re.compile(r"^\\blset\{([^}]*)\}\{(.*)\}\s*$")
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def read_groups(gen):
    """(family, scenario short name, row label) -> cells."""
    rows = {}
    for path in glob.glob(os.path.join(gen, "tables", "groups-*.tex")):
        family = os.path.basename(path)[len("groups-"):-len(".tex")]
        scen = None
        body = False
        with open(path) as f:
            for line in f:
                if line.startswith("\\midrule"):
                    body = True
                    continue
                if not body or line.startswith("\\bottomrule") or "&" not in line:
                    continue
                c = cells(line)
                if c[0]:
                    scen = unescape(c[0])
                rows[(family, scen, unescape(c[1]))] = c
    return rows


def read_summary(gen, default_config):
    rows = {}
    path = os.path.join(gen, "tables", "summary.tex")
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            if line.count("&") >= 8 and "\\num" in line:
                c = cells(line)
                if unescape(c[1]) == default_config:
                    rows[unescape(c[0])] = c
    return rows


def read_comparisons(gen):
    rows = {}
    for path in glob.glob(os.path.join(gen, "tables", "comparisons*.tex")):
        with open(path) as f:
            for line in f:
                if line.count("&") >= 3 and "\\num" in line:
                    c = cells(line)
                    rows[unescape(c[0])] = c
    return rows


def interval_part(cell, which):
    m = re.match(r"\[(.*?), (.*?)\]", cell)
    if not m:
        return None
    return m.group(1) if which == "lo" else m.group(2)


def short(request):
    return request.rsplit("/", 1)[-1]


def main():
    sections, gen, cfg_path = sys.argv[1:4]
    cfg = json.load(open(cfg_path))
    default_config = cfg.get("default_config", "")
    macros = read_macros(os.path.join(gen, "macros.tex"))
    groups = read_groups(gen)
    summary = read_summary(gen, default_config)
    comps = read_comparisons(gen)
    values = {v["id"]: v for v in cfg.get("values", [])}
    cmps = {c["id"]: c for c in cfg.get("comparisons", []) if "id" in c}

    used = []
    for path in sorted(glob.glob(os.path.join(sections, "*.tex"))):
        with open(path) as f:
            for n, line in enumerate(f, 1):
                for key in re.findall(r"\\result\{([^}]*)\}", line):
                    used.append((os.path.basename(path), n, key))

    errors, checked = [], 0

    def compare(where, key, table_cell, what):
        nonlocal checked
        quoted = macros.get(key)
        if quoted is None:
            return  # undefined macros are the paper build's business
        if table_cell is None and norm(quoted) in ("--", "n/m", "\\textit{n/m}"):
            return  # not measured in this results set, and no table row claims otherwise
        if table_cell is None:
            errors.append(f"{where}: \\result{{{key}}} = {quoted}: {what} has no such cell")
        elif norm(quoted) != norm(table_cell):
            errors.append(f"{where}: \\result{{{key}}} = {quoted} but {what} says {table_cell}")
        checked += 1

    for fname, n, key in used:
        where = f"{fname}:{n}"
        parts = key.split("/")
        if parts[0] == "val" and len(parts) in (2, 3) and parts[1] in values:
            spec = values[parts[1]]["metric"]
            col = COLS.get(spec.get("metric"))
            if col is None or "group" not in spec or spec.get("config") or len(parts) == 3:
                continue  # not a groups-table number (intervals are not in the table)
            fam, scen = spec["scenario"].split("/", 1)
            label = spec["group"] + (": " + short(spec["request"]) if spec.get("request") else "")
            row = groups.get((fam, scen, label))
            compare(where, key, row[col] if row else None, f"table groups-{fam}, {scen} / {label}")
        elif parts[0] == "s" and len(parts) == 5 and parts[4] in COLS:
            fam, scen, group, metric = parts[1:]
            row = groups.get((fam, scen, group))
            compare(where, key, row[COLS[metric]] if row else None,
                    f"table groups-{fam}, {scen} / {group}")
        elif parts[0] == "s" and len(parts) == 4 and parts[3] == "rps":
            row = summary.get(parts[2])
            compare(where, key, row[3] if row else None, f"table summary, {parts[2]}")
        elif parts[0] == "cmp" and len(parts) in (2, 3) and parts[1] in cmps:
            if len(parts) == 3 and parts[2] not in ("lo", "hi"):
                continue
            label = cmps[parts[1]].get("label", "")
            row = comps.get(label)
            if row is None:
                continue  # a comparison the tables do not list
            cell = row[1] if len(parts) == 2 else interval_part(row[2], parts[2])
            compare(where, key, cell, f"table comparisons, \"{label}\"")

    for e in errors:
        print(e)
    print(f"paper quotes: {checked} quoted numbers checked against their tables, "
          f"{len(errors)} mismatches")
    return 1 if errors or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
