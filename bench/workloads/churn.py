# bench/workloads/churn.py - an interpreter's allocation churn: dicts,
# lists, strings, tuples and instances made and dropped, a tree built and
# torn down, string joins; deterministic (fixed seed) and self-checking.
# usage: python3 churn.py [SCALE]
import random
import sys


class Node(object):
    def __init__(self, key, left=None, right=None):
        self.key, self.left, self.right = key, left, right


def tree(depth, key):
    if depth == 0:
        return None
    return Node(key, tree(depth - 1, key * 2), tree(depth - 1, key * 2 + 1))


def count(n):
    return 0 if n is None else 1 + count(n.left) + count(n.right)


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rnd = random.Random(12345)
    total = 0
    for it in range(scale):
        d = {}
        for i in range(20000):
            k = "k%d_%d" % (i, rnd.randrange(1000))
            d[k] = [i, str(i) * (i % 7), (i, k)]
        total += sum(len(v[1]) for v in d.values())
        t = tree(14, 1)
        c = count(t)
        if c != 2 ** 14 - 1:
            sys.exit("churn: tree has %d nodes" % c)
        s = ",".join(str(x) for x in range(30000))
        if len(s.split(",")) != 30000:
            sys.exit("churn: split lost items")
        total += c
    print("churn ok %d" % total)


main()
