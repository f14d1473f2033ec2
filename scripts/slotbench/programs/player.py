# Seed: Player with 4 attributes, 100 000 instances.
class Player(object):
    def __init__(self, uid, name, status=0, level=0):
        self.uid = uid
        self.name = name
        self.stat = status
        self.level = level

players = [Player('%05d' % (i % 100), 'Tom') for i in range(100000)]
