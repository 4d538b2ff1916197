#!/usr/bin/env python3
"""
NAME
    test_man - every manual page in man/ renders cleanly and tells the truth

SYNOPSIS
    test_man.py --source DIR --build DIR --version X.Y.Z

DESCRIPTION
    For every page in man/: `man --warnings -E UTF-8 -l`, `groff -man -ww -z`
    and `mandoc -Tlint -Wwarning` print nothing; lexgrog(1) finds the NAME
    line (so whatis and apropos know the page); .TH names this version;
    every rdns-* page it refers to exists.

    Against the programs in the build: each option that `rdns-milter -h`
    and `rdns-check --help` print is documented in the page's OPTIONS, and
    each option the page documents exists (the program does not refuse it
    with status 2).

    The lines admins paste into main.cf and sendmail.mc appear exactly, and
    match the shipped etc/*.snippet files; the default socket named in the
    page is the one in etc/rdns-milter.yaml.

    Needs the Debian packages man-db, groff-base and mandoc; a missing tool
    is a failure, not a skip.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)
    return cond


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})))


def render(page):
    r = run(["man", "-E", "UTF-8", "-l", page], env={"MANWIDTH": "100", "LC_ALL": "C.UTF-8"})
    return r.stdout


def check_renders(page, version):
    name = os.path.basename(page)
    r = run(["man", "--warnings", "-E", "UTF-8", "-l", page],
            env={"MANWIDTH": "80", "LC_ALL": "C.UTF-8"})
    check(r.returncode == 0 and r.stderr == "",
          f"{name}: man --warnings is silent" + (": " + r.stderr.strip() if r.stderr else ""))
    r = run(["groff", "-man", "-ww", "-z", page])
    check(r.returncode == 0 and r.stderr == "",
          f"{name}: groff -man -ww is silent" + (": " + r.stderr.strip() if r.stderr else ""))
    r = run(["mandoc", "-Tlint", "-Wwarning", page])
    out = (r.stdout + r.stderr).strip()
    check(r.returncode == 0 and out == "", f"{name}: mandoc -Tlint -Wwarning is silent"
          + (": " + out if out else ""))
    r = run(["lexgrog", page])
    check(r.returncode == 0, f"{name}: lexgrog finds the NAME line: {r.stdout.strip()}")
    with open(page, encoding="utf-8") as f:
        src = f.read()
    th = re.search(r'^\.TH .*$', src, re.M)
    check(th is not None and f"rdns-milter {version}" in th.group(0),
          f"{name}: .TH names rdns-milter {version}")
    pages = set(os.listdir(os.path.dirname(page)))
    for ref, sec in set(re.findall(r'^\.BR (rdns\\-[a-z.]+) \((\d)\)', src, re.M)):
        target = ref.replace("\\-", "-") + "." + sec
        check(target in pages, f"{name}: refers to {target}, which exists in man/")
    return src


def options_section(text):
    """The rendered OPTIONS section."""
    m = re.search(r'^OPTIONS\n(.*?)^\S', text, re.M | re.S)
    return m.group(1) if m else ""


def check_milter_page(src_dir, build, rendered):
    exe = os.path.join(build, "rdns-milter")
    if not check(os.access(exe, os.X_OK), f"the build has {exe}"):
        return
    usage = run([exe, "-h"]).stdout
    opts_doc = options_section(rendered)
    for letter in sorted(set(re.findall(r'^\s+-([a-zA-Z])\b', usage, re.M))):
        check(re.search(rf'^\s{{7}}-{letter}\b', opts_doc, re.M) is not None,
              f"rdns-milter.8 documents -{letter} (from rdns-milter -h)")
    for letter in re.findall(r'^\s{7}-([a-zA-Z])\b', opts_doc, re.M):
        check(re.search(rf'^\s+-{letter}\b', usage, re.M) is not None,
              f"rdns-milter -h knows -{letter}, which rdns-milter.8 documents")


def check_check_page(build, rendered):
    exe = os.path.join(build, "rdns-check")
    if not check(os.access(exe, os.X_OK), f"the build has {exe}"):
        return
    usage = run([exe, "--help"]).stdout
    opts_doc = options_section(rendered)
    for opt in sorted(set(re.findall(r'--[a-z]+', usage))):
        check(re.search(rf'^\s{{7}}{opt}\b', opts_doc, re.M) is not None,
              f"rdns-check.1 documents {opt} (from rdns-check --help)")
    for opt in re.findall(r'^\s{7}(--[a-z]+)', opts_doc, re.M):
        if opt == "--help":
            continue
        # Given without its argument, a known option says so; an unknown one
        # is refused the same way, so look at getopt's words.
        r = run([exe, opt])
        check("unrecognized option" not in r.stderr,
              f"rdns-check accepts {opt}, which rdns-check.1 documents")


def snippet_lines(src_dir, name):
    path = os.path.join(src_dir, "etc", name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith(("#", "dnl"))]


def check_examples(src_dir, rendered_milter):
    """The lines admins paste, exactly as the page shows them; the MTA
    lines must also be those of the shipped snippets."""
    pastes = [
        "smtpd_milters = unix:/rdns-milter/rdns-milter.sock",
        "non_smtpd_milters = $smtpd_milters",
        "milter_default_action = accept",
        "milter_protocol = 6",
        "INPUT_MAIL_FILTER(`rdns-milter', `S=unix:/var/spool/postfix/rdns-milter/rdns-milter.sock, "
        "T=C:10s;S:10s;R:10s;E:30s')",
        "rdns-milter -t -c /etc/rdns-milter/rdns-milter.yaml",
        "useradd --system --user-group --home-dir /nonexistent",
        "adduser postfix rdns-milter",
        "systemd-tmpfiles --create rdns-milter.conf",
        "warning: connect to Milter service unix:/rdns-milter/rdns-milter.sock: "
        "No such file or directory",
    ]
    lines = rendered_milter.splitlines()
    for text in pastes:
        check(any(text in line for line in lines),
              f"rdns-milter.8 shows the line to paste: {text}")
    shown = {line.strip() for line in lines}
    for snip in ("postfix-main.cf.snippet", "sendmail.mc.snippet"):
        for line in snippet_lines(src_dir, snip):
            check(line in shown, f"rdns-milter.8 shows the line of etc/{snip}: {line}")
    with open(os.path.join(src_dir, "etc/rdns-milter.yaml"), encoding="utf-8") as f:
        m = re.search(r'^\s+socket:\s*"?unix:([^"\s]+)', f.read(), re.M)
    check(m is not None and f"unix:{m.group(1)}" in rendered_milter,
          "rdns-milter.8 names the default socket of etc/rdns-milter.yaml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--version", required=True)
    args = ap.parse_args()

    for tool, pkg in (("man", "man-db"), ("groff", "groff-base"), ("mandoc", "mandoc"),
                      ("lexgrog", "man-db")):
        check(shutil.which(tool) is not None, f"{tool} is installed (Debian package {pkg})")
    if FAILS:
        return 1

    man_dir = os.path.join(args.source, "man")
    pages = sorted(p for p in os.listdir(man_dir) if re.search(r'\.[1-8]$', p))
    check({"rdns-milter.8", "rdns-check.1"} <= set(pages),
          "man/ has rdns-milter.8 and rdns-check.1")
    for p in pages:
        check_renders(os.path.join(man_dir, p), args.version)

    if "rdns-milter.8" in pages:
        rendered = render(os.path.join(man_dir, "rdns-milter.8"))
        check_milter_page(args.source, args.build, rendered)
        check_examples(args.source, rendered)
    if "rdns-check.1" in pages:
        check_check_page(args.build, render(os.path.join(man_dir, "rdns-check.1")))

    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
