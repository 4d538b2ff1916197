"""
NAME
    promtext - a strict reader of the Prometheus text exposition format

SYNOPSIS
    from promtext import parse, PromError
    families = parse(text)   # {family: {"type", "help", "samples": {labels: value}}}

DESCRIPTION
    Reads format version 0.0.4 as Prometheus' own parser would, but refuses
    what it would merely tolerate, so a test catches output that some
    scraper might choke on:
    - every line ends with "\\n", the text too; no blank lines, no "\\r";
    - "# HELP name text" and "# TYPE name type" at most once per family,
      before its first sample; TYPE one of counter, gauge, untyped,
      summary, histogram; a comment line starting "# " with another word
      is allowed, as the format says;
    - metric and label names as in the data model, no label name starting
      "__"; label values in double quotes with only the escapes \\\\, \\"
      and \\n; no label given twice in a sample;
    - the value a Go ParseFloat number (or NaN, +Inf, -Inf); no timestamp
      is expected here, so one is refused;
    - all samples of a family together (a family never comes back after
      another one), every sample's family has a TYPE, no sample twice;
    - counters: the name ends in "_total" (OpenMetrics' rule, which
      Prometheus' own client libraries follow) and the value is >= 0.
    Families are keyed by their sample name (there are no summaries or
    histograms here, whose samples add suffixes).
"""

import re

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
VALUE = r"(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)"
TYPES = ("counter", "gauge", "untyped", "summary", "histogram")


class PromError(Exception):
    pass


def _labels(text, lineno):
    """'{a="b",c="d"}' (braces included) -> tuple of (name, value) pairs."""
    out, i = [], 1
    if text == "{}":
        return ()
    while True:
        m = re.compile(LABEL).match(text, i)
        if not m or text[m.end():m.end() + 2] != '="':
            raise PromError("line %d: bad label at %r" % (lineno, text[i:]))
        name, i = m.group(0), m.end() + 2
        if name.startswith("__"):
            raise PromError("line %d: reserved label name %s" % (lineno, name))
        value = []
        while True:
            if i >= len(text):
                raise PromError("line %d: unterminated label value" % lineno)
            c = text[i]
            if c == "\\":
                esc = text[i + 1:i + 2]
                if esc not in ("\\", '"', "n"):
                    raise PromError("line %d: bad escape \\%s" % (lineno, esc))
                value.append("\n" if esc == "n" else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise PromError("line %d: newline in label value" % lineno)
            else:
                value.append(c)
                i += 1
        if any(n == name for n, _ in out):
            raise PromError("line %d: label %s given twice" % (lineno, name))
        out.append((name, "".join(value)))
        if text[i:i + 1] == ",":
            i += 1
            continue
        if text[i:] == "}":
            return tuple(sorted(out))
        raise PromError("line %d: expected , or } at %r" % (lineno, text[i:]))


def parse(text):
    if not text.endswith("\n"):
        raise PromError("the text does not end with a newline")
    if "\r" in text:
        raise PromError("carriage return in the text")
    fams, order, current = {}, [], None
    for lineno, line in enumerate(text[:-1].split("\n"), 1):
        if line == "":
            raise PromError("line %d: blank line" % lineno)
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s)(?: (.*))?" % NAME, line)
            if not m:
                if re.match(r"# (HELP|TYPE)\b", line):
                    raise PromError("line %d: malformed %r" % (lineno, line))
                continue                    # a plain comment
            kind, name, rest = m.group(1), m.group(2), m.group(3) or ""
            f = fams.setdefault(name, {"type": None, "help": None, "samples": {}})
            if name not in order:
                order.append(name)
            elif current != name:
                raise PromError("line %d: family %s comes back" % (lineno, name))
            current = name
            if f["samples"]:
                raise PromError("line %d: %s of %s after its samples" % (lineno, kind, name))
            key = kind.lower()
            if f[key] is not None:
                raise PromError("line %d: second %s for %s" % (lineno, kind, name))
            if kind == "TYPE" and rest not in TYPES:
                raise PromError("line %d: unknown type %r" % (lineno, rest))
            if kind == "HELP" and re.search(r"\\[^\\n]", rest):
                raise PromError("line %d: bad escape in HELP" % lineno)
            f[key] = rest
            continue
        m = re.fullmatch(r"(%s)(\{.*\})? (%s)" % (NAME, VALUE), line)
        if not m:
            raise PromError("line %d: not 'name{labels} value': %r" % (lineno, line))
        name, labels, value = m.group(1), _labels(m.group(2) or "{}", lineno), m.group(3)
        if name not in fams or fams[name]["type"] is None:
            raise PromError("line %d: sample of %s without a TYPE line" % (lineno, name))
        if current != name:
            raise PromError("line %d: family %s comes back" % (lineno, name))
        f = fams[name]
        if labels in f["samples"]:
            raise PromError("line %d: sample %s%r twice" % (lineno, name, labels))
        v = float(value.replace("Inf", "inf"))
        if f["type"] == "counter" and (not name.endswith("_total") or not v >= 0):
            raise PromError("line %d: counter %s must end in _total and be >= 0" % (lineno, name))
        f["samples"][labels] = v
    for name, f in fams.items():
        if f["type"] is None:
            raise PromError("family %s has no TYPE" % name)
    return fams


def value(fams, name, **labels):
    """The value of one sample, or None."""
    f = fams.get(name)
    return None if f is None else f["samples"].get(tuple(sorted(labels.items())))
