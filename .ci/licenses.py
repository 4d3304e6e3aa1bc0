#!/usr/bin/env python3
"""Every crate in Cargo.lock (dependencies of the library, its tests, benches and kyso-bench)
must be licensed under terms that let kyso be distributed as Apache-2.0 OR MIT.

Reads `cargo metadata --locked` and evaluates each package's SPDX licence expression
(OR, AND, WITH, parentheses, and the older `/` for OR) against the allowlist below. Prints
the licences met and fails, naming the package, on any expression the allowlist does not
satisfy or on a package that declares no licence expression.
"""

import json
import re
import subprocess
import sys
from collections import Counter

# Permissive licences compatible with distributing kyso under Apache-2.0 OR MIT.
ALLOWED = {
    "0BSD",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "ISC",
    "MIT",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "Zlib",
}
# Exceptions that only widen what the licence allows.
ALLOWED_EXCEPTIONS = {"LLVM-exception"}


def tokens(expression):
    return re.findall(r"\(|\)|[A-Za-z0-9.+-]+", expression.replace("/", " OR "))


def allowed(expression):
    """Whether the SPDX expression can be satisfied with allowed licences only."""
    toks = tokens(expression)
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def primary():
        if peek() == "(":
            take()
            value = disjunction()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {expression!r}")
            return value
        licence = take()
        if peek() == "WITH":
            take()
            exception = take()
            return licence in ALLOWED and exception in ALLOWED_EXCEPTIONS
        return licence in ALLOWED

    def conjunction():
        value = primary()
        while peek() == "AND":
            take()
            value = primary() and value
        return value

    def disjunction():
        value = conjunction()
        while peek() == "OR":
            take()
            value = conjunction() or value
        return value

    result = disjunction()
    if pos != len(toks):
        raise ValueError(f"cannot read the licence expression {expression!r}")
    return result


def main():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(metadata["workspace_members"])
    seen = Counter()
    refused = []
    for package in metadata["packages"]:
        if package["id"] in members:
            continue
        expression = package.get("license")
        name = f'{package["name"]} {package["version"]}'
        if not expression:
            refused.append(f"{name}: no SPDX licence expression")
            continue
        seen[expression] += 1
        try:
            if not allowed(expression):
                refused.append(f"{name}: {expression}")
        except ValueError as e:
            refused.append(f"{name}: {e}")
    for expression, count in seen.most_common():
        print(f"{count:4} {expression}")
    if refused:
        print("licences not allowed:", *refused, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"{sum(seen.values())} crates, every licence allowed")


if __name__ == "__main__":
    main()
