"""GPU check for issue 17: 2:4 sparse vs dense fp16 on Shears' Wanda-2:4-pruned bge-small (weights dumped from
its ONNX graph), plus structured-pruning shapes. Word embeddings are not carried (size); they do not affect speed."""
import json, os, sys, time, math
import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel
from cuda_timing import timeit

torch.manual_seed(0)
OUT = os.environ.get("OUT", "/tmp")
here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))  # export-f16 output
index = json.load(open(os.path.join(here, "index.json")))
raw = np.fromfile(os.path.join(here, "weights.f16"), dtype=np.float16)
res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
print(res, flush=True)

def tensor(e):
    a = raw[e["offset"] // 2: e["offset"] // 2 + e["count"]].reshape(e["shape"])
    return torch.from_numpy(a.copy())

def build(intermediate=1536, heads=12, layers=12, load=True):
    cfg = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=layers, num_attention_heads=12,
                     intermediate_size=intermediate, max_position_embeddings=512)
    m = BertModel(cfg, add_pooling_layer=False)
    if heads < 12:  # structured head pruning: HF drops the heads' Q/K/V columns and output-projection rows
        m.prune_heads({i: list(range(12 - heads)) for i in range(layers)})
    if load:
        sd = m.state_dict()
        n = 0
        for e in index:
            if e["kind"] == "linear":
                key = e["name"].strip("/").replace("/MatMul", "").replace("/", ".") + ".weight"
            else:
                key = e["name"]
            if key in sd:
                assert tuple(sd[key].shape) == tuple(e["shape"]), (key, sd[key].shape, e["shape"])
                sd[key] = tensor(e)
                n += 1
        m.load_state_dict(sd)
        res["loaded_tensors"] = n
    return m.half().cuda().eval()

def check_24(m):
    groups_bad, total = 0, 0
    for name, mod in m.named_modules():
        if isinstance(mod, nn.Linear):
            w = mod.weight.detach()
            g = (w.reshape(w.shape[0], -1, 4) != 0).sum(-1)
            groups_bad += int((g > 2).sum()); total += g.numel()
    return groups_bad, total

def sparse_times(row, x, w, iters):
    """Adds the time of x @ w.T through each 2:4 backend to row (or why the backend refused)."""
    from torch.sparse import to_sparse_semi_structured, SparseSemiStructuredTensor
    for label, cutlass in (("cusparselt", False), ("cutlass", True)):
        try:
            SparseSemiStructuredTensor._FORCE_CUTLASS = cutlass
            ws = to_sparse_semi_structured(w)
            row[label + "_ms"] = timeit(lambda: nn.functional.linear(x, ws), iters=iters)
        except Exception as ex:
            row[label + "_ms"] = "failed: " + repr(ex)[:200]
    return row

def sparsify(m, cutlass):
    from torch.sparse import to_sparse_semi_structured, SparseSemiStructuredTensor
    SparseSemiStructuredTensor._FORCE_CUTLASS = cutlass
    for mod in m.modules():
        if isinstance(mod, nn.Linear):
            mod.weight = nn.Parameter(to_sparse_semi_structured(mod.weight.detach()))
    return m

shapes = [(256, 32), (1024, 32), (256, 128), (64, 512)]
inputs = {s: torch.randint(1000, 30000, s, device="cuda") for s in shapes}
dense = build()
bad, total = check_24(dense)
res["pattern_2of4"] = {"groups": total, "violations": bad}
print("2:4 groups", total, "violations", bad, flush=True)
res["model"] = {}
with torch.inference_mode():
    ref = {s: dense(input_ids=inputs[s]).last_hidden_state.float() for s in shapes}
    res["model"]["dense_fp16"] = {str(s): timeit(lambda s=s: dense(input_ids=inputs[s])) for s in shapes}
    print("dense", res["model"]["dense_fp16"], flush=True)
    for label, cutlass in (("sparse24_cusparselt", False), ("sparse24_cutlass", True)):
        try:
            sp = sparsify(build(), cutlass)
            out = {s: sp(input_ids=inputs[s]).last_hidden_state.float() for s in shapes}
            agree = {}
            for s in shapes:
                a, b = ref[s][:, 0], out[s][:, 0]
                agree[str(s)] = {"max_abs": float((ref[s] - out[s]).abs().max()),
                                 "cls_cos_min": float(nn.functional.cosine_similarity(a, b, dim=-1).min())}
            t = {str(s): timeit(lambda s=s: sp(input_ids=inputs[s])) for s in shapes}
            res["model"][label] = t
            res["agreement_" + label] = agree
            print(label, t, agree, flush=True)
            del sp
        except Exception as ex:
            res["model"][label] = "failed: " + repr(ex)[:300]
            print(label, "failed", repr(ex)[:300], flush=True)
    # structured pruning shapes (random weights: speed depends on shapes only)
    for label, kw in (("structured_mlp50", dict(intermediate=768)),
                      ("structured_mlp50_heads9", dict(intermediate=768, heads=9)),
                      ("structured_mlp50_layers10", dict(intermediate=768, layers=10))):
        try:
            m = build(load=False, **kw)
            res["model"][label] = {str(s): timeit(lambda s=s: m(input_ids=inputs[s])) for s in shapes}
            print(label, res["model"][label], flush=True)
            del m
        except Exception as ex:
            res["model"][label] = "failed: " + repr(ex)[:300]
            print(label, "failed", repr(ex)[:300], flush=True)
    # single linear layers at 32k tokens, weights of layer 0 from our model
    res["linear"] = {}
    lin_names = ["attention.self.query", "intermediate.dense", "output.dense"]
    for nm in lin_names:
        w = dict(dense.named_parameters())["encoder.layer.0." + nm + ".weight"].detach()
        for M in (8192, 32768):
            x = torch.randn(M, w.shape[1], device="cuda", dtype=torch.float16)
            row = sparse_times({"shape": list(w.shape), "dense_ms": timeit(lambda: nn.functional.linear(x, w), iters=200)},
                               x, w, 200)
            res["linear"][f"{nm}@{M}"] = row
            print(nm, M, row, flush=True)
    # big square case where 2:4 is known to pay, as a sanity check of the kernels
    w = torch.randn(4096, 4096, device="cuda", dtype=torch.float16)
    mask = torch.tensor([1, 1, 0, 0], device="cuda", dtype=torch.float16).repeat(4096, 1024)
    w = w * mask
    x = torch.randn(8192, 4096, device="cuda", dtype=torch.float16)
    row = sparse_times({"dense_ms": timeit(lambda: nn.functional.linear(x, w), iters=100)}, x, w, 100)
    res["linear"]["sanity_4096x4096@8192"] = row
    print("sanity", row, flush=True)
json.dump(res, open(os.path.join(OUT, "gpu24.json"), "w"), indent=1)
print(json.dumps(res), flush=True)
