#!/usr/bin/env python3
"""Writes the HDF5 fixtures for HDF5Tests.swift, with h5py (pip install h5py numpy).

Run from anywhere: python3 Tests/Fixtures/formats/hdf5/make_h5_fixtures.py
Values follow simple formulas that the tests recompute, so the files need no expectation list.
Most files come in two versions: libver='earliest' (superblock 0, object header v1, symbol-table
groups, as nnabla writes) and libver='latest' (superblock 3, object header v2, link messages,
layout v4, dense link and attribute storage once a group or object has more than 8).
With --print-expectations it instead prints what the nnabla fixtures' parameter.protobuf holds
(decoded by hand below), for the constants in HDF5Tests.swift.
"""
import os, struct, sys, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIBVERS = ["earliest", "latest"]


def nnabla_like(f):
    """Parameters as nnabla's save_parameters writes them: nested groups, index and need_grad."""
    import numpy as np
    params = [("conv1/conv/W", (2, 1, 3, 3)), ("conv1/conv/b", (2,)), ("fc/affine/W", (18, 3)), ("fc/affine/b", (3,))]
    for index, (name, shape) in enumerate(params):
        n = int(np.prod(shape))
        # value(i) = (i - n/2) * 0.125 + index, exactly representable in float32
        d = f.create_dataset(name, data=((np.arange(n) - n // 2) * 0.125 + index).astype("<f4").reshape(shape))
        d.attrs["need_grad"] = index != 1
        d.attrs["index"] = index


def types(f):
    """Element types, layouts, dataspaces and attribute kinds."""
    import h5py, numpy as np
    f.create_dataset("float64", data=np.arange(6, dtype="<f8").reshape(2, 3) * 0.1)
    f.create_dataset("be_float32", data=np.array([1.5, -2.25, 3e-8, np.inf], dtype=">f4"))
    f.create_dataset("be_float64", data=np.array([0.1, -1e300, 2.5], dtype=">f8"))
    f.create_dataset("float16", data=np.array([0.5, -2, 65504, 6e-8], dtype="<f2"))
    f.create_dataset("int32", data=np.array([-5, 0, 7, 2147483647], dtype="<i4"))
    f.create_dataset("uint8", data=np.array([0, 1, 255], dtype="u1"))
    f.create_dataset("be_int64", data=np.array([-3, 1 << 40], dtype=">i8"))
    f.create_dataset("bool", data=np.array([True, False, True]))
    f.create_dataset("scalar", data=np.float32(42.5))
    f.create_dataset("empty", shape=(0, 3), dtype="f4")
    f.create_dataset("unwritten", shape=(4,), dtype="f4", fillvalue=7.5)
    # h5py has no high-level switch for compact layout, so go through the low-level API.
    space = h5py.h5s.create_simple((2, 2))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    dsid = h5py.h5d.create(f.id, b"compact", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([[1, 2], [3, 4.5]], dtype="<f4"))
    a = f["scalar"].attrs
    a["int8"] = np.int8(-3)
    a["uint16"] = np.uint16(65535)
    a["int64"] = np.int64(-(1 << 40))
    a["be_int32"] = np.array(123456, dtype=">i4")[()]
    a["double"] = 2.5
    a["float32"] = np.float32(0.1)
    a["true"] = True
    a["false"] = False
    a["fixed"] = np.bytes_(b"fixed")
    a["vlen"] = "hello w\u00f6rld"
    a["ints"] = np.array([1, -2, 3], dtype="<i2")
    a["doubles"] = np.array([0.5, -1.25])
    a["strings"] = ["a", "bc"]
    a["fixed_strings"] = np.array([b"xy", b"z"], dtype="S3")


def many(f):
    """A group of 300 links (B-tree splits, or dense storage) and a dataset of 20 attributes."""
    import numpy as np
    g = f.create_group("many")
    for i in range(300):
        g.create_dataset("p%03d" % i, data=np.array([i], dtype="<f4"))
    d = f.create_dataset("attrs", data=np.zeros(1, dtype="<f4"))
    for i in range(20):
        d.attrs["a%02d" % i] = i
    # Created in reverse name order: listed by creation order where the group tracks it.
    o = f.create_group("ordered", track_order=True)
    for name in ["z", "m", "a"]:
        o.create_dataset(name, data=np.array([ord(name)], dtype="<f4"))


def chunked(f):
    """Chunked datasets, plain and filtered; some chunks never written."""
    import h5py, numpy as np
    f.create_dataset("plain", data=np.arange(35, dtype="<f4").reshape(5, 7), chunks=(2, 3))
    f.create_dataset("deflate", data=np.arange(100, dtype="<f4").reshape(10, 10) * 0.5, chunks=(4, 4),
                     compression="gzip", shuffle=True, fletcher32=True)
    f.create_dataset("single", data=np.arange(6, dtype="<f8").reshape(2, 3), chunks=(2, 3))
    f.create_dataset("single_deflate", data=np.arange(6, dtype="<i4").reshape(2, 3), chunks=(2, 3), compression="gzip")
    d = f.create_dataset("sparse", shape=(6,), dtype="<i2", chunks=(2,), fillvalue=-1)
    d[2:4] = [10, 11]
    d = f.create_dataset("unlimited2", shape=(3, 4), maxshape=(None, None), dtype="<f4", chunks=(2, 2))
    d[...] = np.arange(12, dtype="<f4").reshape(3, 4)
    d = f.create_dataset("unlimited2_deflate", shape=(3, 4), maxshape=(None, None), dtype="<f4", chunks=(2, 2),
                         compression="gzip")
    d[...] = np.arange(12, dtype="<f4").reshape(3, 4) - 6
    # Space allocated when created and no filters: 'latest' indexes the chunks implicitly.
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((2, 2))
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    dsid = h5py.h5d.create(f.id, b"implicit", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((3, 5)), dcpl=dcpl)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(15, dtype="<f4").reshape(3, 5) + 100)


def write(name, fill, libver, **kw):
    import h5py
    with h5py.File(os.path.join(HERE, name), "w", libver=libver, **kw) as f:
        fill(f)


def main():
    import h5py, numpy as np
    for libver in LIBVERS:
        write("nnabla_%s.h5" % libver, nnabla_like, libver)
        write("types_%s.h5" % libver, types, libver)
        write("many_%s.h5" % libver, many, libver)
        write("chunked_%s.h5" % libver, chunked, libver)
    write("userblock.h5", nnabla_like, "earliest", userblock_size=512)
    # A group linked into itself, a dataset under two names, and a soft link (not followed).
    with h5py.File(os.path.join(HERE, "links.h5"), "w") as f:
        f.create_dataset("a/x", data=np.array([1.5], dtype="<f4"))
        f["a/self"] = f["a"]
        f["b"] = f["a/x"]
        f["soft"] = h5py.SoftLink("/a/x")
    # Unsupported on purpose: one unlimited dimension (extensible array index), and LZF.
    with h5py.File(os.path.join(HERE, "unsupported_latest.h5"), "w", libver="latest") as f:
        f.create_dataset("extensible", data=np.arange(4, dtype="<f4"), maxshape=(None,), chunks=(2,))
    with h5py.File(os.path.join(HERE, "lzf.h5"), "w") as f:
        f.create_dataset("lzf", data=np.arange(4, dtype="<f4"), chunks=(2,), compression="lzf")


# --- independent decode of parameter.protobuf, for the constants in HDF5Tests.swift ---

def varint(b, i):
    result, shift = 0, 0
    while True:
        c = b[i]; i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result, i
        shift += 7


def fields(b):
    i = 0
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
        yield num, wt, v


def print_expectations():
    """NNablaProtoBuf { repeated Parameter parameter = 200 }, Parameter { string variable_name = 1;
    Shape shape = 20 { repeated int64 dim = 1 }; repeated float data = 100; bool need_grad = 101 }."""
    root = os.path.join(os.path.dirname(HERE), "..", "nnabla")
    for model in ["iris_mlp", "lenet28", "cnn_bn"]:
        blob = zipfile.ZipFile(os.path.join(root, model, "model_pb.nnp")).read("parameter.protobuf")
        print(model)
        for num, _, v in fields(blob):
            if num != 200:
                continue
            name, shape, data, grad = None, [], b"", False
            for n2, w2, v2 in fields(v):
                if n2 == 1:
                    name = v2.decode()
                elif n2 == 20:
                    for n3, w3, v3 in fields(v2):
                        if w3 == 2:
                            j = 0
                            while j < len(v3):
                                d, j = varint(v3, j); shape.append(d)
                        else:
                            shape.append(v3)
                elif n2 == 100:
                    data += v2 if w2 == 2 else v2
                elif n2 == 101:
                    grad = bool(v2)
            floats = struct.unpack("<%df" % (len(data) // 4), data)
            bits = struct.unpack("<%dI" % len(floats), data)
            print('  ("%s", %s, %s, 0x%08x, 0x%08x, %r),' % (
                name, shape, str(grad).lower(), bits[0], bits[-1], sum(floats)))


if __name__ == "__main__":
    print_expectations() if "--print-expectations" in sys.argv else main()
