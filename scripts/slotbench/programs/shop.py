# A real-world-shaped program: an online shop's objects.  An entity base,
# customers, products (cached through weak references), orders with line
# items, a coupon on 1 order in 25.
import weakref


class Entity(object):
    def __init__(self, uid):
        self.uid = uid
        self.created = 0


class Customer(Entity):
    def __init__(self, uid, name):
        Entity.__init__(self, uid)
        self.name = name
        self.email = None
        self.orders = []


class Product(Entity):
    def __init__(self, uid, title, price):
        Entity.__init__(self, uid)
        self.title = title
        self.price = price
        self.stock = 10


class Order(Entity):
    def __init__(self, uid, customer):
        Entity.__init__(self, uid)
        self.customer = customer
        self.lines = []
        self.state = 'new'


class LineItem(object):
    def __init__(self, product, qty):
        self.product = product
        self.qty = qty
        self.discount = None


customers = [Customer(i, 'c') for i in range(2000)]
products = [Product(i, 't', i % 50) for i in range(500)]
cache = weakref.WeakValueDictionary()
for p in products:
    cache[p.uid] = p
orders = []
for i in range(20000):
    o = Order(i, customers[i % 2000])
    customers[i % 2000].orders.append(o)
    for k in range(3):
        o.lines.append(LineItem(products[(i * 7 + k) % 500], 1 + k))
    if i % 25 == 0:
        o.coupon = 'SAVE'
    orders.append(o)
