"""Second GPU check for issue 17: where the 2:4 time goes (cuSPARSELt plan overhead vs kernel), accuracy against
an fp32 reference, and CUDA-graph replay of whole forwards (launch overhead removed) for dense, 2:4 and structured."""
import json, os, sys
import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel
from torch.sparse import to_sparse_semi_structured, SparseSemiStructuredTensor
import cuda_timing

torch.manual_seed(0)
OUT = os.environ.get("OUT", "/tmp")
here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))  # export-f16 output
index = json.load(open(os.path.join(here, "index.json")))
raw = np.fromfile(os.path.join(here, "weights.f16"), dtype=np.float16)
res = {}

def build(intermediate=1536, layers=12, load=True):
    cfg = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=layers, num_attention_heads=12,
                     intermediate_size=intermediate, max_position_embeddings=512)
    m = BertModel(cfg, add_pooling_layer=False)
    if load:
        sd = m.state_dict()
        for e in index:
            key = (e["name"].strip("/").replace("/MatMul", "").replace("/", ".") + ".weight") if e["kind"] == "linear" else e["name"]
            if key in sd:
                sd[key] = torch.from_numpy(raw[e["offset"] // 2: e["offset"] // 2 + e["count"]].reshape(e["shape"]).copy())
        m.load_state_dict(sd)
    return m.cuda().eval()

def timeit(fn, iters=50):
    return cuda_timing.timeit(fn, iters, warm=5)

def graphed(fn, iters=50):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        fn()
    for _ in range(3):
        g.replay()
    torch.cuda.synchronize()
    return cuda_timing.events(g.replay, iters)

def sparsify(m):
    SparseSemiStructuredTensor._FORCE_CUTLASS = False
    for mod in m.modules():
        if isinstance(mod, nn.Linear):
            mod.weight = nn.Parameter(to_sparse_semi_structured(mod.weight.detach()))
    return m

with torch.inference_mode():
    # 1. one linear layer: accuracy vs fp32 and time of each path
    w32 = build(layers=1).encoder.layer[0].intermediate.dense.weight.detach().float()
    w = w32.half()
    res["linear"] = {}
    for M in (8192, 65536):
        x = torch.randn(M, 384, device="cuda", dtype=torch.float16)
        ref = nn.functional.linear(x.float(), w32)
        ws = to_sparse_semi_structured(w)
        comp = torch._cslt_compress(w)
        row = {"dense_ms": timeit(lambda: nn.functional.linear(x, w), 200),
               "semi_structured_ms": timeit(lambda: nn.functional.linear(x, ws), 200),
               "cslt_default_ms": timeit(lambda: torch._cslt_sparse_mm(comp, x.t()), 200)}
        try:
            alg = torch._cslt_sparse_mm_search(comp, x.t())
            row["cslt_alg"] = int(alg)
            row["cslt_searched_ms"] = timeit(lambda: torch._cslt_sparse_mm(comp, x.t(), alg_id=alg), 200)
        except Exception as ex:
            row["cslt_searched_ms"] = "failed: " + repr(ex)[:200]
        row["dense_graph_ms"] = graphed(lambda: nn.functional.linear(x, w), 200)
        try:
            row["semi_structured_graph_ms"] = graphed(lambda: nn.functional.linear(x, ws), 200)
        except Exception as ex:
            row["semi_structured_graph_ms"] = "failed: " + repr(ex)[:200]
        row["dense_max_abs_err_vs_fp32"] = float((nn.functional.linear(x, w).float() - ref).abs().max())
        row["sparse_max_abs_err_vs_fp32"] = float((nn.functional.linear(x, ws).float() - ref).abs().max())
        row["cslt_max_abs_err_vs_fp32"] = float((torch._cslt_sparse_mm(comp, x.t()).t().float() - ref).abs().max())
        row["ref_max_abs"] = float(ref.abs().max())
        res["linear"][str(M)] = row
        print(M, row, flush=True)

    # 2. whole encoder: accuracy vs an fp32 dense reference, eager and graph-replayed time
    shapes = [(256, 32), (1024, 32), (256, 128)]
    ids = {s: torch.randint(1000, 30000, s, device="cuda") for s in shapes}
    m32 = build()
    ref = {s: m32(input_ids=ids[s]).last_hidden_state[:, 0].float() for s in shapes}
    del m32
    models = {"dense_fp16": build().half(), "sparse24_fp16": sparsify(build().half()),
              "structured_mlp50_fp16": build(intermediate=768, load=False).half(),
              "structured_layers10_mlp50_fp16": build(intermediate=768, layers=10, load=False).half()}
    res["model"] = {}
    for name, m in models.items():
        row = {}
        for s in shapes:
            cell = {"eager_ms": timeit(lambda: m(input_ids=ids[s]))}
            try:
                cell["graph_ms"] = graphed(lambda: m(input_ids=ids[s]))
            except Exception as ex:
                cell["graph_ms"] = "failed: " + repr(ex)[:200]
            if "structured" not in name:
                out = m(input_ids=ids[s]).last_hidden_state[:, 0].float()
                cell["cls_cos_vs_fp32_min"] = float(nn.functional.cosine_similarity(out, ref[s], dim=-1).min())
            row[str(s)] = cell
        res["model"][name] = row
        print(name, row, flush=True)
json.dump(res, open(os.path.join(OUT, "gpu24b.json"), "w"), indent=1)
