# nnabla's Tile and BroadcastTo on fixed inputs (the fixtures branch has no cases for them), and a
# 3-D linear Interpolate (its cases are 1-D and 2-D): writes tile_broadcast_to.bin, little-endian
# float32, the outputs below one after the other.
# Run with the nnabla 1.39 venv: /tmp/venv-nnabla/bin/python make_tile_broadcast_to.py
import os
import numpy as np
import nnabla as nn
import nnabla.functions as F

x = np.arange(32, dtype=np.float32).reshape(1, 2, 4, 4)
small = np.arange(6, dtype=np.float32).reshape(2, 3)
diag = np.ascontiguousarray(np.diagonal(x, axis1=2, axis2=3))  # [1, 2, 4]
row = x[0, 0, 0, :].copy()  # [4]
v = nn.Variable.from_numpy_array
with nn.auto_forward():
    outputs = [
        F.tile(v(x), (2, 1, 3)),  # [1, 4, 4, 12]: shorter reps
        F.tile(v(small), (2, 1, 2)),  # [2, 2, 6]: reps longer than the rank
        F.broadcast_to(v(x), v(diag), axis=0),  # [1, 2, 4, 4]
        F.broadcast_to(v(x), v(row), axis=-1),  # [1, 2, 4, 4]: trailing axes
        F.interpolate(v(x * 0.37), output_size=(3, 5, 7), mode="linear", align_corners=False),  # [1, 3, 5, 7]
    ]
data = np.concatenate([o.d.astype("<f4").ravel() for o in outputs])
data.tofile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tile_broadcast_to.bin"))
print([o.shape for o in outputs], data.size)
