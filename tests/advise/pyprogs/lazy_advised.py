# lazy.py with the advice applied: the cached value in a slot '_total'.
class Invoice:
    __slots__ = ('number', 'lines', 'paid', '_total')
    def __init__(self, number, lines):
        self.number = number
        self.lines = lines
        self.paid = False

    @property
    def total(self):
        try:
            return self._total
        except AttributeError:
            self._total = self.lines * 3
            return self._total

invoices = [Invoice(i, i % 11) for i in range(16000)]
due = sum(inv.total for inv in invoices[1::2])
