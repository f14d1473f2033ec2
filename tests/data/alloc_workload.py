# alloc_workload.py - a Python program that allocates in many ways, for
# tests/malloc/malloc_programs.sh: its output must be the same under every malloc.
# Run with PYTHONHASHSEED=0 so that set and dict orders are reproducible.
import hashlib
import json
import re
import sys
import threading
from collections import Counter, OrderedDict, defaultdict


class Slots:
    __slots__ = ("name", "identifier")

    def __init__(self, name, identifier):
        self.name = name
        self.identifier = identifier


class NoSlots:
    def __init__(self, name, identifier):
        self.name = name
        self.identifier = identifier


def digest(obj):
    return hashlib.sha256(repr(obj).encode()).hexdigest()[:16]


n = int(sys.argv[1]) if len(sys.argv) > 1 else 262144
a = [Slots(i, i) for i in range(n)]
b = [NoSlots(i, str(i)) for i in range(n)]
print("objects", sum(o.identifier for o in a), len(b), b[-1].__dict__)
del a[::2]
b = b[: n // 3]
words = re.findall(r"[a-z]+", " ".join(f"w{i % 977}x{chr(97 + i % 26)}" for i in range(n)))
print("words", len(words), Counter(words).most_common(3))
doc = {str(i): {"v": [i, i * 2, str(i) * (i % 7)], "k": {"x": i}} for i in range(n // 8)}
text = json.dumps(doc, sort_keys=True)
print("json", len(text), digest(json.loads(text)["100"]))
grow = bytearray()
for i in range(20000):
    grow += bytes([i % 251]) * (i % 37)
print("bytearray", len(grow), hashlib.md5(grow).hexdigest())
dd = defaultdict(list)
for i in range(n // 4):
    dd[i % 1013].append(i)
od = OrderedDict((k, sum(v)) for k, v in sorted(dd.items()))
print("dicts", len(od), digest(list(od.items())[:5]))
s = sorted(({(i * 7919) % 100003 for i in range(n // 2)}), reverse=True)
print("sorted", s[:3], s[-3:])
results = [None] * 4


def work(k):
    results[k] = digest([str(j) * 3 for j in range(k, n // 4, 4)])


threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads", results)
