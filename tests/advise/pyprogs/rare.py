# Rare extra attributes: 1 instance in 50 carries a note, 1 in 400 a tag.
class Order(object):
    def __init__(self, oid, qty):
        self.oid = oid
        self.qty = qty
        self.price = None
        self.state = 'new'

orders = [Order(i % 200, i % 9) for i in range(30000)]
for i, o in enumerate(orders):
    if i % 50 == 0:
        o.note = 'n'
    if i % 400 == 0:
        o.tag = 't'
