# errs.py with the advice applied.
class ParseError(ValueError):
    __slots__ = ('line', 'col', 'hint')
    def __init__(self, line, col):
        ValueError.__init__(self, 'bad input')
        self.line = line
        self.col = col
        self.hint = None

class Tags(set):
    __slots__ = ('owner',)
    def __init__(self, owner):
        set.__init__(self)
        self.owner = owner

errors = [ParseError(i, i % 80) for i in range(15000)]
tags = [Tags(i) for i in range(5000)]
