# A rare attribute set as each instance is made (a coupon on 1 order in 25,
# in the loop that builds them): the first order puts it in the class's
# shared keys, so every later order's values have room for it.  The
# recorder tells this from a name added after every instance was built
# (rare.py) by the instances' layout.
class Order(object):
    def __init__(self, uid, customer):
        self.uid = uid
        self.created = 0
        self.customer = customer
        self.lines = []
        self.state = 'new'


orders = []
for i in range(20000):
    o = Order(i, i % 2000)
    if i % 25 == 0:
        o.coupon = 'SAVE'
    orders.append(o)
