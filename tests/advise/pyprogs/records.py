# Many small records: 40 000 instances of one class with 3 attributes.
class Point(object):
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

points = [Point(i % 100, i % 7, None) for i in range(40000)]
