# coupon.py with the advice applied.
class Order(object):
    __slots__ = ('uid', 'created', 'customer', 'lines', 'state', 'coupon')

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
