"""Browser libraries from npm, served by the app itself (docs/decisions/0010-charts-offline.md).

`make install` runs `npm ci` from the committed lock file into `node_modules/`. This finder exposes only the
files listed in `settings.NODE_STATIC_FILES` (e.g. ECharts' one minified bundle, its LICENSE and NOTICE), under
the npm layout (`echarts/dist/echarts.min.js`), so collectstatic copies about 1 MB instead of the package's
60 MB of sources, ES modules and source maps.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = Path(settings.NODE_MODULES_DIR)
        self.files: dict[str, list[str]] = dict(settings.NODE_STATIC_FILES)
        self.storages: dict[str, FileSystemStorage] = {}
        for package in self.files:
            storage = FileSystemStorage(location=self.root / package)
            storage.prefix = package
            self.storages[package] = storage
        super().__init__(*args, **kwargs)

    def _missing(self) -> list[str]:
        return [f"{package}/{name}" for package, names in self.files.items() for name in names
                if not (self.root / package / name).is_file()]

    def check(self, **kwargs):
        missing = self._missing()
        if not missing:
            return []
        return [checks.Warning(
            f"Browser libraries missing from {self.root}: {', '.join(missing)}",
            hint="Run `make install` (it runs `npm ci` from package-lock.json); pages that draw charts need them.",
            id="yixie.W001")]

    def find(self, path, find_all=False, **kwargs):
        matches = []
        package, _, name = path.partition("/")
        if name in self.files.get(package, ()):
            full = self.root / package / name
            if full.is_file():
                matches.append(str(full))
        if find_all:
            return matches
        return matches[0] if matches else []

    def list(self, ignore_patterns):
        for package, names in self.files.items():
            storage = self.storages[package]
            for name in names:
                if (self.root / package / name).is_file():
                    yield name, storage
