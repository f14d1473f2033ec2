# A namedtuple subclass that adds methods but forgets `__slots__ = ()`:
# each instance gets a dict pointer (3.6-3.11: 8 bytes after the items;
# 3.12+: a managed dict, the 16-byte pre-header), though none has a dict.
from collections import namedtuple

class Version(namedtuple('VersionBase', 'major minor patch')):
    def bump(self):
        return self._replace(patch=self.patch + 1)

versions = [Version(i % 4, i % 20, i) for i in range(25000)]
