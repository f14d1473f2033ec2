# Errors kept for a report, and sets of tags.  BaseException has a dict of
# its own (a field of its C layout, made on the first attribute) and no
# weak references (a subclass adds them); set takes weak references itself.
class ParseError(ValueError):
    def __init__(self, line, col):
        ValueError.__init__(self, 'bad input')
        self.line = line
        self.col = col
        self.hint = None

class Tags(set):
    def __init__(self, owner):
        set.__init__(self)
        self.owner = owner

errors = [ParseError(i, i % 80) for i in range(15000)]
tags = [Tags(i) for i in range(5000)]
