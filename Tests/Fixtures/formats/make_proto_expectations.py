#!/usr/bin/env python3
"""Writes proto_expectations.json: what the .nnp fixtures hold, found independently of nncompile.

Run from anywhere: python3 Tests/Fixtures/formats/make_proto_expectations.py
Pure Python on purpose (no protobuf package): a second, separate reading of the same bytes for
ProtoWireTests / ProtoTextTests to compare against.

parameter.protobuf is NNablaProtoBuf { repeated Parameter parameter = 200 } with
Parameter { string variable_name = 1; Shape shape = 20 { repeated int64 dim = 1 };
repeated float data = 100; bool need_grad = 101 }.
The network text files are pretty-printed by nnabla / NNC, so top-level blocks start at column 0
and their direct children at two spaces; counting lines is enough here.
"""
import glob, json, os, re, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)


def varint(b, i):
    result, shift = 0, 0
    while True:
        c = b[i]; i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, i
        shift += 7


def fields(b):
    i, out = 0, []
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v = b[i:i + 8]; i += 8
        elif wt == 2:
            n, i = varint(b, i); v = b[i:i + n]; i += n
        elif wt == 5:
            v = b[i:i + 4]; i += 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((num, wt, v))
    return out


def signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def parameter(b):
    p = {"name": None, "shape": [], "data": [], "need_grad": None}
    for num, wt, v in fields(b):
        if num == 1:
            p["name"] = v.decode("utf-8")
        elif num == 20:
            for n2, w2, v2 in fields(v):
                if n2 == 1 and w2 == 2:
                    j = 0
                    while j < len(v2):
                        d, j = varint(v2, j); p["shape"].append(signed(d))
                elif n2 == 1 and w2 == 0:
                    p["shape"].append(signed(v2))
        elif num == 100:
            if wt == 2:
                p["data"] += struct.unpack("<%df" % (len(v) // 4), v)
            else:
                p["data"].append(struct.unpack("<f", v)[0])
        elif num == 101:
            p["need_grad"] = bool(v)
    return p


def text_summary(text):
    networks, current, executors = [], None, 0
    for line in text.splitlines():
        if line.startswith("network {"):
            current = {"name": None, "variables": 0, "functions": 0}
            networks.append(current)
        elif line.startswith("executor {"):
            executors += 1
            current = None
        elif re.match(r"^\S", line):
            current = None
        elif current is not None:
            m = re.match(r'^  name: "(.*)"$', line)
            if m and current["name"] is None:
                current["name"] = m.group(1)
            if re.match(r"^  variable \{", line):
                current["variables"] += 1
            if re.match(r"^  function \{", line):
                current["functions"] += 1
    return {"networks": networks, "executors": executors}


def main():
    out = {}
    paths = sorted(glob.glob(os.path.join(FIXTURES, "real", "*.nnp")) +
                   glob.glob(os.path.join(FIXTURES, "nnabla", "*", "*.nnp")))
    for path in paths:
        key = os.path.relpath(path, FIXTURES)
        z = zipfile.ZipFile(path)
        entry = {}
        for name in z.namelist():
            data = z.read(name)
            if name.endswith((".nntxt", ".prototxt")):
                entry["text"] = name
                entry.update(text_summary(data.decode("utf-8")))
            elif name == "parameter.protobuf":
                params = []
                for num, wt, v in fields(data):
                    if num == 200:
                        p = parameter(v)
                        d = p.pop("data")
                        p.update(count=len(d), first=list(d[:3]), last=d[-1] if d else None,
                                 sum=sum(d))
                        params.append(p)
                entry["parameters"] = params
        out[key] = entry
    with open(os.path.join(HERE, "proto_expectations.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
