# Instances of an Exception subclass (its dict is no managed one: no
# pre-header) with a rare attribute: the recorder must not read a layout
# it does not have.
class AppError(Exception):
    def __init__(self, i):
        Exception.__init__(self, 'm')
        self.code = i
        if i % 10 == 0:
            self.extra = 1
errs = [AppError(i) for i in range(5000)]
