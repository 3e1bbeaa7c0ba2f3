#!/usr/bin/env bash
# --shard I/N and `sluice merge` (docs/scale-out.md). The property: for every mergeable sink, any
# N and any file, the shards' docs merged give the unsharded run's payload (or output file) and its
# bytes_in, bytes_out and items_out. Checked for N in 1,2,3,4,7 over files made to hit the edges
# (empty, no trailing delimiter, a line longer than a shard, shards holding no line start, empty
# lines; frames of every size, a frame longer than a shard, a truncated tail), through `run` and a
# built executable (whose shard docs must be byte-identical to run's). Then the refusals (exit 2
# with a clear message), --shard auto from the Slurm and Kubernetes variables, a shard ERR, and
# merge's errors.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SLUICE_CACHE_DIR="$build/build-cache"
python3 - "$sluice" "$tmp" "$src" <<'PY'
import base64, concurrent.futures, json, os, random, struct, subprocess, sys

sluice, tmp, src = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(18)
NS = [1, 2, 3, 4, 7]

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    os._exit(1)  # also from a worker thread

def cfg():
    # Small chunks and windows, so items cross every cut many ways; budgets far above the data.
    return ["std.stream.cfg_v1", ["chunk_max_bytes", 7], ["bufread_cap_bytes", 50],
            ["max_in_bytes", 10000000], ["max_out_bytes", 10000000], ["max_items", 1000000], ["max_steps", 2000000]]

SINKS = {
    "collect": ["std.stream.sink.collect_bytes_v1"],
    "null": ["std.stream.sink.null_v1"],
    "file": ["std.stream.sink.world_fs_write_file_v1", ["std.stream.expr_v1", ["bytes.lit", "out/o.bin"]]],
    "stream": ["std.stream.sink.world_fs_write_stream_v1", ["std.stream.expr_v1", ["bytes.lit", "out/s.bin"]],
               ["std.stream.expr_v1", ["bytes.lit", ""]], ["buf_cap_bytes", 16], ["flush_min_bytes", 8]],
    "poly61": ["sluice.stream.sink.hash_poly61_v1"],
}
OUT = {"file": "out/o.bin", "stream": "out/s.bin"}
FIRST = {
    "lines": ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 100000]],
    "frames": ["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 100000], ["allow_empty", 1], ["on_truncated", "drop"]],
}

def pipe(first, sink, name):
    # split/deframe, then frame_u32le so item boundaries show in the bytes out.
    p = ["std.stream.pipe_v1", cfg(),
         ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.bin"]]],
         ["std.stream.chain_v1", FIRST[first], ["std.stream.xf.frame_u32le_v1"]], SINKS[sink]]
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(p, f)
    return path

def line_files():
    long_line = b"L" * 700 + b"\n"
    many = b"".join(bytes(rng.choice(b"abcdef") for _ in range(rng.randrange(0, 12))) + b"\n" for _ in range(300))
    return {
        "empty": b"",
        "no_trailing": many + b"tail without newline",
        # lines longer than a shard, so some shards hold no line start; no trailing newline either
        "long_line": b"a\n" + long_line + b"bb\n" + long_line[:-1],
        "random": bytes(rng.choice(b"xyz\n") for _ in range(2000)),  # empty lines, runs of newlines
    }

def frame(b):
    return struct.pack("<I", len(b)) + b

def frame_files():
    small = b"".join(frame(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 20)))) for _ in range(200))
    return {
        "empty": b"",
        "small": small,
        # a frame longer than a shard, an empty frame, then a truncated header at the end
        "big_frame": frame(b"q" * 3) + frame(b"B" * 900) + frame(b"") + frame(b"z" * 5) + b"\x07\x00",
        "truncated_payload": small[:500] + struct.pack("<I", 50) + b"short",
    }

