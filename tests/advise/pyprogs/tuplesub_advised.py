# tuplesub.py with the advice applied.
from collections import namedtuple

class Version(namedtuple('VersionBase', 'major minor patch')):
    __slots__ = ()
    def bump(self):
        return self._replace(patch=self.patch + 1)

versions = [Version(i % 4, i % 20, i) for i in range(25000)]