def run(cmd, expect=(0, 3)):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in expect:
        fail("%s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode(errors="replace")))
    return r

def as_json(doc_json):
    j = json.loads(doc_json)
    c = j.get("counters") or {}
    return (j["ok"], j.get("code"), j.get("payload"), c.get("bytes_in"), c.get("bytes_out"), c.get("items_out"))

def reset_out():
    os.makedirs(os.path.join(tmp, "out"), exist_ok=True)
    for f in os.listdir(os.path.join(tmp, "out")):
        os.remove(os.path.join(tmp, "out", f))

def check(runner, first, sink, pipe_path, fname, data, ns):
    with open(os.path.join(tmp, "in.bin"), "wb") as f:
        f.write(data)
    reset_out()
    whole = run(runner + ["--root", tmp, "--emit", "json"])
    want = as_json(whole.stdout)
    want_file = None
    if sink in OUT and want[0]:
        with open(os.path.join(tmp, OUT[sink]), "rb") as f:
            want_file = f.read()
    for n in ns:
        reset_out()
        docs = [os.path.join(tmp, "shard-%d.doc" % i) for i in range(n)]
        def one(i):
            r = run(runner + ["--root", tmp, "--emit", "doc", "--shard", "%d/%d" % (i, n)])
            with open(docs[i], "wb") as f:
                f.write(r.stdout)
            if runner[0] != sluice:  # the executable's shard doc is run's, byte for byte
                again = run([sluice, "run", pipe_path, "--root", tmp, "--emit", "doc", "--shard", "%d/%d" % (i, n), "--no-fsync"])
                if again.stdout != r.stdout:
                    fail("%s %s %s N=%d shard %d: the executable's doc differs from run's" % (first, sink, fname, n, i))
        # The shards are separate processes, as in a job array: run them side by side.
        list(pool.map(one, range(n)))
        m = run([sluice, "merge", "--pipe", pipe_path, "--root", tmp, "--emit", "json"] + docs)
        got = as_json(m.stdout)
        if got != want:
            fail("%s %s %s N=%d (%s): merged %s != unsharded %s" % (first, sink, fname, n, runner[0], got, want))
        if want_file is not None:
            with open(os.path.join(tmp, OUT[sink]), "rb") as f:
                if f.read() != want_file:
                    fail("%s %s %s N=%d: merged file differs" % (first, sink, fname, n))
            left = [p for p in os.listdir(os.path.join(tmp, "out")) if p != os.path.basename(OUT[sink])]
            if left:
                fail("%s %s %s N=%d: merge left %s" % (first, sink, fname, n, left))

pool = concurrent.futures.ThreadPoolExecutor(max_workers=3)
checked = 0
for first, files in (("lines", line_files()), ("frames", frame_files())):
    for sink in SINKS:
        p = pipe(first, sink, first + "-" + sink)
        # Every file for the sinks with a payload or a file to join; two for the others (their
        # counters are summed the same way), to keep the test short.
        names = list(files) if sink in ("collect", "file", "poly61") else list(files)[-2:]
        for fname in names:
            check([sluice, "run", p, "--no-fsync"], first, sink, p, fname, files[fname], NS)
            checked += 1

# A built executable: the same property, and its shard docs equal run's byte for byte.
# (One executable: each build is a C++ compile, the costliest step here; the stage code is the
# interpreter's, so the other first stages and sinks differ only in what run already covers.)
for first, sink, files in (("lines", "file", line_files()),):
    p = pipe(first, sink, "exe-" + first + "-" + sink)
    exe = os.path.join(tmp, "exe-" + first)
    run([sluice, "build", p, "-o", exe], expect=(0,))
    for fname in list(files)[1:]:
        check([exe, "--no-fsync"], first, sink, p, fname, files[fname], [3, 7])
        checked += 1

# hash_poly61_v1's payload, computed here from its definition over the bytes collect_bytes sees:
# h = h * B + b + 1 mod 2^61 - 1 over every byte, then h and the length as u64 LE.
P61, B61 = (1 << 61) - 1, 0x1d2f3a5b7c9e0f13 % ((1 << 61) - 1)
with open(os.path.join(tmp, "in.bin"), "wb") as f:
    f.write(line_files()["no_trailing"])
delivered = base64.b64decode(json.loads(run([sluice, "run", pipe("lines", "collect", "p61-c"), "--root", tmp, "--emit", "json"]).stdout)["payload"])
h = 0
for b in delivered:
    h = (h * B61 + b + 1) % P61
got = run([sluice, "run", pipe("lines", "poly61", "p61-h"), "--root", tmp, "--emit", "payload"]).stdout
if got != struct.pack("<QQ", h, len(delivered)):
    fail("hash_poly61_v1: payload %s, the definition gives %s" % (got.hex(), struct.pack("<QQ", h, len(delivered)).hex()))

# An ordered par_map (item by item, in order) shards; an unordered one is refused.
mod = os.path.join(src, "tests/cases/par_map/mappers.x07.json")
def par_map_pipe(kind):
    stage = ["std.stream.xf." + kind, ["max_inflight", 3], ["max_item_bytes", 100000],
             ["ctx", ["std.stream.expr_v1", ["bytes.lit", "<"]]], ["mapper_defasync", ["std.stream.fn_v1", "par_map.mappers.tag"]]]
    c = cfg() + ([["allow_nondet_v1", 1]] if "unordered" in kind else [])
    return ["std.stream.pipe_v1", c, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.bin"]]],
            ["std.stream.chain_v1", FIRST["lines"], stage], ["std.stream.sink.u32frames_v1", ["std.stream.sink.collect_bytes_v1"]]]
pm = os.path.join(tmp, "par_map.json")
with open(pm, "w") as f:
    json.dump(par_map_pipe("par_map_stream_v1"), f)
data = line_files()["no_trailing"]
with open(os.path.join(tmp, "in.bin"), "wb") as f:
    f.write(data)
whole = as_json(run([sluice, "run", pm, "--module", mod, "--root", tmp, "--emit", "json"], expect=(0,)).stdout)
pdocs = []
for i in range(3):
    r = run([sluice, "run", pm, "--module", mod, "--root", tmp, "--emit", "doc", "--shard", "%d/3" % i], expect=(0,))
    pdocs.append(os.path.join(tmp, "pm-%d.doc" % i))
    with open(pdocs[-1], "wb") as f:
        f.write(r.stdout)
if as_json(run([sluice, "merge", "--pipe", pm, "--module", mod, "--emit", "json"] + pdocs).stdout) != whole:
    fail("ordered par_map: merged != unsharded")
checked += 1

# --- refusals: exit 2 and a message that says why ---
def refused(cmd, words):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = r.stderr.decode(errors="replace")
    if r.returncode != 2:
        fail("%s: exit %d, want 2 (%s)" % (" ".join(cmd), r.returncode, err))
    for w in words:
        if w not in err:
            fail("%s: message lacks %r: %s" % (" ".join(cmd), w, err))
    if r.stdout:
        fail("%s: wrote to stdout when refused" % " ".join(cmd))

def write_pipe(name, chain, sink, source=None):
    p = ["std.stream.pipe_v1", cfg(),
         source or ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.bin"]]],
         ["std.stream.chain_v1"] + chain, sink]
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(p, f)
    return path

hash_pipe = write_pipe("hash", [FIRST["lines"]], ["std.stream.sink.hash_fnv1a32_v1"])
hexe = os.path.join(tmp, "exe-hash")
run([sluice, "build", hash_pipe, "-o", hexe], expect=(0,))
for cmd in ([sluice, "run", hash_pipe], [hexe]):
    refused(cmd + ["--root", tmp, "--shard", "0/2"], ["hash_fnv1a32_v1", "not mergeable"])
    refused(cmd + ["--root", tmp, "--shard", "2/2"], ["0 <= I < N"])
    refused(cmd + ["--root", tmp, "--shard", "-1/2"], ["expected I/N"])
    refused(cmd + ["--root", tmp, "--shard", "0/0"], ["expected I/N"])
    refused(cmd + ["--root", tmp, "--shard", "1/2", "--shards", "2"], ["--shards N goes with --shard auto"])
refused([sluice, "run", write_pipe("take", [FIRST["lines"], ["std.stream.xf.take_v1", ["std.stream.expr_v1", 3]]],
                                   SINKS["collect"]), "--root", tmp, "--shard", "0/2"], ["take_v1", "whole input"])
refused([sluice, "run", write_pipe("frame_first", [["std.stream.xf.frame_u32le_v1"]], SINKS["collect"]),
         "--root", tmp, "--shard", "0/2"], ["first stage", "split_lines_v1"])
refused([sluice, "run", write_pipe("bytes_src", [FIRST["lines"]], SINKS["collect"],
                                   ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\nb\n"]]]),
         "--shard", "0/2"], ["only std.stream.src.fs_open_read_v1"])
refused([sluice, "merge", "--pipe", hash_pipe, os.path.join(tmp, "shard-0.doc")], ["not mergeable"])
upm = os.path.join(tmp, "par_map_unordered.json")
with open(upm, "w") as f:
    json.dump(par_map_pipe("par_map_stream_unordered_v1"), f)
refused([sluice, "run", upm, "--module", mod, "--root", tmp, "--shard", "0/2"], ["par_map_stream_unordered_v1", "order"])

# --- --shard auto: Slurm array variables, a Kubernetes completion index with --shards ---
lines_pipe = pipe("lines", "collect", "auto-lines")
with open(os.path.join(tmp, "in.bin"), "wb") as f:
    f.write(b"".join(b"line %d\n" % i for i in range(100)))
def env_run(extra_env, args, expect=(0,)):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_") and k != "JOB_COMPLETION_INDEX"}
    env.update(extra_env)
    r = subprocess.run([sluice, "run", lines_pipe, "--root", tmp, "--emit", "doc"] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in expect:
        fail("auto %s: exit %d: %s" % (extra_env, r.returncode, r.stderr.decode()))
    return r
for i in range(3):
    explicit = env_run({}, ["--shard", "%d/3" % i]).stdout
    slurm = env_run({"SLURM_ARRAY_TASK_ID": str(i + 5), "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"}, ["--shard", "auto"]).stdout
    k8s = env_run({"JOB_COMPLETION_INDEX": str(i)}, ["--shard", "auto", "--shards", "3"]).stdout
    if not (explicit == slurm == k8s):
        fail("--shard auto shard %d differs from --shard %d/3" % (i, i))
for bad_env, args, words in (({}, ["--shard", "auto"], "neither SLURM_ARRAY_TASK_ID"),
                             ({"JOB_COMPLETION_INDEX": "1"}, ["--shard", "auto"], "pass --shards N"),
                             ({"JOB_COMPLETION_INDEX": "3"}, ["--shard", "auto", "--shards", "3"], "not in 0..2"),
                             ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, ["--shard", "auto"], "do not name a task"),
                             ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_STEP": "2"}, ["--shard", "auto"], "step 2")):
    r = env_run(bad_env, args, expect=(2,))
    if words not in r.stderr.decode():
        fail("auto %s: message lacks %r: %s" % (bad_env, words, r.stderr.decode()))

# --- a shard ERR: the merged doc is the first ERR in shard order, its shard named on stderr ---
strict = write_pipe("strict", [["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 8]]], SINKS["collect"])
with open(os.path.join(tmp, "in.bin"), "wb") as f:
    f.write(b"ok\n" * 20 + b"x" * 30 + b"\n" + b"ok\n" * 20 + b"y" * 30 + b"\n")
whole = run([sluice, "run", strict, "--root", tmp, "--emit", "doc"], expect=(3,)).stdout
docs = []
for i in range(4):
    r = run([sluice, "run", strict, "--root", tmp, "--emit", "doc", "--shard", "%d/4" % i])
    docs.append(os.path.join(tmp, "e%d.doc" % i))
    with open(docs[-1], "wb") as f:
        f.write(r.stdout)
# The x line starts in shard 1's quarter, the y line in shard 3's: both shards end ERR, 0 and 2 OK.
states = [open(d, "rb").read()[0] for d in docs]
if states != [1, 0, 1, 0]:
    fail("strict shards: OK/ERR pattern %s, want [1, 0, 1, 0]" % states)
m = run([sluice, "merge", "--pipe", strict, "--emit", "doc"] + docs, expect=(3,))
if m.stdout != whole:
    fail("merged ERR doc differs from the unsharded run's")
if b"shard 1 of 4 (" + docs[1].encode() + b") ended ERR" not in m.stderr:
    fail("merge did not name the first ERR shard: %s" % m.stderr)

# --- merge's own errors ---
with open(os.path.join(tmp, "junk.doc"), "wb") as f:
    f.write(b"\x01\x02")
refused([sluice, "merge", "--pipe", lines_pipe, os.path.join(tmp, "junk.doc")], ["not a result doc"])
fpipe = pipe("lines", "file", "missing-part")
reset_out()
r = run([sluice, "run", fpipe, "--root", tmp, "--emit", "doc", "--shard", "0/2"])
with open(os.path.join(tmp, "p0.doc"), "wb") as f:
    f.write(r.stdout)
refused([sluice, "merge", "--pipe", fpipe, "--root", tmp, os.path.join(tmp, "p0.doc"), os.path.join(tmp, "p0.doc")],
        ["o.bin.part-1-of-2"])
if os.path.exists(os.path.join(tmp, "out", "o.bin")):
    fail("a failed merge left out/o.bin")
# A device cannot be sharded (no byte ranges): a trap (exit 4) with its id, never a hang.
dev_pipe = write_pipe("dev", [FIRST["lines"]], SINKS["collect"],
                      ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "/dev/zero"]]])
r = subprocess.run([sluice, "run", dev_pipe, "--world", "run-os", "--shard", "0/2"], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=20)
if r.returncode != 4 or b"fs_shard_not_regular" not in r.stderr:
    fail("a device under --shard: exit %d %s" % (r.returncode, r.stderr))
print("shard: %d file/sink/runner combinations merged equal for N in %s; refusals, auto, ERR and merge errors checked" % (checked, NS))
PY
